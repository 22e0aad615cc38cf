"""Starting an instance over the API: the unit by its code, bad codes refused, the answer's history."""
from __future__ import annotations

import json

import pytest

from workflows.processes.models import ProcessInstance

pytestmark = pytest.mark.django_db


def _start(client, body: dict):
    return client.post("/api/instances/", data=json.dumps(body), content_type="application/json")


def test_the_office_starts_a_work_item_for_a_department(world, clients):
    response = _start(clients["office"], {"key": "work_item", "unit": "aid-center", "business_key": "WI-test"})

    assert response.status_code == 201, response.content[:300]
    body = response.json()
    instance = ProcessInstance.objects.get(pk=body["id"])
    assert instance.unit.code == "aid-center" and instance.business_key == "WI-test"
    assert body["tasks"], "the first task is open"
    assert [event["action"] for event in body["history"]][:1] == ["instance.started"]
    assert body["history"][0]["actor"] == world.users["office"].username


@pytest.mark.parametrize("unit", ["no-such-unit", "aid\x00center", 12345, ["aid-center"], {"code": "aid-center"}])
def test_a_unit_that_is_not_there_is_refused_and_nothing_starts(world, clients, unit):
    before = ProcessInstance.objects.count()

    response = _start(clients["office"], {"key": "work_item", "unit": unit})

    assert response.status_code == 400, response.content[:300]
    assert "unit" in response.json()["details"]
    assert ProcessInstance.objects.count() == before


def test_someone_outside_the_office_cannot_start(world, clients):
    before = ProcessInstance.objects.count()

    response = _start(clients["liaison_a"], {"key": "work_item", "unit": "aid-center"})

    assert response.status_code == 403
    assert ProcessInstance.objects.count() == before


def test_a_school_sees_the_whole_history_of_its_own_report_and_not_of_another_school(world, clients):
    own = clients["liaison_a"].get(f"/api/instances/{world.report_instance.pk}/")
    other = clients["liaison_b"].get(f"/api/instances/{world.report_instance.pk}/")

    assert own.status_code == 200 and other.status_code == 404
    actions = [event["action"] for event in own.json()["history"]]
    assert actions[0] == "instance.started" and "task.created" in actions
    assert any(event["actor"] == world.users["liaison_a"].username for event in own.json()["history"])
