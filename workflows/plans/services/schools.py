"""Which schools carry which work items."""
from __future__ import annotations

from django.db.models import QuerySet

from workflows.org.models import Unit

from ..models import Plan, WorkItem


def schools_of(plan: Plan) -> QuerySet[Unit]:
    """Every school and kindergarten the plan reaches, in code order."""
    return plan.schools.order_by("code")


def work_items_of(plan: Plan, school: Unit) -> list[WorkItem]:
    """The plan's work items this school carries (an item without a school list is carried by all)."""
    items = plan.work_items.prefetch_related("schools").order_by("number")
    return [item for item in items if not item.schools.all() or school in item.schools.all()]
