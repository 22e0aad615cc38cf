"""A plan's deadlines in working days: the reporting ladder (reminder, due, supervision) and a quarter's
opening and closing moments, from the plan's cycle settings."""
from __future__ import annotations

import datetime as dt

from ..calendar import WorkingCalendar, local_datetime

DEFAULTS = {"report_due_workdays": 5, "reminder_workdays_before": 2, "supervise_workdays_after": 3,
            "close_workdays_after": 5, "open_workdays_before": 10, "yellow_workdays": 3}


def plan_setting(plan, name: str) -> int:
    return int((plan.settings or {}).get(name, DEFAULTS[name]))


def quarter_end(year: int, quarter: int) -> dt.date:
    first_of_next = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def ladder(plan, due: dt.date, calendar: WorkingCalendar) -> dict[str, dt.datetime]:
    """Reminder, due and supervision moments for a due date, in working days from the plan's settings."""
    before, after = plan_setting(plan, "reminder_workdays_before"), plan_setting(plan, "supervise_workdays_after")
    return {"reminder_at": local_datetime(calendar.add_workdays(due, -before), 9),
            "due_at": local_datetime(due, 18),
            "supervise_at": local_datetime(calendar.add_workdays(due, after), 9)}


def quarter_dates(plan, year: int, number: int, calendar: WorkingCalendar) -> dict[str, dt.datetime]:
    """A quarter's open, reminder, due, supervise and close moments from the plan's settings."""
    end = quarter_end(year, number)
    due = calendar.add_workdays(end, plan_setting(plan, "report_due_workdays"))
    return {
        **ladder(plan, due, calendar),
        "opens_at": local_datetime(calendar.add_workdays(end, -plan_setting(plan, "open_workdays_before")), 9),
        "closes_at": local_datetime(calendar.add_workdays(due, plan_setting(plan, "close_workdays_after")), 18),
    }
