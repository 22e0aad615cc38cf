"""An unfiltered first inbox page (compiled queries per shape) answers as the generic query path does."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from service.api.tasks import FIRST_PAGES
from workflows.org.models import Membership, Unit
from workflows.processes.services.human_tasks import human_task_claim

pytestmark = pytest.mark.django_db

PEOPLE = ("office", "lead_dept", "coop_dept", "principal_a", "liaison_a", "liaison_b")


def _both(client, query: str, monkeypatch) -> tuple[dict, dict]:
    """The answer through the compiled first page, and the generic path's."""
    plain = client.get(f"/api/tasks/?{query}")
    with monkeypatch.context() as patched:
        patched.setattr("service.api.tasks.FIRST_PAGES", lambda **kwargs: None)
        generic = client.get(f"/api/tasks/?{query}")
    assert plain.status_code == generic.status_code == 200, plain.content[:300]
    return plain.json(), generic.json()


@pytest.mark.parametrize("tab", ["all", "mine", "unit"])
@pytest.mark.parametrize("ordering", ["due_at", "-created_at"])
@pytest.mark.parametrize("filters", ["", "&state=ready", "&state=ready&unit={unit}", "&state=completed"])
def test_each_person_gets_the_page_the_generic_query_gives(world, clients, monkeypatch, tab, ordering, filters):
    # One person with two memberships in two units, so the shapes differ between people.
    Membership.objects.create(user=world.users["liaison_a"], unit=Unit.objects.get(code="yuehua-no2-primary"),
                              role="principal")
    human_task_claim(task_id=world.report_task.pk, actor=world.users["liaison_a"])  # one task in a "mine" tab
    seen = 0
    for who in PEOPLE:
        for size in (1, 50):
            unit = world.report_task.candidate_unit_id
            query = f"tab={tab}&ordering={ordering}&page_size={size}" + filters.format(unit=unit)
            plain, generic = _both(clients[who], query, monkeypatch)
            assert plain == generic, f"{who}, {tab}, {ordering}, {size}"
            seen += len(plain["results"])
    if not filters:
        assert seen > 0, "the world has tasks in some inbox"


def test_a_person_with_two_units_sees_the_candidate_tasks_of_both(world, clients):
    own = {row["id"] for row in clients["liaison_a"].get("/api/tasks/?tab=unit").json()["results"]}
    other = {row["id"] for row in clients["liaison_b"].get("/api/tasks/?tab=unit").json()["results"]}
    assert own and other and not own & other
    Membership.objects.create(user=world.users["liaison_a"], unit=Unit.objects.get(code="yuehua-no2-primary"),
                              role="liaison")

    both = {row["id"] for row in clients["liaison_a"].get("/api/tasks/?tab=unit").json()["results"]}

    assert both == own | other


def test_a_short_plain_first_page_reads_no_count_and_a_full_one_counts(world, clients):
    with CaptureQueriesContext(connection) as captured:
        short = clients["liaison_a"].get("/api/tasks/?page_size=200").json()
    assert short["count"] == len(short["results"]) >= 1 and short["next"] is None
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)

    with CaptureQueriesContext(connection) as captured:
        full = clients["liaison_a"].get("/api/tasks/?page_size=1").json()
    assert full["count"] == short["count"] and len(full["results"]) == 1
    assert (full["next"] is not None) == (short["count"] > 1)
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("COUNT(" in q for q in sql) == 1
    assert sum('FROM "org_membership"' in q for q in sql) == 1, "the memberships are read once for page and count"


def test_date_time_and_json_filters_later_pages_and_the_done_tab_take_the_generic_path(world):
    user = world.users["liaison_a"]
    assert FIRST_PAGES(user=user, params={}, size=50).rows
    assert FIRST_PAGES(user=user, params={"state": "ready", "unit": "999999"}, size=50).rows == []
    for params in ({"due_before": "2030-01-01"}, {"light": "red"}, {"page": "2"}, {"tab": "done"}, {"work_item": "1"}):
        assert FIRST_PAGES(user=user, params=params, size=50) is None, params
