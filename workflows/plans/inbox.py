"""The inbox query with its filters, shared by the API and the pages."""
from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from workflows.processes.models import HumanTask
from workflows.processes.selectors import LIST_DEFERRED, inbox_for_user

from .calendar import LOCAL, WorkingCalendar, local_datetime
from .lights import DEFAULT_YELLOW_WORKDAYS

ORDERINGS = ("due_at", "-due_at", "created_at", "-created_at")
TABS = ("all", "mine", "unit", "done")
_NUMERIC = {"work_item", "cycle", "unit"}
_LOOKUPS = {"state": "state", "due_before": "due_at__date__lte", "due_after": "due_at__date__gte",
            "work_item": "instance__refs__work_item", "cycle": "instance__refs__cycle", "unit": "candidate_unit_id"}


def light_filter(light: str) -> Q:
    """Tasks whose traffic light is ``light`` right now, as a database filter."""
    now = timezone.now()
    yellow_until = local_datetime(WorkingCalendar().add_workdays(now.astimezone(LOCAL).date(),
                                                                 DEFAULT_YELLOW_WORKDAYS), 23, 59)
    return {"red": Q(due_at__lt=now), "yellow": Q(due_at__gte=now, due_at__lte=yellow_until),
            "green": Q(due_at__isnull=True) | Q(due_at__gt=yellow_until)}[light]


def inbox_rows(*, user: AbstractBaseUser, params: Mapping[str, str]) -> QuerySet[HumanTask]:
    """tab: mine / unit (unclaimed candidates) / all / done; filters by state, due, light, work item, cycle, unit."""
    tab = params.get("tab") or "all"
    if tab == "done":
        rows = HumanTask.objects.filter(completed_by=user)
    elif tab == "mine":
        rows = inbox_for_user(user=user, include_unit=False)
    elif tab == "unit":
        rows = inbox_for_user(user=user).filter(assignee__isnull=True)
    else:
        rows = inbox_for_user(user=user)
    for name, lookup in _LOOKUPS.items():
        value = params.get(name)
        if value:
            # JSON references hold numbers: compare as numbers, not as the query string's text
            rows = rows.filter(**{lookup: int(value) if name in _NUMERIC and value.isdigit() else value})
    if params.get("light") in ("red", "yellow", "green"):
        rows = rows.filter(light_filter(params["light"]))
    ordering = params.get("ordering") if params.get("ordering") in ORDERINGS else "due_at"
    return rows.select_related("instance__definition", "instance__unit", "candidate_unit", "assignee") \
        .defer(*LIST_DEFERRED).order_by(ordering, "id")
