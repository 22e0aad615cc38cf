"""Reads for the office's plan pages: a plan's schools and the bureau's schools not in it, a plan's
setup at a glance."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from workflows.org.models import Unit

from .models import Plan
from .services.seed import SCHOOL_KINDS


def _matching(units: QuerySet[Unit], text: str) -> QuerySet[Unit]:
    return units.filter(Q(name__icontains=text) | Q(code__icontains=text)) if text else units


def plan_schools_matching(*, plan: Plan, text: str = "") -> QuerySet[Unit]:
    """The plan's schools, by code, whose name or code holds the text."""
    return _matching(plan.schools.order_by("code"), text)


def schools_outside(*, plan: Plan, text: str = "") -> QuerySet[Unit]:
    """The bureau's schools (directly under it, or under one of its units) that are not in the plan."""
    under = Q(parent=plan.bureau) | Q(parent__parent=plan.bureau)
    return _matching(Unit.objects.filter(under, kind__in=SCHOOL_KINDS).exclude(school_plans=plan), text) \
        .order_by("code")


def plans_overview() -> QuerySet[Plan]:
    """Every plan with its counts of work items, schools and cycles, newest first."""
    return Plan.objects.select_related("bureau").annotate(
        items=Count("work_items", distinct=True), school_count=Count("schools", distinct=True),
        cycle_count=Count("cycles", distinct=True)).order_by("-year", "code")
