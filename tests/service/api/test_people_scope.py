"""/api/people/ and /api/memberships/: the office and the leading group see everyone, others their units."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from workflows.org.models import Membership

pytestmark = pytest.mark.django_db


def _all(client, url: str) -> list[dict]:
    response = client.get(f"{url}?page_size=200")
    assert response.status_code == 200
    return response.json()["results"]


def _people_of(unit_code: str) -> set[str]:
    return set(Membership.objects.filter(unit__code=unit_code).values_list("user__username", flat=True))


@pytest.fixture
def emails(world):
    for user in get_user_model().objects.all():
        user.email = f"{user.username}@yunxi.example"
        user.save(update_fields=["email"])


@pytest.mark.parametrize("role, unit", [("liaison_a", "wenqiao-central-primary"),
                                        ("principal_a", "wenqiao-central-primary"),
                                        ("liaison_b", "yuehua-no2-primary"), ("lead_dept", "aid-center")])
def test_a_school_or_a_department_sees_only_its_own_units_people(role, unit, world, clients, emails):
    people = _all(clients[role], "/api/people/")
    assert {p["username"] for p in people} == _people_of(unit) | {world.users[role].username}
    assert {p["email"] for p in people} == {f"{p['username']}@yunxi.example" for p in people}
    memberships = _all(clients[role], "/api/memberships/")
    assert {m["unit"] for m in memberships} == {unit}


@pytest.mark.parametrize("role", ["office", "leader"])
def test_the_office_and_the_leading_group_see_everyone(role, world, clients, emails):
    people = _all(clients[role], "/api/people/")
    assert len(people) == get_user_model().objects.count() > 20
    assert len(_all(clients[role], "/api/memberships/")) == Membership.objects.count()


def test_a_person_in_no_unit_sees_only_themselves(world, django_user_model, client):
    loner = django_user_model.objects.create_user("loner", password="pw", email="loner@yunxi.example")
    client.force_login(loner)
    assert [p["username"] for p in _all(client, "/api/people/")] == ["loner"]
    assert _all(client, "/api/memberships/") == []


def test_another_schools_people_are_not_listed_to_a_school(world, clients):
    names = {p["username"] for p in _all(clients["liaison_a"], "/api/people/")}
    assert not names & _people_of("yuehua-no2-primary") and world.users["office"].username not in names
