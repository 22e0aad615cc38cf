"""`load_demo` follows today's clock: a quarter in progress, and a day of ticking changes little."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
import time_machine
from django.core.management import call_command

from tests.workflows.plans.conftest import SEED
from workflows.plans.calendar import LOCAL, WorkingCalendar
from workflows.plans.demo import LATE, ON_TIME, demo_placement
from workflows.plans.models import CycleQuarter, Plan, QuarterlyReport, ReportStatus
from workflows.plans.services.cycles import cycles_tick
from workflows.processes.models import Escalation, HumanTask, HumanTaskState
from workflows.processes.services.timers import timer_sweep

SCHOOLS = 15
# (moment, the quarter in progress, whether it is a catch-up)
MOMENTS = [
    (dt.datetime(2026, 12, 2, 10, tzinfo=LOCAL), (2026, 3), True),   # Q3 closed in October, Q4 opens later
    (dt.datetime(2026, 4, 20, 10, tzinfo=LOCAL), (2026, 1), True),   # Q1's reports closed mid-April
    (dt.datetime(2026, 7, 3, 10, tzinfo=LOCAL), (2026, 2), False),   # Q2's reports open, due next week
    (dt.datetime(2026, 6, 23, 15, tzinfo=LOCAL), (2026, 2), False),  # Q2 open before the quarter ends
]


def _load(moment: dt.datetime) -> str:
    out = io.StringIO()
    with time_machine.travel(moment, tick=False):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def _escalations(plan: Plan) -> set[tuple[str, str]]:
    rows = Escalation.objects.filter(instance__quarterly_report__quarter__cycle__plan=plan)
    return set(rows.values_list("instance__quarterly_report__school__code", "code"))


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize(("moment", "expected", "catch_up"), MOMENTS, ids=[m[0].date().isoformat() for m in MOMENTS])
def test_load_demo_places_a_quarter_in_progress_today(processes, moment, expected, catch_up):
    out = _load(moment)
    year, number = expected
    plan = Plan.objects.get()
    assert plan.year == year and str(year) in plan.code and str(year) in plan.document_number
    assert plan.title.startswith(f"岳阳市云溪区教育体育局{year}年")
    quarter = CycleQuarter.objects.get(opened_at__isnull=False, closed_at__isnull=True)
    assert (quarter.cycle.year, quarter.quarter) == expected
    assert ("(catch-up)" in out) is catch_up and "3 submitted, 12 pending (1 late)" in out
    assert quarter.due_at > moment + dt.timedelta(days=1) and quarter.closes_at > quarter.due_at
    reports = {r.school.code: r for r in quarter.reports.select_related("school", "instance")}
    assert len(reports) == SCHOOLS
    submitted = {code for code, r in reports.items() if r.status == ReportStatus.SUBMITTED}
    assert submitted == set(ON_TIME) and all(reports[c].submitted_at <= quarter.due_at for c in ON_TIME)
    overdue = HumanTask.objects.filter(state=HumanTaskState.READY, due_at__lt=moment,
                                       instance__quarterly_report__quarter=quarter)
    assert set(overdue.values_list("instance__quarterly_report__school__code", flat=True)) == {LATE}
    calendar = WorkingCalendar()
    assert calendar.workdays_between(overdue.get().due_at.date(), moment.date()) <= 3
    # The late school was reminded and chased; the others reminded only if the quarter's reminder
    # had passed when their reports opened (the engine fires a past timer at the start).
    reminded = {(c, "reminder") for c in set(reports) - {LATE}} if quarter.reminder_at <= moment else set()
    assert _escalations(plan) == {(LATE, "reminder"), (LATE, "chase"), *reminded}
    assert "lili" in out and "luoting" in out and "duban-demo" in out


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("moment", [m[0] for m in MOMENTS], ids=[m[0].date().isoformat() for m in MOMENTS])
def test_a_day_of_ticking_after_load_raises_nothing_new_and_closes_nothing(processes, moment):
    _load(moment)
    plan = Plan.objects.get()
    before = _escalations(plan)
    for hour in range(1, 25):
        with time_machine.travel(moment + dt.timedelta(hours=hour), tick=False):
            cycles_tick()
            timer_sweep()
    quarter = CycleQuarter.objects.get(cycle__plan=plan, opened_at__isnull=False, closed_at__isnull=True)
    assert _escalations(plan) == before
    assert quarter.reports.filter(status=ReportStatus.PENDING).count() == SCHOOLS - len(ON_TIME)
    assert not CycleQuarter.objects.filter(cycle__plan=plan, closed_at__gt=moment).exists()


@pytest.mark.django_db(transaction=False)
def test_load_demo_twice_adds_nothing(processes):
    moment = MOMENTS[0][0]
    _load(moment)
    counts = (Plan.objects.count(), QuarterlyReport.objects.count(), Escalation.objects.count())
    out = _load(moment + dt.timedelta(minutes=10))
    assert (Plan.objects.count(), QuarterlyReport.objects.count(), Escalation.objects.count()) == counts
    assert "0 opened by this run" in out


@pytest.mark.django_db
def test_every_day_of_a_year_places_a_quarter_whose_next_day_is_quiet():
    settings = json.loads((SEED / "yunxi-2024.json").read_text(encoding="utf-8"))["settings"]
    calendar = WorkingCalendar()
    day = dt.date(2026, 1, 1)
    while day.year == 2026:
        for hour in (0, 10, 19):
            now = dt.datetime.combine(day, dt.time(hour), LOCAL)
            placed = demo_placement(now=now, settings=settings, calendar=calendar)
            dates, soon = placed.dates, now + dt.timedelta(days=1)
            assert dates["opens_at"] <= soon < dates["due_at"] < dates["supervise_at"] < dates["closes_at"], now
            assert not now < dates["reminder_at"] <= soon, now
            # Until the year's first quarter opens (mid-March) the last one ended is the year before's Q4.
            assert placed.year == now.year or ((placed.year, placed.quarter) == (now.year - 1, 4) and day.month <= 3)
        day += dt.timedelta(days=1)
