"""Traffic lights count working days, with a configurable yellow threshold."""
from __future__ import annotations

import datetime as dt

import pytest

from workflows.plans.calendar import local_datetime
from workflows.plans.lights import GREEN, RED, YELLOW, light_for, worst

pytestmark = pytest.mark.django_db


def test_lights_by_working_days_left():
    now = local_datetime(dt.date(2024, 4, 2), 10)  # Tuesday before Qingming
    due = local_datetime(dt.date(2024, 4, 8), 18)  # 3, 7, 8 April: three working days left
    assert light_for(due, now=now, yellow_workdays=3) == YELLOW
    assert light_for(due, now=now, yellow_workdays=2) == GREEN
    assert light_for(due, now=due + dt.timedelta(minutes=1)) == RED
    assert light_for(None, now=now) == GREEN
    assert worst([GREEN, RED, YELLOW]) == RED and worst([]) == GREEN


def test_each_school_gets_the_worst_light_of_its_open_tasks(yunxi):
    from workflows.plans.selectors import unit_lights
    from workflows.plans.services.cycles import cycle_open, quarter_open

    cycle = cycle_open(cycle_id=yunxi.cycles.get(half=1).pk)
    quarter = cycle.quarters.get(quarter=1)
    quarter_open(quarter_id=quarter.pk, limit=2)  # two schools got their report
    opened = set(quarter.reports.values_list("school_id", flat=True))
    before_due = quarter.due_at - dt.timedelta(days=20)
    lights = unit_lights(plan=yunxi, now=before_due)
    assert {lights[pk] for pk in opened} == {GREEN}
    after_due = quarter.due_at + dt.timedelta(hours=1)
    lights = unit_lights(plan=yunxi, now=after_due)
    assert {lights[pk] for pk in opened} == {RED}
    assert {v for pk, v in lights.items() if pk not in opened} == {GREEN}  # nothing open there
