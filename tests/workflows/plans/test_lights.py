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
