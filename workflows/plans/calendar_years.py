"""Which calendar each year's working days come from, and the warning before a year nobody has entered."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .calendar import LOCAL, OFFICE, OFFICIAL, WEEKDAYS, official_years
from .models import CalendarDay

WARN_DAYS_BEFORE = 60  # the State Council publishes the next year's notice in November


@dataclass(frozen=True)
class YearWarning:
    year: int
    message: str


def source_label(source: str) -> str:
    """A calendar source in the user's language."""
    return {OFFICIAL: _("State Council holidays"), OFFICE: _("Entered by the office"),
            WEEKDAYS: _("Monday to Friday only")}.get(source, source)


def calendar_sources(years: list[int] | set[int]) -> dict[int, str]:
    """calendar_source for several years by one query."""
    entered = set(CalendarDay.objects.filter(date__year__in=set(years)).dates("date", "year").values_list(
        "date__year", flat=True)) if years else set()
    return {y: OFFICE if y in entered else OFFICIAL if y in official_years() else WEEKDAYS for y in years}


def calendar_year_warning(*, today: dt.date | None = None) -> YearWarning | None:
    """The first year (this one, or the next within WARN_DAYS_BEFORE days) without official or office days."""
    today = today or timezone.localdate(timezone=LOCAL)
    years = [today.year]
    if (dt.date(today.year + 1, 1, 1) - today).days <= WARN_DAYS_BEFORE:
        years.append(today.year + 1)
    sources = calendar_sources(years)
    year = next((y for y in years if sources[y] == WEEKDAYS), None)
    if year is None:
        return None
    return YearWarning(year, _(
        "There are no official holidays for %(year)s yet: from 1 January %(year)s deadlines would count Monday "
        "to Friday only, so New Year, the Spring Festival and their make-up working days would be counted "
        "wrong. Paste the State Council's notice on the %(year)s holiday arrangements (国务院办公厅关于%(year)s年"
        "部分节假日安排的通知) on the console's holiday calendar page and confirm it.") % {"year": year})
