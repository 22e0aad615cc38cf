"""Completion and on-time rates for the board's charts: per work item (its school tasks), per school
group (quarterly reports by kind of school) and by quarter (the trend). The same figures are shown
as a table beside each chart."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from workflows.org.models import UnitKind

from .models import CycleQuarter, Plan, QuarterlyReport, ReportStatus, SchoolTask


@dataclass(frozen=True)
class Rate:
    label: str
    total: int
    done: int
    on_time: int

    @property
    def completion(self) -> float | None:
        """Done, as a percentage of all (None when there is nothing to count)."""
        return round(100 * self.done / self.total, 1) if self.total else None

    @property
    def punctuality(self) -> float | None:
        """Done by the due date in force, as a percentage of all."""
        return round(100 * self.on_time / self.total, 1) if self.total else None


@dataclass(frozen=True)
class Rates:
    work_items: list[Rate]
    groups: list[Rate]
    quarters: list[Rate]


_DONE_ON_TIME = {"done": Count("pk", filter=Q(finished_at__isnull=False)),
                 "on_time": Count("pk", filter=Q(finished_at__lte=F("due_at")))}
_REPORTED = {"done": Count("pk", filter=Q(status=ReportStatus.SUBMITTED)),
             "on_time": Count("pk", filter=Q(status=ReportStatus.SUBMITTED, submitted_at__lte=F("due_at")))}


def plan_rates(plan: Plan) -> Rates:
    return Rates(work_items=_by_work_item(plan), groups=_by_group(plan), quarters=_by_quarter(plan))


def _by_work_item(plan: Plan) -> list[Rate]:
    rows = SchoolTask.objects.filter(run__work_item__plan=plan).values(
        "run__work_item__number", "run__work_item__title").annotate(total=Count("pk"), **_DONE_ON_TIME) \
        .order_by("run__work_item__number")
    return [Rate(f"{r['run__work_item__number']}. {r['run__work_item__title']}", r["total"], r["done"],
                 r["on_time"]) for r in rows]


def _reports(plan: Plan) -> QuerySet[QuarterlyReport]:
    """Reports of the plan's opened quarters that count (a school that left has its report cancelled)."""
    return QuarterlyReport.objects.filter(quarter__cycle__plan=plan, quarter__opened_at__isnull=False) \
        .exclude(status=ReportStatus.CANCELLED)


def _by_group(plan: Plan) -> list[Rate]:
    names = dict(UnitKind.choices)
    rows = _reports(plan).values("school__kind").annotate(total=Count("pk"), **_REPORTED).order_by("school__kind")
    return [Rate(str(names.get(r["school__kind"], r["school__kind"])), r["total"], r["done"], r["on_time"])
            for r in rows]


def _by_quarter(plan: Plan) -> list[Rate]:
    counted = {r["quarter_id"]: r for r in _reports(plan).values("quarter_id").annotate(
        total=Count("pk"), **_REPORTED).order_by()}
    quarters = CycleQuarter.objects.filter(pk__in=counted).select_related("cycle").order_by("cycle__year", "quarter")
    return [Rate(q.period_label, counted[q.pk]["total"], counted[q.pk]["done"], counted[q.pk]["on_time"])
            for q in quarters]
