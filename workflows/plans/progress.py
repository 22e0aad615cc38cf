"""A cycle's progress: its schools × its quarters, each quarter judged by its own roster."""
from __future__ import annotations

from dataclasses import dataclass

from workflows.org.models import Unit

from .models import CycleQuarter, QuarterlyReport, ReportingCycle, ReportStatus
from .summary import report_status

NOT_OPENED, NOT_COUNTED, CANCELLED, PENDING = "not_opened", "not_counted", "cancelled", "pending"


@dataclass(frozen=True)
class ProgressRow:
    school: Unit
    cells: list[str]  # per quarter: on_time, late, missing, pending, cancelled, not_counted, not_opened


def cycle_progress(*, cycle: ReportingCycle) -> tuple[list[CycleQuarter], list[ProgressRow]]:
    """The schools the plan holds now and every school a quarter of the cycle counted (3 queries).

    A school that joined after a quarter closed is not counted there; one that left keeps the quarters
    it was in (a pending report it left behind is cancelled, not missing).
    """
    quarters = list(cycle.quarters.order_by("quarter"))
    reports = {(r.quarter_id, r.school_id): r for r in QuarterlyReport.objects.filter(quarter__in=quarters)}
    in_plan = set(cycle.plan.schools.values_list("pk", flat=True))
    schools = Unit.objects.filter(pk__in=in_plan | {school for _q, school in reports}).order_by("code")
    return quarters, [ProgressRow(school=school, cells=[_cell(q, reports.get((q.pk, school.pk)), school.pk in in_plan)
                                                        for q in quarters]) for school in schools]


def _cell(quarter: CycleQuarter, report: QuarterlyReport | None, in_plan: bool) -> str:
    if quarter.opened_at is None:
        return NOT_OPENED
    if report is None:  # joined after the quarter opened: counted while it is open (its report is coming)
        return PENDING if in_plan and quarter.closed_at is None else NOT_COUNTED
    if report.status == ReportStatus.CANCELLED:
        return CANCELLED
    status = report_status(report)
    return PENDING if status == "missing" and quarter.closed_at is None else status
