"""The inbox query with its filters, shared by the API and the pages."""
from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from workflows.processes.models import HumanTask
from workflows.processes.selectors import LIST_DEFERRED, inbox_of, memberships_of

from .calendar import LOCAL, WorkingCalendar, local_datetime
from .lights import DEFAULT_YELLOW_WORKDAYS
from .models import ReportingCycle, WorkItem

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


def search_filter(text: str) -> Q:
    """Tasks whose name, unit or work item holds the words searched for (each word somewhere)."""
    found = Q()
    for word in text.split()[:5]:
        items = list(WorkItem.objects.filter(title__icontains=word).values_list("pk", flat=True)[:50])
        found &= (Q(name__icontains=word) | Q(instance__unit__name__icontains=word)
                  | Q(candidate_unit__name__icontains=word) | Q(instance__refs__work_item__in=items))
    return found


def inbox_rows(*, user: AbstractBaseUser, params: Mapping[str, str],
               memberships: list[tuple[int, str]] | None = None) -> QuerySet[HumanTask]:
    """tab: mine / unit (unclaimed candidates) / all / done; filters by state, due, light, work item, cycle, unit.

    ``memberships``: the person's (unit id, role) pairs, if read already.
    """
    tab = params.get("tab") or "all"
    if tab == "done":
        return _filtered(HumanTask.objects.filter(completed_by=user), params)
    if tab == "mine":
        memberships = []
    elif memberships is None:
        memberships = memberships_of(user.pk)
    return _filtered(_tab_rows(tab, user.pk, memberships, sorted({role for _, role in memberships})), params)


def _tab_rows(tab: str, user_id: int, memberships: list, roles: list) -> QuerySet[HumanTask]:
    if tab == "mine":
        return inbox_of(user_id, [], [], include_unit=False)
    rows = inbox_of(user_id, memberships, roles)
    return rows.filter(assignee__isnull=True) if tab == "unit" else rows


def _filtered(rows: QuerySet[HumanTask], params: Mapping[str, str | int]) -> QuerySet[HumanTask]:
    for name, lookup in _LOOKUPS.items():
        value = params.get(name)
        if value:
            # JSON references hold numbers: compare as numbers, not as the query string's text
            if name in _NUMERIC and isinstance(value, str) and value.isdigit():
                value = int(value)
            rows = rows.filter(**{lookup: value})
    if params.get("light") in ("red", "yellow", "green"):
        rows = rows.filter(light_filter(params["light"]))
    if params.get("q"):
        rows = rows.filter(search_filter(str(params["q"])))
    ordering = params.get("ordering") if params.get("ordering") in ORDERINGS else "due_at"
    return rows.select_related("instance__definition", "instance__unit", "candidate_unit", "assignee") \
        .defer(*LIST_DEFERRED).order_by(ordering, "id")


def filter_choices(user: AbstractBaseUser) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The work items and cycles a person's inbox may be filtered by, by name (the ids stay in the query)."""
    from workflows.org.models import Membership

    from .models import Plan
    from .periods import half_label
    from .services.work_items import work_items_visible_to

    units = Membership.objects.filter(user=user).values("unit_id")
    plans = Plan.objects.filter(Q(work_items__in=work_items_visible_to(user)) | Q(schools__in=units)).distinct()
    items = [(item.pk, f"{item.number}. {item.title}") for item in
             WorkItem.objects.filter(plan__in=plans).order_by("plan_id", "number")]
    cycles = [(cycle.pk, f"{cycle.plan.title} · {half_label(cycle.year, cycle.half)}") for cycle in
              ReportingCycle.objects.filter(plan__in=plans).select_related("plan").order_by("-year", "-half")]
    return items, cycles
