"""Which schools carry which work items."""
from __future__ import annotations

from django.db.models import Q, QuerySet

from workflows.org.models import Unit

from ..models import Plan, WorkItem


def schools_of(plan: Plan) -> QuerySet[Unit]:
    """Every school and kindergarten the plan reaches, in code order."""
    return plan.schools.order_by("code")


def work_items_of(plan: Plan, school: Unit) -> list[WorkItem]:
    """The plan's work items this school carries (an item without a school list is carried by all)."""
    # One query, reading no school lists: an item names the school, or names none.
    carried = Q(schools=school) | Q(schools__isnull=True)
    return list(plan.work_items.filter(carried).distinct().order_by("number"))
