"""An inbox page that costs the same whether its reader holds a hundred open tasks or a hundred
thousand: the tasks come from one index range per source (assigned to the reader; unclaimed in each
of their unit-role pairs), each read only as far as the page needs, merged; the next page starts
after the last row shown (keyset), and counts stop at a bound ("1,000+").

The rows and their order are ``inbox_rows``'s: the same filters, the same orderings.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.db.models import F, Q, QuerySet

from workflows.processes.models import HumanTask, HumanTaskState
from workflows.processes.selectors import LIST_DEFERRED, memberships_of

from .inbox import ORDERINGS, TABS, _filtered

COUNT_BOUND = 1000  # counts stop here ("1000+")


@dataclass(frozen=True)
class InboxPage:
    ids: list[int]  # the page's tasks, in order (``inbox_tasks`` reads them as models)
    after: str  # where the next page starts ("" when this is the last)


def _sources(tab: str, user_id: int, memberships: list[tuple[int, str]]) -> list[QuerySet[HumanTask]]:
    """One query per index range the tab reads: the reader's own tasks, and the unclaimed ones of each
    unit-role pair they hold (a task for a unit with no role named goes to all its members). No task
    is in two sources: assigned or not, and each unclaimed one has one unit and one role."""
    if tab == "done":
        return [HumanTask.objects.filter(completed_by_id=user_id)]
    ready = HumanTask.objects.filter(state=HumanTaskState.READY)
    sources = [] if tab == "unit" else [ready.filter(assignee_id=user_id)]
    if tab == "mine":
        return sources
    pairs = sorted({*memberships, *((unit, "") for unit, _ in memberships)})
    unclaimed = ready.filter(assignee__isnull=True)
    sources += [unclaimed.filter(candidate_unit_id=unit, candidate_role=role) for unit, role in pairs]
    sources += [unclaimed.filter(candidate_unit__isnull=True, candidate_role=role)
                for role in sorted({role for _, role in memberships})]
    return sources


def _order(ordering: str) -> tuple[str, bool]:
    ordering = ordering if ordering in ORDERINGS else "due_at"
    return ordering.lstrip("-"), ordering.startswith("-")


def _after(field: str, descending: bool, cursor: tuple[dt.datetime | None, int] | None) -> Q:
    """Rows after the cursor in the order (field, then id; empty values last)."""
    if cursor is None:
        return Q()
    value, pk = cursor
    if value is None:
        return Q(**{f"{field}__isnull": True, "pk__gt": pk})
    beyond = Q(**{f"{field}__lt" if descending else f"{field}__gt": value})
    return beyond | Q(**{field: value, "pk__gt": pk}) | Q(**{f"{field}__isnull": True})


def _cursor(text: str) -> tuple[dt.datetime | None, int] | None:
    """``<ISO moment or empty>~<id>``; anything else starts from the top."""
    value, _, pk = (text or "").rpartition("~")
    if not pk.isdigit():
        return None
    try:
        return (dt.datetime.fromisoformat(value) if value else None), int(pk)
    except ValueError:
        return None


def _joined(heads: list[QuerySet]) -> list[tuple]:
    """The rows of every source (the sources never share a task), in one UNION ALL where the database
    takes ordered and limited parts in one (PostgreSQL), else one query per source (SQLite)."""
    if len(heads) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return list(heads[0].union(*heads[1:], all=True))
    return [row for head in heads for row in head]


def _sort_key(field: str, descending: bool):
    def key(row: tuple[int, dt.datetime | None]) -> tuple:
        pk, value = row
        if value is None:
            return (1, 0.0, pk)
        stamp = value.timestamp()
        return (0, -stamp if descending else stamp, pk)
    return key


def inbox_page(*, user: AbstractBaseUser, params: Mapping[str, str], size: int, after: str = "",
               memberships: list[tuple[int, str]] | None = None) -> InboxPage:
    """A page of the reader's inbox (tab, filters and ordering as ``inbox_rows``), after a cursor."""
    tab = params.get("tab") if params.get("tab") in TABS else "all"
    memberships = memberships_of(user.pk) if memberships is None else memberships
    field, descending = _order(str(params.get("ordering") or "due_at"))
    order = (F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True), "pk")
    start = _after(field, descending, _cursor(after))
    heads = [_filtered(source, params).filter(start).order_by(*order).values_list("pk", field)[:size + 1]
             for source in _sources(tab, user.pk, memberships)]
    keys = sorted(_joined(heads), key=_sort_key(field, descending))[:size + 1]
    shown = keys[:size]
    last = shown[-1] if shown and len(keys) > size else None
    return InboxPage(ids=[pk for pk, _ in shown],
                     after=f"{last[1].isoformat() if last[1] else ''}~{last[0]}" if last else "")


def inbox_tasks(ids: list[int]) -> list[HumanTask]:
    """A page's tasks as models with what a list shows of them, in the page's order."""
    found = HumanTask.objects.filter(pk__in=ids).select_related(
        "instance__definition", "instance__unit", "candidate_unit", "assignee").defer(*LIST_DEFERRED).in_bulk()
    return [found[pk] for pk in ids]


def inbox_count(*, user: AbstractBaseUser, params: Mapping[str, str],
                memberships: list[tuple[int, str]] | None = None) -> int:
    """How many tasks the inbox holds with these filters, up to COUNT_BOUND + 1 (shown as "1000+"),
    each source read only that far; a task in two sources counts once."""
    tab = params.get("tab") if params.get("tab") in TABS else "all"
    memberships = memberships_of(user.pk) if memberships is None else memberships
    heads = [_filtered(source, params).values_list("pk")[:COUNT_BOUND + 1]
             for source in _sources(tab, user.pk, memberships)]
    if len(heads) > 1 and connection.features.supports_slicing_ordering_in_compound:
        return min(heads[0].union(*heads[1:], all=True).count(), COUNT_BOUND + 1)
    return min(sum(head.count() for head in heads), COUNT_BOUND + 1)


def inbox_counts(*, user: AbstractBaseUser, memberships: list[tuple[int, str]] | None = None) -> dict[str, int]:
    """Each tab's bounded count (``inbox_count``)."""
    memberships = memberships_of(user.pk) if memberships is None else memberships
    return {tab: inbox_count(user=user, params={"tab": tab}, memberships=memberships) for tab in TABS}
