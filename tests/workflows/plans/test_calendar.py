"""Working days: statutory holidays, make-up working days, office-entered years, weekday fallback."""
from __future__ import annotations

import datetime as dt

import pytest

from workflows.plans.calendar import OFFICE, OFFICIAL, WEEKDAYS, WorkingCalendar, calendar_source
from workflows.plans.models import CalendarDay

pytestmark = pytest.mark.django_db
D = dt.date


def test_qingming_2024_holiday_and_make_up_sunday():
    calendar = WorkingCalendar()
    assert not calendar.is_workday(D(2024, 4, 4)) and not calendar.is_workday(D(2024, 4, 5))
    assert calendar.is_workday(D(2024, 4, 7))  # a Sunday worked to make up for the holiday
    # five working days after 31 March 2024: 1, 2, 3, 7, 8 April
    assert calendar.add_workdays(D(2024, 3, 31), 5) == D(2024, 4, 8)
    assert calendar.add_workdays(D(2024, 4, 8), -2) == D(2024, 4, 3)
    assert calendar.workdays_between(D(2024, 4, 3), D(2024, 4, 8)) == 2


def test_year_without_official_data_falls_back_to_weekdays_and_says_so():
    calendar = WorkingCalendar()
    assert calendar_source(2024) == OFFICIAL
    assert calendar_source(2031) == WEEKDAYS
    assert calendar.is_workday(D(2031, 1, 1))  # a Wednesday; no holiday data, so a working day
    assert not calendar.is_workday(D(2031, 1, 4))  # a Saturday


def test_days_the_office_enters_take_precedence():
    CalendarDay.objects.create(date=D(2031, 1, 1), is_workday=False, note="元旦")
    CalendarDay.objects.create(date=D(2031, 1, 4), is_workday=True, note="调休上班")
    calendar = WorkingCalendar()
    assert calendar_source(2031) == OFFICE
    assert not calendar.is_workday(D(2031, 1, 1))
    assert calendar.is_workday(D(2031, 1, 4))


def test_an_edit_of_the_office_days_counts_at_once_and_other_processes_within_a_minute():
    from workflows.plans import calendar as calendar_module

    assert WorkingCalendar().is_workday(D(2031, 1, 6))  # a Monday
    day = CalendarDay.objects.create(date=D(2031, 1, 6), is_workday=False, note="校庆")
    assert not WorkingCalendar().is_workday(D(2031, 1, 6))  # saved here: read again at once
    CalendarDay.objects.filter(pk=day.pk).update(is_workday=True)  # as another process's edit looks from here
    assert not WorkingCalendar().is_workday(D(2031, 1, 6))
    calendar_module._office_days = (calendar_module._office_days[0] - calendar_module.OFFICE_DAYS_SECONDS - 1,
                                    calendar_module._office_days[1])  # a minute later
    assert WorkingCalendar().is_workday(D(2031, 1, 6))
    day.is_workday = False
    day.save()
    assert not WorkingCalendar().is_workday(D(2031, 1, 6))
    day.delete()  # deleted here: read again at once
    assert WorkingCalendar().is_workday(D(2031, 1, 6))


def test_working_days_beyond_every_known_year_are_counted_as_weekdays_without_a_walk():
    CalendarDay.objects.create(date=D(2033, 3, 7), is_workday=False, note="校庆")  # a Monday the office entered
    calendar, walked = WorkingCalendar(), WorkingCalendar()
    start = D(2024, 12, 20)
    for end in (D(2031, 1, 3), D(2033, 3, 6), D(2033, 3, 7), D(2033, 3, 8), D(2036, 2, 29), D(2040, 7, 4)):
        by_day = sum(walked.is_workday(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))
        assert calendar.workdays_between(start, end) == by_day, end
        assert calendar.workdays_between(end, start) == -by_day
    far = calendar.workdays_between(start, D(9999, 12, 31))  # a due date nobody will reach: answered at once
    assert far - calendar.workdays_between(start, D(9999, 12, 24)) == 5
    assert len(calendar._days) < 5000
