"""A work item run's school tasks, each judged on time or late by the due moment in force."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from .models import SchoolTask, WorkItemRun

ON_TIME, LATE, OPEN, OVERDUE = "on_time", "late", "open", "overdue"


@dataclass(frozen=True)
class SchoolTaskRow:
    task: SchoolTask
    timeliness: str  # on_time / late (finished), open / overdue (not yet)


def timeliness(task: SchoolTask, now: dt.datetime) -> str:
    if task.finished_at is not None:
        return ON_TIME if task.finished_at <= task.due_at else LATE
    return OVERDUE if now > task.due_at else OPEN


def run_school_tasks(*, run: WorkItemRun, now: dt.datetime | None = None) -> list[SchoolTaskRow]:
    """The run's school tasks in school order (the due moment is the one in force: an extension the
    department granted moved it when the task finished)."""
    now = now or timezone.now()
    rows = run.school_tasks.select_related("school").order_by("school__code")
    return [SchoolTaskRow(task=task, timeliness=timeliness(task, now)) for task in rows]
