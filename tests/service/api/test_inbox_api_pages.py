"""The inbox API a page at a time: walking `next` gives the rows the inbox query gives, in its order;
a short first page needs no count; a person with two units sees the candidate tasks of both."""
from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from workflows.org.models import Membership, Unit
from workflows.plans.inbox import inbox_rows
from workflows.processes.services.human_tasks import human_task_claim

pytestmark = pytest.mark.django_db

PEOPLE = ("office", "lead_dept", "coop_dept", "principal_a", "liaison_a", "liaison_b")


def _walk(client, query: str) -> list[int]:
    seen, url = [], f"/api/tasks/?{query}"
    while url:
        answer = client.get(url)
        assert answer.status_code == 200, answer.content[:300]
        body = answer.json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    return seen


@pytest.mark.parametrize("tab", ["all", "mine", "unit"])
@pytest.mark.parametrize("ordering", ["due_at", "-created_at"])
@pytest.mark.parametrize("filters", ["", "&state=ready", "&state=ready&unit={unit}", "&state=completed"])
def test_each_person_walks_the_rows_the_inbox_query_gives(world, clients, tab, ordering, filters):
    Membership.objects.create(user=world.users["liaison_a"], unit=Unit.objects.get(code="yuehua-no2-primary"),
                              role="principal")
    human_task_claim(task_id=world.report_task.pk, actor=world.users["liaison_a"])  # one task in a "mine" tab
    unit = world.report_task.candidate_unit_id
    seen = 0
    for who in PEOPLE:
        params = {"tab": tab, "ordering": ordering, **dict(
            pair.split("=") for pair in filters.format(unit=unit).split("&") if pair)}
        expected = [t.pk for t in inbox_rows(user=world.users[who], params=params)]
        for size in (1, 50):
            query = f"tab={tab}&ordering={ordering}&page_size={size}" + filters.format(unit=unit)
            assert _walk(clients[who], query) == expected, (who, size)
        seen += len(expected)
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


def test_a_short_first_page_reads_no_count_and_a_full_one_counts(world, clients):
    with CaptureQueriesContext(connection) as captured:
        short = clients["liaison_a"].get("/api/tasks/?page_size=200").json()
    assert short["count"] == len(short["results"]) >= 1 and short["next"] is None
    assert not short["count_capped"] and short["previous"] is None
    assert not any("COUNT(" in q["sql"] for q in captured.captured_queries)

    with CaptureQueriesContext(connection) as captured:
        full = clients["liaison_a"].get("/api/tasks/?page_size=1").json()
    assert full["count"] == short["count"] and len(full["results"]) == 1
    assert (full["next"] is not None) == (short["count"] > 1)
    sql = [q["sql"] for q in captured.captured_queries]
    assert sum("COUNT(" in q for q in sql) == (1 if full["next"] else 0)
    assert sum('FROM "org_membership"' in q for q in sql) == 1, "the memberships are read once for page and count"
    if full["next"]:
        second = clients["liaison_a"].get(full["next"]).json()
        assert second["previous"] and second["results"][0]["id"] != full["results"][0]["id"]
