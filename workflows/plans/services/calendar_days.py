"""The office's calendar days from the State Council's holiday notice: read for confirmation, then saved."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.org.roles import is_office
from workflows.processes.errors import Forbidden, Invalid

from ..holiday_notice import HOLIDAY, NoticeDay, NoticeError, notice_year, parse_notice
from ..models import CalendarDay, ReportingCycle
from .cycles import cycle_schedule


def notice_read(*, text: str, year: int | None = None) -> tuple[int, list[NoticeDay]]:
    """The notice's year and days; Invalid naming each line that cannot be read (details['lines'])."""
    try:
        days = parse_notice(text, year)
    except NoticeError as exc:
        lines = [{"line": e.line, "text": e.text, "message": e.message} for e in exc.errors]
        raise Invalid(_("The notice cannot be read: %(problems)s") % {
            "problems": "; ".join(_("line %(line)s: %(message)s") % e if e["line"] else e["message"]
                                  for e in lines)}, {"lines": lines}) from None
    return int(year or notice_year(text) or days[0].date.year), days


def day_note(day: NoticeDay) -> str:
    return day.festival if day.kind == HOLIDAY else f"{day.festival}调休上班"


@transaction.atomic
def calendar_days_save_notice(*, text: str, year: int | None = None,
                              actor: AbstractBaseUser) -> tuple[int, list[CalendarDay]]:
    """Save the notice's holidays and make-up working days as the office's days; reschedule unopened quarters.

    A day the office entered before is overwritten by the notice's; the year's other entered days stay.
    """
    if not is_office(actor):
        raise Forbidden(_("only the leading group's office may enter calendar days"))
    year, days = notice_read(text=text, year=year)
    saved = []
    for day in days:
        row, _created = CalendarDay.objects.update_or_create(
            date=day.date, defaults={"is_workday": day.kind != HOLIDAY, "note": day_note(day)})
        saved.append(row)
    # A quarter's deadlines run into the next year (Q4 is due in January): both years' cycles move.
    for cycle in ReportingCycle.objects.filter(year__in=[year - 1, year]).select_related("plan"):
        cycle_schedule(cycle=cycle)
    return year, saved
