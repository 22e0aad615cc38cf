"""The demo on today's clock: the seed plan moved to the reporting year, one quarter in progress.

``load_demo`` places the demo at the quarter whose reports are open now (the latest quarter that
opens by tomorrow). Its real schedule is kept when the next day holds no reminder or deadline;
otherwise (its window has passed, or a deadline is hours away) the quarter is opened as a
catch-up: its deadline a few working days ahead, so a day of ticking raises no crowd of
escalations. Three schools report at load through the services a person uses, one school's report
was asked for with its own earlier deadline (the previous working day) and is late, the others are
pending; the timer sweep then raises only what that moment implies.
"""
from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from workflows.processes.models import HumanTask, HumanTaskState
from workflows.processes.services.timers import timer_sweep

from .calendar import LOCAL, WorkingCalendar, local_datetime
from .models import CycleQuarter, Plan, QuarterlyReport, ReportStatus
from .services.cycles import cycle_open, quarter_close, quarter_open, quarter_open_schools
from .services.deadlines import ladder, plan_setting, quarter_dates
from .services.seed import plan_load
from .simulation import _holder, fill_and_sign

SEED_YEAR = 2024
ON_TIME = ("yunxi-primary", "sample-school-01", "sample-school-02")  # report at load
LATE = "yuehua-no2-primary"  # its own deadline passed yesterday
QUIET = dt.timedelta(days=1)  # no reminder or deadline of the demo quarter falls in the day after load


@dataclass(frozen=True)
class Placement:
    year: int
    quarter: int
    dates: dict[str, dt.datetime]  # opens_at, reminder_at, due_at, supervise_at, closes_at
    catch_up: bool

    @property
    def half(self) -> int:
        return 1 if self.quarter <= 2 else 2


@dataclass(frozen=True)
class Demo:
    plan: Plan
    quarter: CycleQuarter
    catch_up: bool
    started: int  # reports started by this load (0 when the demo was already placed)


def demo_placement(*, now: dt.datetime, settings: dict, calendar: WorkingCalendar) -> Placement:
    """The quarter whose reports are open now and the dates the demo gives it."""
    plan = Plan(settings=settings)
    candidates = [(year, number) for year in (now.year - 1, now.year) for number in (1, 2, 3, 4)]
    schedules = {c: quarter_dates(plan, *c, calendar) for c in candidates}
    year, number = [c for c in candidates if schedules[c]["opens_at"] <= now + QUIET][-1]
    dates = schedules[(year, number)]
    if dates["due_at"] > now + QUIET and not now < dates["reminder_at"] <= now + QUIET:
        return Placement(year, number, dates, catch_up=False)
    # Reminder two working days after today, due two after that: nothing fires in the next day.
    due = calendar.add_workdays(now.astimezone(LOCAL).date(), plan_setting(plan, "reminder_workdays_before") + 2)
    close = local_datetime(calendar.add_workdays(due, plan_setting(plan, "close_workdays_after")), 18)
    return Placement(year, number, {**dates, **ladder(plan, due, calendar), "closes_at": close}, catch_up=True)


def demo_data(seed: dict, year: int, half: int) -> dict:
    """The seed moved to ``year``: plan code, title, document number, issue date and one cycle."""
    data = copy.deepcopy(seed)
    plan = data["plan"]
    old, new = str(SEED_YEAR), str(year)
    plan["code"] = plan["code"].replace(old, new)
    plan["title"] = plan["title"].replace(f"{old}年", f"{new}年")
    plan["document_number"] = plan.get("document_number", "").replace(f"〔{old}〕", f"〔{new}〕")
    if plan.get("issued_on"):
        plan["issued_on"] = f"{year}{plan['issued_on'][4:]}"
    plan["year"] = year
    # Only the demo's half year: an earlier one would open and close empty at the next tick.
    data["cycles"] = [{"year": year, "half": half}]
    return data


def demo_load(*, seed: dict, password: str, now: dt.datetime | None = None) -> Demo:
    """Load the demo plan for today and place its quarter (a second run adds nothing)."""
    now = now or timezone.now()
    calendar = WorkingCalendar()
    placed = demo_placement(now=now, settings=seed.get("settings", {}), calendar=calendar)
    plan = plan_load(data=demo_data(seed, placed.year, placed.half), password=password)
    cycle = plan.cycles.get(year=placed.year, half=placed.half)
    quarter = cycle.quarters.get(quarter=placed.quarter)
    if quarter.opened_at is not None or quarter.reports.exists():
        return Demo(plan=plan, quarter=quarter, catch_up=placed.catch_up, started=0)
    cycle = cycle_open(cycle_id=cycle.pk)
    _close_earlier_quarter(quarter, now)
    started = _open_with_late_school(quarter, placed, calendar, now.astimezone(LOCAL).date())
    office = _holder(plan, "office_director")
    for report in _pending(quarter).filter(school__code__in=ON_TIME):
        fill_and_sign(report, office)
    timer_sweep()
    quarter.refresh_from_db()
    return Demo(plan=plan, quarter=quarter, catch_up=placed.catch_up, started=started)


def _close_earlier_quarter(quarter: CycleQuarter, now: dt.datetime) -> None:
    """The half's first quarter, when the demo is in its second: closed with no reports (the demo
    has no history), so the cycle reviews it and waits for the demo quarter."""
    earlier = quarter.cycle.quarters.filter(quarter__lt=quarter.quarter, opened_at__isnull=True).first()
    if earlier is not None:
        CycleQuarter.objects.filter(pk=earlier.pk).update(opened_at=now)
        quarter_close(quarter_id=earlier.pk, force=True)


def _open_with_late_school(quarter: CycleQuarter, placed: Placement, calendar: WorkingCalendar,
                           today: dt.date) -> int:
    """One school's report asked for with a deadline that passed yesterday; then everyone's."""
    late = quarter.cycle.plan.schools.filter(code=LATE).first()
    started = 0
    if late is not None:
        yesterday = calendar.add_workdays(today, -1)
        with transaction.atomic():
            CycleQuarter.objects.filter(pk=quarter.pk).update(**ladder(quarter.cycle.plan, yesterday, calendar))
            started += quarter_open_schools(quarter_id=quarter.pk, school_ids=[late.pk])
    CycleQuarter.objects.filter(pk=quarter.pk).update(**placed.dates)
    return started + quarter_open(quarter_id=quarter.pk)


def _pending(quarter: CycleQuarter):
    return QuarterlyReport.objects.filter(quarter=quarter, status=ReportStatus.PENDING) \
        .select_related("school", "instance", "quarter__cycle__plan").order_by("school__code")


def demo_progress(*, quarter: CycleQuarter, now: dt.datetime) -> dict[str, int]:
    """The demo quarter's reports: submitted, pending, and how many of the pending are past their deadline."""
    late = HumanTask.objects.filter(state=HumanTaskState.READY, due_at__lt=now,
                                    instance__quarterly_report__quarter=quarter)
    return {"submitted": quarter.reports.filter(status=ReportStatus.SUBMITTED).count(),
            "pending": quarter.reports.filter(status=ReportStatus.PENDING).count(),
            "late": late.values("instance").distinct().count()}
