"""The inbox page read source by source, after a cursor, gives the rows ``inbox_rows`` gives, in its
order (empty due dates last), page after page; its counts stop at their bound."""
from __future__ import annotations

import datetime as dt
import random
import uuid

import pytest
from django.utils import timezone

from workflows.org.models import Membership, Unit
from workflows.plans import inbox_pages
from workflows.plans.inbox import inbox_rows
from workflows.plans.inbox_pages import inbox_counts, inbox_page
from workflows.processes.models import HumanTask

pytestmark = pytest.mark.django_db
PEOPLE = ("office", "lead_dept", "principal_a", "liaison_a", "liaison_b")


@pytest.fixture
def crowded(world):
    """Eighty more open tasks at the liaison's school (some hers, some for the unit or for no role in
    it, some with no due date, several due at the same moment), and a second unit for her."""
    rng, now = random.Random(3), timezone.now().replace(microsecond=0)
    task = world.report_task
    liaison = world.users["liaison_a"]
    Membership.objects.create(user=liaison, unit=Unit.objects.get(code="yuehua-no2-primary"), role="principal")
    HumanTask.objects.bulk_create([HumanTask(
        instance=task.instance, task_guid=uuid.uuid4(), bpmn_id="extra", name=f"额外{i}",
        candidate_unit_id=task.candidate_unit_id, candidate_role=("liaison", "", "principal")[i % 3],
        assignee=liaison if i % 4 == 0 else None,
        due_at=None if i % 9 == 0 else now + dt.timedelta(days=rng.randint(-5, 5)))
        for i in range(80)])
    return world


def _expected(user, params) -> list[int]:
    rows = list(inbox_rows(user=user, params=params))
    field = params.get("ordering", "due_at").lstrip("-")
    descending = params.get("ordering", "").startswith("-")
    present = sorted((r for r in rows if getattr(r, field) is not None),
                     key=lambda r: (-getattr(r, field).timestamp() if descending else getattr(r, field), r.pk))
    return [r.pk for r in present] + sorted(r.pk for r in rows if getattr(r, field) is None)


def _walk(user, params, size: int) -> list[int]:
    seen, after = [], ""
    for _ in range(100):
        page = inbox_page(user=user, params=params, size=size, after=after)
        assert len(page.ids) <= size
        seen += page.ids
        if not page.after:
            return seen
        after = page.after
    raise AssertionError("the pages never ended")


@pytest.mark.parametrize("tab", ["all", "mine", "unit"])
@pytest.mark.parametrize("ordering", ["due_at", "-due_at", "-created_at"])
def test_every_page_in_order_as_the_inbox_query_gives_it(crowded, tab, ordering):
    walked = 0
    for who in PEOPLE:
        user, params = crowded.users[who], {"tab": tab, "ordering": ordering}
        expected = _expected(user, params)
        assert _walk(user, params, size=7) == expected, (who, tab, ordering)
        walked += len(expected)
    assert walked > (80 if tab == "all" else 15)  # the crowded inbox was walked, over many pages


def test_filters_apply_to_every_source(crowded):
    liaison = crowded.users["liaison_a"]
    params = {"tab": "all", "light": "red"}
    assert _walk(liaison, params, size=5) == _expected(liaison, params)
    assert _walk(liaison, {"q": "额外1"}, size=5) == _expected(liaison, {"q": "额外1"})


def test_counts_are_exact_below_the_bound_and_stop_at_it(crowded, monkeypatch):
    liaison = crowded.users["liaison_a"]
    exact = {tab: inbox_rows(user=liaison, params={"tab": tab}).count() for tab in ("all", "mine", "unit")}
    assert {tab: n for tab, n in inbox_counts(user=liaison).items() if tab in exact} == exact
    monkeypatch.setattr(inbox_pages, "COUNT_BOUND", 10)
    assert inbox_counts(user=liaison)["all"] == 11  # shown as "10+"


def test_a_forged_cursor_starts_from_the_top(crowded):
    liaison = crowded.users["liaison_a"]
    top = inbox_page(user=liaison, params={}, size=5).ids
    for cursor in ("garbage", "~", "2024-13-45~3", "~abc", "' or 1=1 --~1"):
        assert inbox_page(user=liaison, params={}, size=5, after=cursor).ids == top
