"""Traffic lights (亮灯): green on track, yellow due within N working days, red overdue."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from .calendar import LOCAL, WorkingCalendar

GREEN, YELLOW, RED = "green", "yellow", "red"
_RANK = {GREEN: 0, YELLOW: 1, RED: 2}
DEFAULT_YELLOW_WORKDAYS = 3


def light_for(due_at: dt.datetime | None, *, now: dt.datetime | None = None,
              yellow_workdays: int = DEFAULT_YELLOW_WORKDAYS, calendar: WorkingCalendar | None = None,
              workdays: int | None = None) -> str:
    """The light of one open task (``workdays``: its ``workdays_left``, if counted already)."""
    if due_at is None:
        return GREEN
    now = now or timezone.now()
    if now > due_at:
        return RED
    if workdays is None:
        calendar = calendar or WorkingCalendar()
        workdays = calendar.workdays_between(now.astimezone(LOCAL).date(), due_at.astimezone(LOCAL).date())
    return YELLOW if workdays <= yellow_workdays else GREEN


def worst(lights: Iterable[str]) -> str:
    """A unit's light: the worst of its open tasks' lights (green when it has none)."""
    return max(lights, key=_RANK.__getitem__, default=GREEN)


def workdays_left(due_at: dt.datetime, *, now: dt.datetime | None = None,
                  calendar: WorkingCalendar | None = None) -> int:
    """Working days from today to the due date (negative when overdue)."""
    now = now or timezone.now()
    calendar = calendar or WorkingCalendar()
    return calendar.workdays_between(now.astimezone(LOCAL).date(), due_at.astimezone(LOCAL).date())
