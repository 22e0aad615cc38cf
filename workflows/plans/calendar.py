"""Working days from China's official calendar, corrected or extended by days the office enters.

Order of authority for a date: a CalendarDay the office entered; else the official calendar
(statutory holidays and make-up working days, from the chinese-calendar package) for the years
it knows; else Monday to Friday, and ``calendar_source`` says so for that year.
"""
from __future__ import annotations

import datetime as dt
import time
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


# The office enters days a few times a year; every inbox page asks about them. Each process reads
# them at most once a minute, and again at once after an edit it makes itself (receivers.py).
OFFICE_DAYS_SECONDS = 60
_office_days: tuple[float, dict[dt.date, bool]] | None = None


def office_days() -> dict[dt.date, bool]:
    """The days the office entered (working or not), as read at most ``OFFICE_DAYS_SECONDS`` ago."""
    global _office_days
    read = _office_days
    if read is None or time.monotonic() - read[0] > OFFICE_DAYS_SECONDS:
        read = _office_days = (time.monotonic(), dict(CalendarDay.objects.values_list("date", "is_workday")))
    return read[1]


def forget_office_days(**kwargs) -> None:
    """Read the office's days again on next use (an edit in this process)."""
    global _office_days
    _office_days = None


class WorkingCalendar:
    """Answers 'is this a working day' for a range of dates (the office's days: ``office_days``)."""

    def __init__(self) -> None:
        # The office's days first; every other day is memoised as it is first asked (a list of
        # tasks asks about the same few weeks over and over).
        self._days: dict[dt.date, bool] = dict(office_days())
        # From a start day (today, for a list): the working days up to each later day, counted once.
        self._counts: dict[dt.date, list[int]] = {}
        # After this day only the weekday rule applies (no official data, no day the office entered).
        self._rule_only_after = max([dt.date(official_years().stop - 1, 12, 31), *self._days])

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
        if end > self._rule_only_after:  # the far part by formula: a due date years away costs no walk
            cut = max(start, self._rule_only_after)
            return self.workdays_between(start, cut) + _weekdays_after(cut, end)
        counts = self._counts.setdefault(start, [0])  # counts[i]: working days in (start, start + i days]
        days = (end - start).days
        while len(counts) <= days:
            counts.append(counts[-1] + self.is_workday(start + dt.timedelta(days=len(counts))))
        return counts[days]


def _weekdays_after(start: dt.date, end: dt.date) -> int:
    """Mondays to Fridays after ``start`` up to and including ``end``."""
    weeks, rest = divmod((end - start).days, 7)
    first = start.weekday()
    return weeks * 5 + sum((first + i) % 7 < 5 for i in range(1, rest + 1))


@lru_cache(maxsize=4096)
def _rule_is_workday(day: dt.date) -> bool:
    if day.year in official_years():
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def local_datetime(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), LOCAL)
