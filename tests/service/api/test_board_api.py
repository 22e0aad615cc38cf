"""The board's counts over the API: the same figures as the page, in the reader's scope, for the
same filters; a bad filter is a 400 naming it."""
from __future__ import annotations

import pytest

from workflows.processes.models import Escalation

pytestmark = pytest.mark.django_db


def test_the_counts_are_the_pages_and_the_readers_scope(world, clients):
    body = clients["office"].get("/api/board/").json()
    page = clients["office"].get("/board/").context
    assert body["totals"] == {level: n for level, _label, n in page["totals"]}
    assert sum(body["totals"].values()) == Escalation.objects.filter(closed_at__isnull=True).count()
    school = world.report_instance.unit
    mine = next(row for row in body["by_school"] if row["id"] == school.pk)
    assert mine["name"] == school.name
    assert mine["total"] == Escalation.objects.filter(closed_at__isnull=True, instance__unit=school).count()
    assert [row["total"] for row in body["by_work_item"]] == [row.total for row in page["by_work_item"]]
    other = clients["liaison_b"].get("/api/board/").json()  # another school's liaison: not this school's
    assert all(row["id"] != school.pk for row in other["by_school"])


def test_filters_narrow_the_counts_and_a_bad_one_is_named(world, clients):
    office = clients["office"]
    assert sum(office.get("/api/board/", {"level": "supervise"}).json()["totals"].values()) == 0
    assert office.get("/api/board/", {"level": "reminder"}).json()["totals"]["reminder"] >= 1
    answer = office.get("/api/board/", {"overdue": "-2", "quarter": "9"})
    assert answer.status_code == 400 and {"overdue", "quarter"} <= set(answer.json()["details"])
