"""The managers' board: open escalations in the reader's scope counted by level × school and by work
item, and listed (filtered, most overdue first) with what this reader may do on each."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, QuerySet
from django.utils import timezone

from workflows.org.models import Membership
from workflows.org.roles import is_office
from workflows.processes.models import Escalation, EscalationLevel

from .calendar import LOCAL, WorkingCalendar, local_datetime
from .models import WorkItem
from .scope import escalations_visible

LEVELS = (EscalationLevel.REMINDER, EscalationLevel.CHASE, EscalationLevel.SUPERVISE)
_LOOKUPS = {"escalation": "pk", "level": "level", "unit": "instance__unit_id", "work_item": "instance__refs__work_item",
            "cycle": "instance__refs__cycle", "quarter": "instance__refs__quarter"}
TOP_UNITS = 20  # schools shown in the counts (the list below filters to any school)


@dataclass(frozen=True)
class BoardQuery:
    """What the list is narrowed to; every field optional."""

    level: str = ""
    unit: int | None = None
    work_item: int | None = None
    cycle: int | None = None
    quarter: int | None = None
    overdue_at_least: int | None = None  # working days past the due date
    escalation: int | None = None  # the one a notice links to


@dataclass
class CountRow:
    key: int | str | None
    label: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def by_level(self) -> list[tuple[str, int]]:
        """Each level's count, in the board's order (提醒, 催办, 督办)."""
        return [(level, self.counts.get(level, 0)) for level in LEVELS]


@dataclass(frozen=True)
class BoardEntry:
    escalation: Escalation
    school: str
    due_at: dt.datetime | None
    overdue_workdays: int  # 0: not past its due date yet
    may_act: bool
    may_acknowledge: bool


def board_open(user: AbstractBaseUser) -> QuerySet[Escalation]:
    """The open escalations the reader sees."""
    return escalations_visible(user).filter(closed_at__isnull=True)


def board_filtered(user: AbstractBaseUser, query: BoardQuery, *,
                   now: dt.datetime | None = None) -> QuerySet[Escalation]:
    """The open escalations matching the query (``BoardList`` reads them most overdue first)."""
    rows = board_open(user).filter(**{lookup: getattr(query, name) for name, lookup in _LOOKUPS.items()
                                      if getattr(query, name)})
    if query.overdue_at_least:
        today = (now or timezone.now()).astimezone(LOCAL).date()
        latest_due = WorkingCalendar().add_workdays(today, -query.overdue_at_least)
        rows = rows.filter(human_task__due_at__lte=local_datetime(latest_due, 23, 59))
    return rows


class BoardList:
    """The ids of the matching escalations, most overdue first (the earliest due date), then oldest; those
    raised on no task last. Read a page at a time, as ``Paginator`` slices it: the escalations on a task
    by an inner join that walks the tasks' due-date index (a LEFT JOIN would sort every open one)."""

    def __init__(self, rows: QuerySet[Escalation]):
        self.rows = rows
        self.on_task = rows.filter(human_task__isnull=False)
        self.on_none = rows.filter(human_task__isnull=True)

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[int]:
        start, stop = page.start or 0, page.stop
        assert stop is not None, "the board is read a page at a time"
        ids = list(self.on_task.order_by(F("human_task__due_at").asc(nulls_last=True), "raised_at", "pk").values_list(
            "pk", flat=True)[start:stop])
        if len(ids) == stop - start:
            return ids
        before = start + len(ids) if ids else self.on_task.count()  # how many are on a task
        return ids + list(self.on_none.order_by("raised_at", "pk").values_list("pk", flat=True)[
            max(start - before, 0):stop - before])


def board_rows(ids: list[int]) -> list[Escalation]:
    """A page's escalations, in the order of ``ids``, with what an entry shows."""
    found = Escalation.objects.filter(pk__in=ids).select_related(
        "human_task__assignee", "human_task__instance__definition", "instance__unit").defer(
        "instance__state", "human_task__instance__state", "human_task__instance__definition__spec",
        "human_task__instance__definition__forms_json").in_bulk()
    return [found[pk] for pk in ids]


def board_counts_by_unit(rows: QuerySet[Escalation]) -> list[CountRow]:
    """Open escalations per level of the schools with the most (the top ones, found in the database)."""
    top = list(rows.values_list("instance__unit_id").annotate(n=Count("pk")).order_by("-n", "instance__unit_id")
               .values_list("instance__unit_id", flat=True)[:TOP_UNITS])
    table: dict[int | None, CountRow] = {}
    for unit_id, name, level, count in rows.filter(instance__unit_id__in=top).values_list(
            "instance__unit_id", "instance__unit__name", "level").annotate(n=Count("pk")).order_by():
        table.setdefault(unit_id, CountRow(unit_id, name or "")).counts[level] = count
    return sorted(table.values(), key=lambda row: (-row.total, row.label))


def board_counts_by_work_item(rows: QuerySet[Escalation]) -> list[CountRow]:
    """Open escalations per work item and level; a quarterly report's are under key None."""
    counts: dict[int | None, dict[str, int]] = defaultdict(dict)
    for item_id, level, count in rows.values_list("instance__refs__work_item", "level").annotate(
            n=Count("pk")).order_by():
        counts[item_id][level] = counts[item_id].get(level, 0) + count
    titles = dict(WorkItem.objects.filter(pk__in=[k for k in counts if k]).values_list("pk", "title"))
    return sorted((CountRow(key, titles.get(key, "") if key else "", value) for key, value in counts.items()),
                  key=lambda row: (row.key is not None, -row.total))


def board_level_totals(by_work_item: list[CountRow]) -> dict[str, int]:
    """Each level's open escalations: the sum of the counts by work item (every one is in one row)."""
    return {level: sum(row.counts.get(level, 0) for row in by_work_item) for level in LEVELS}


def board_entries(user: AbstractBaseUser, escalations: list[Escalation], *,
                  now: dt.datetime | None = None) -> list[BoardEntry]:
    """One page's entries: each with its school, due date, working days overdue and the reader's actions."""
    today = (now or timezone.now()).astimezone(LOCAL).date()
    calendar, may = WorkingCalendar(), handler_of(user)
    entries = []
    for row in escalations:
        due = row.human_task.due_at if row.human_task else None
        late = calendar.workdays_between(due.astimezone(LOCAL).date(), today) if due else 0
        acts = may(row)
        entries.append(BoardEntry(escalation=row, school=row.instance.unit.name if row.instance.unit else "",
                                  due_at=due, overdue_workdays=max(late, 0), may_act=acts,
                                  may_acknowledge=acts and row.acknowledged_at is None))
    return entries


def handler_of(user: AbstractBaseUser) -> Callable[[Escalation], bool]:
    """Whether the reader may acknowledge and chase an escalation: the office, or whoever holds the
    role in the unit it is addressed to (the rule the escalation services apply)."""
    if is_office(user):
        return lambda escalation: True
    held = list(Membership.objects.filter(user=user).values_list("unit_id", "role"))

    def may(escalation: Escalation) -> bool:
        return any((escalation.target_unit_id is None or unit == escalation.target_unit_id)
                   and (not escalation.target_role or role == escalation.target_role) for unit, role in held)
    return may


