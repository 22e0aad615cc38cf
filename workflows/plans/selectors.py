"""Reads for plans: traffic lights per unit, work item visibility."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from workflows.processes.models import HumanTask, HumanTaskState

from .calendar import WorkingCalendar
from .lights import light_for, worst
from .models import Plan
from .services.deadlines import plan_setting


def unit_lights(*, plan: Plan, now: dt.datetime | None = None) -> dict[int, str]:
    """Each school's light: the worst of its open tasks (one query for the tasks)."""
    now = now or timezone.now()
    calendar, yellow = WorkingCalendar(), plan_setting(plan, "yellow_workdays")
    schools = list(plan.schools.values_list("pk", flat=True))
    open_tasks = HumanTask.objects.filter(state=HumanTaskState.READY, instance__unit_id__in=schools) \
        .values_list("instance__unit_id", "due_at")
    lights: dict[int, list[str]] = {pk: [] for pk in schools}
    for unit_id, due_at in open_tasks:
        lights[unit_id].append(light_for(due_at, now=now, yellow_workdays=yellow, calendar=calendar))
    return {pk: worst(values) for pk, values in lights.items()}
