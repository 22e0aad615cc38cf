"""Working days from China's official calendar, corrected or extended by days the office enters.

Order of authority for a date: a CalendarDay the office entered; else the official calendar
(statutory holidays and make-up working days, from the chinese-calendar package) for the years
it knows; else Monday to Friday, and ``calendar_source`` says so for that year.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

import chinese_calendar

from .models import CalendarDay

LOCAL = ZoneInfo("Asia/Shanghai")
OFFICIAL, OFFICE, WEEKDAYS = "official", "office", "weekdays"


def official_years() -> range:
    """The years the official calendar package has data for."""
    return _official_years()


@lru_cache(maxsize=1)
def _official_years() -> range:
    years = [d.year for d in chinese_calendar.holidays] + [d.year for d in chinese_calendar.workdays]
    return range(min(years), max(years) + 1)


def calendar_source(year: int) -> str:
    """Where the working days of a year come from: 'office', 'official' or 'weekdays' (fallback)."""
    if CalendarDay.objects.filter(date__year=year).exists():
        return OFFICE
    return OFFICIAL if year in official_years() else WEEKDAYS


class WorkingCalendar:
    """Answers 'is this a working day' for a range of dates with one query for the office's days."""

    def __init__(self) -> None:
        # The office's days first; every other day is memoised as it is first asked (a list of
        # tasks asks about the same few weeks over and over).
        self._days: dict[dt.date, bool] = dict(CalendarDay.objects.values_list("date", "is_workday"))
        self._between: dict[tuple[dt.date, dt.date], int] = {}  # many tasks share a due date

    def is_workday(self, day: dt.date) -> bool:
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = _rule_is_workday(day)
        return known

    def add_workdays(self, day: dt.date, count: int) -> dt.date:
        """The date ``count`` working days after (or before, if negative) ``day``."""
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end is earlier)."""
        if end < start:
            return -self.workdays_between(end, start)
        known = self._between.get((start, end))
        if known is None:
            known = self._between[start, end] = sum(
                self.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))
        return known


@lru_cache(maxsize=4096)
def _rule_is_workday(day: dt.date) -> bool:
    if day.year in official_years():
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def local_datetime(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), LOCAL)
