"""Reads for plans: traffic lights per unit, a report's extensions on its task page."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from workflows.processes.models import HumanTask, HumanTaskState

from .calendar import WorkingCalendar
from .lights import light_for, worst
from .models import Plan, QuarterlyReport, ReportExtension
from .services.deadlines import plan_setting
from .services.extensions import may_ask


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


@dataclass(frozen=True)
class ExtensionPanel:
    """What a quarterly report's task page shows of its extensions: the due moment in force, the
    requests so far with their decisions, and whether the person may ask now."""

    report: QuarterlyReport
    requests: list[ReportExtension]
    may_ask: bool


def extension_panel(*, task: HumanTask, user: AbstractBaseUser) -> ExtensionPanel | None:
    """None for a task that is not a school's quarterly report."""
    report = QuarterlyReport.objects.select_related("quarter", "school").filter(instance_id=task.instance_id).first()
    if report is None:
        return None
    requests = list(report.extensions.select_related("asked_by", "decided_by").order_by("asked_at", "pk"))
    return ExtensionPanel(report=report, requests=requests, may_ask=may_ask(user, report))
