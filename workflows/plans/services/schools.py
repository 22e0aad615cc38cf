"""Which schools carry which work items."""
from __future__ import annotations

from django.db.models import F, Q, QuerySet

from workflows.compiled import CompiledQuery
from workflows.org.models import Unit

from ..models import CycleQuarter, Plan, ReportStatus, WorkItem


def schools_of(plan: Plan) -> QuerySet[Unit]:
    """Every school and kindergarten the plan reaches now, in code order."""
    return plan.schools.order_by("code")


def quarter_roster(quarter: CycleQuarter) -> QuerySet[Unit]:
    """The schools a quarter counts, in code order. A closed quarter: those with a report row (one each
    from its opening, or from joining while it was open), never changing afterwards. A quarter not
    closed yet: those and the plan's schools now, less those that left it (their report cancelled)."""
    counted = quarter.reports.exclude(status=ReportStatus.CANCELLED).values("school_id")
    if quarter.closed_at is not None:
        return Unit.objects.filter(pk__in=counted).order_by("code")
    left = quarter.reports.filter(status=ReportStatus.CANCELLED).values("school_id")
    in_plan = quarter.cycle.plan.schools.values("pk")
    return Unit.objects.filter(Q(pk__in=counted) | Q(pk__in=in_plan)).exclude(pk__in=left).order_by("code")


def carried_by(school: Unit | int) -> Q:
    """Work items the school carries: an item names the school, or names none (carried by all).

    Reads no school lists: one join, whatever the number of schools.
    """
    return Q(schools=school) | Q(schools__isnull=True)


def work_items_of(plan: Plan, school: Unit) -> list[WorkItem]:
    """The plan's work items this school carries, in one query."""
    return list(plan.work_items.filter(carried_by(school)).distinct().order_by("number"))


_OF_CYCLE = CompiledQuery(lambda cycle_id, school_id: (
    WorkItem.objects.filter(plan__cycles=cycle_id).filter(carried_by(school_id))
    .annotate(year=F("plan__cycles__year")).distinct().order_by("number")), slots=(int, int))


def work_items_of_cycle(cycle_id: int, school: Unit) -> list[WorkItem]:
    """The work items the school carries in the cycle's plan, each with the cycle's ``year``, in one query.

    Asked on every submit of a school's report, so compiled once (``carried_by``, by the school's id).
    """
    return _OF_CYCLE(int(cycle_id), school.pk)
