"""Reporting cycles: schedule quarters on the working-day calendar, open, fan out, close."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.compiled import insert_returning, save_fields
from workflows.org.models import Unit
from workflows.processes.errors import Conflict, ServiceError
from workflows.processes.services.definitions import definition_for_start
from workflows.processes.services.events import event_deliver
from workflows.processes.services.instances import InstanceStart, instance_start, instances_start_many

from ..calendar import WorkingCalendar
from ..models import CycleQuarter, QuarterlyReport, ReportingCycle, ReportStatus
from .deadlines import quarter_dates
from .extensions import extensions_lapse
from .schools import schools_of

log = logging.getLogger(__name__)
CYCLE_PROCESS, REPORT_PROCESS = "reporting_cycle", "quarterly_report"


@transaction.atomic
def cycle_schedule(*, cycle: ReportingCycle, calendar: WorkingCalendar | None = None) -> list[CycleQuarter]:
    """(Re)compute the dates of the cycle's quarters that have not opened yet."""
    calendar = calendar or WorkingCalendar()
    quarters = []
    for number in cycle.quarters_numbers:
        dates = quarter_dates(cycle.plan, cycle.year, number, calendar)
        quarter, created = CycleQuarter.objects.get_or_create(cycle=cycle, quarter=number, defaults=dates)
        if not created and quarter.opened_at is None:
            CycleQuarter.objects.filter(pk=quarter.pk).update(**dates)
            quarter.refresh_from_db()
        quarters.append(quarter)
    return quarters


@transaction.atomic
def cycle_open(*, cycle_id: int, actor: AbstractBaseUser | None = None) -> ReportingCycle:
    """Start the cycle's process instance (idempotent)."""
    cycle = ReportingCycle.objects.select_for_update(of=("self",)).select_related("plan__bureau").get(pk=cycle_id)
    if cycle.instance_id is not None:
        return cycle
    instance = instance_start(
        definition=definition_for_start(key=CYCLE_PROCESS), actor=actor, unit=cycle.plan.bureau,
        business_key=f"{cycle.plan.code}/{cycle.year}H{cycle.half}", refs={"cycle": cycle.pk},
        data={"plan": cycle.plan.title, "year": cycle.year, "half": cycle.half},
    )
    cycle.instance = instance
    cycle.status = ReportingCycle.Status.OPEN
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["instance", "status", "opened_at"])
    return cycle


# Schools started per transaction: big enough to write their rows in bulk, small enough that a
# crash loses little and that workers share a province's quarter evenly.
CHUNK = 200


def quarter_open(*, quarter_id: int, actor: AbstractBaseUser | None = None, limit: int | None = None) -> int:
    """Give every school of the plan its quarterly report (one child instance each); idempotent.

    Schools are started in chunks, each in its own transaction, so a crash leaves a consistent
    prefix and a rerun continues where it stopped. Returns how many reports were started.
    """
    quarter, definition = _opening(quarter_id)
    todo = _schools_without_report(quarter)
    if limit is not None:
        todo = todo[:limit]
    started = sum(_start_reports(quarter, todo[i:i + CHUNK], definition, actor) for i in range(0, len(todo), CHUNK))
    _mark_opened_if_complete(quarter)
    return started


def quarter_dispatch(*, quarter_id: int) -> int:
    """Open a quarter on the workers: its schools, in chunks, become tasks any worker may take."""
    from ..tasks import open_quarter_schools

    quarter, _ = _opening(quarter_id)
    todo = [school.pk for school in _schools_without_report(quarter)]
    CycleQuarter.objects.filter(pk=quarter.pk).update(opening_started_at=timezone.now())
    for i in range(0, len(todo), CHUNK):
        open_quarter_schools.delay(quarter_id, todo[i:i + CHUNK])
    if not todo:
        _mark_opened_if_complete(quarter)
    return len(todo)


def quarter_open_schools(*, quarter_id: int, school_ids: list[int]) -> int:
    """One chunk of ``quarter_dispatch``: start these schools' reports (those not started yet)."""
    quarter, definition = _opening(quarter_id)
    done = set(quarter.reports.filter(school_id__in=school_ids).values_list("school_id", flat=True))
    schools = list(Unit.objects.filter(pk__in=set(school_ids) - done).select_related("parent").order_by("code"))
    started = _start_reports(quarter, schools, definition, None)
    _mark_opened_if_complete(quarter)
    return started


def _opening(quarter_id: int):
    quarter = CycleQuarter.objects.select_related("cycle__plan", "cycle__instance").get(pk=quarter_id)
    if quarter.cycle.instance_id is None:
        raise Conflict(_("open the cycle before its quarters"))
    return quarter, definition_for_start(key=REPORT_PROCESS)


def _schools_without_report(quarter: CycleQuarter) -> list[Unit]:
    return list(schools_of(quarter.cycle.plan).exclude(pk__in=quarter.reports.values("school_id"))
                .select_related("parent"))


def _mark_opened_if_complete(quarter: CycleQuarter) -> None:
    if not schools_of(quarter.cycle.plan).exclude(pk__in=quarter.reports.values("school_id")).exists():
        CycleQuarter.objects.filter(pk=quarter.pk, opened_at__isnull=True).update(opened_at=timezone.now())


def _start_reports(quarter: CycleQuarter, schools: list[Unit], definition, actor) -> int:
    """Start a chunk of schools' reports in one transaction (rows written in bulk)."""
    if not schools:
        return 0
    try:
        with transaction.atomic():
            reports = [QuarterlyReport(quarter=quarter, school=s, due_at=quarter.due_at) for s in schools]
            insert_returning(reports)
            instances = instances_start_many(definition=definition, actor=actor,
                                             starts=[_report_start(quarter, report) for report in reports])
            for report, instance in zip(reports, instances, strict=True):
                report.instance = instance
            save_fields(reports, ("instance",))  # bulk_update's CASE per row cost a tenth of the chunk
            return len(reports)
    except IntegrityError:  # another worker started some of these schools first: go one by one
        return sum(_start_report(quarter, school, definition, actor) for school in schools)


def _report_start(quarter: CycleQuarter, report: QuarterlyReport) -> InstanceStart:
    school = report.school
    return InstanceStart(
        unit=school, parent=quarter.cycle.instance,
        business_key=f"{quarter.cycle.plan.code}/{quarter.cycle.year}Q{quarter.quarter}/{school.code}",
        refs={"quarterly_report": report.pk, "cycle": quarter.cycle_id, "quarter": quarter.quarter},
        data={"school": school.name, "quarter": quarter.quarter, "year": quarter.cycle.year,
              "reminder_at": quarter.reminder_at, "due_at": quarter.due_at, "supervise_at": quarter.supervise_at},
    )


def _start_report(quarter: CycleQuarter, school: Unit, definition, actor) -> int:
    try:
        with transaction.atomic():
            report = QuarterlyReport.objects.create(quarter=quarter, school=school, due_at=quarter.due_at)
            start = _report_start(quarter, report)
            report.instance = instance_start(definition=definition, actor=actor, data=start.data, unit=start.unit,
                                             business_key=start.business_key, refs=start.refs, parent=start.parent)
            report.save(update_fields=["instance"])
            return 1
    except IntegrityError:  # another worker started this school's report first
        return 0


@transaction.atomic
def report_submitted(*, report_id: int, sections: dict, at: dt.datetime) -> QuarterlyReport:
    """Record a school's approved report (called when its instance completes)."""
    report = QuarterlyReport.objects.select_for_update().get(pk=report_id)
    if report.status != ReportStatus.SUBMITTED:
        report.status = ReportStatus.SUBMITTED
        report.submitted_at = at
        report.sections = sections
        report.save(update_fields=["status", "submitted_at", "sections"])
        extensions_lapse(report=report)
    return report


def quarter_close(*, quarter_id: int, force: bool = False) -> bool:
    """Close a quarter once every school reported (or, with force, at its deadline); idempotent."""
    with transaction.atomic():
        quarter = CycleQuarter.objects.select_for_update(of=("self",)).select_related("cycle").get(pk=quarter_id)
        if quarter.closed_at is not None or quarter.opened_at is None:
            return False
        pending = quarter.reports.filter(status=ReportStatus.PENDING).exists()
        if pending and not force:
            return False
        quarter.closed_at = timezone.now()
        quarter.save(update_fields=["closed_at"])
        try:  # kept for the cycle if it is still reviewing the quarter before (the office reviews late)
            event_deliver(kind="message", name="quarter_closed", instance_id=quarter.cycle.instance_id,
                          payload={"closed_quarter": quarter.quarter},
                          keep_for=dt.timedelta(days=settings.DUBAN_MESSAGE_KEEP_DAYS))
        except ServiceError as exc:
            log.warning("quarter %s closed but the cycle instance did not take it: %s", quarter, exc.message)
    return True


def cycles_tick(*, now: dt.datetime | None = None) -> dict[str, int]:
    """What Celery beat runs: open cycles and quarters that are due, close quarters past their deadline."""
    now = now or timezone.now()
    counts = {"cycles_opened": 0, "quarters_opened": 0, "schools_joined": 0, "quarters_closed": 0}
    due_cycles = ReportingCycle.objects.filter(status=ReportingCycle.Status.PLANNED, quarters__opens_at__lte=now)
    for cycle_id in due_cycles.values_list("pk", flat=True).distinct():
        cycle_open(cycle_id=cycle_id)
        counts["cycles_opened"] += 1
    opening = CycleQuarter.objects.filter(opened_at__isnull=True, opens_at__lte=now,
                                          cycle__status=ReportingCycle.Status.OPEN)
    for quarter_id in opening.values_list("pk", flat=True):
        quarter_dispatch(quarter_id=quarter_id)  # the schools' reports start on whichever workers are free
        counts["quarters_opened"] += 1
    counts["schools_joined"] = _join_open_quarters(now)
    closing = CycleQuarter.objects.filter(opened_at__isnull=False, closed_at__isnull=True, closes_at__lte=now)
    for quarter_id in closing.values_list("pk", flat=True):
        counts["quarters_closed"] += quarter_close(quarter_id=quarter_id, force=True)
    return counts


def _join_open_quarters(now: dt.datetime) -> int:
    """Schools added to a plan while one of its quarters is open get that quarter's report."""
    started = 0
    open_quarters = CycleQuarter.objects.filter(opened_at__isnull=False, closed_at__isnull=True, closes_at__gt=now,
                                                cycle__status=ReportingCycle.Status.OPEN).select_related("cycle__plan")
    for quarter in open_quarters:
        joined = [school.pk for school in _schools_without_report(quarter)]
        if joined:
            started += quarter_open_schools(quarter_id=quarter.pk, school_ids=joined)
    return started
