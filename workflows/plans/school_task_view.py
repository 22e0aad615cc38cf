"""A school's task for a work item as its steps read it: what was asked and by when, who does it, what the
school reported (figures with units, evidence) or asked for (an extension), and every decision on it."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.utils.translation import pgettext

from workflows.processes.models import Attachment, HumanTask
from workflows.processes.runtime import process_for

from .models import SchoolTask
from .report_view import Answer, Decision, decisions_of, evidence_of, figure_shown

EXTENSION = "request_extension"
REPORT_STEP = "report_progress"  # the school's own step: its answers are in its form


@dataclass
class SchoolTaskView:
    school_task: SchoolTask
    instructions: str
    due_at: object
    responsible: object  # the person the principal named, if any
    planned_date: str
    answers: list[Answer] = field(default_factory=list)  # the latest report, when one was sent
    extension_to: object = None  # the date asked for, when the last step asked for more time
    extension_reason: str = ""
    evidence: list[Attachment] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)


def school_task_view(*, task: HumanTask) -> SchoolTaskView | None:
    """The school task a human task is about; None for any other task."""
    school_task_id = (task.instance.refs or {}).get("school_task")
    school_task = SchoolTask.objects.select_related("run__work_item", "school").filter(pk=school_task_id).first() \
        if school_task_id else None
    if school_task is None:
        return None
    data = process_for(task.instance.definition).data(bytes(task.instance.state))
    view = SchoolTaskView(school_task=school_task, instructions=str(data.get("instructions") or ""),
                          due_at=_moment(data.get("due_at")) or school_task.due_at,
                          responsible=_person(data.get("responsible")),
                          planned_date=str(data.get("planned_date") or ""),
                          evidence=evidence_of(task), decisions=decisions_of(task))
    if data.get("action") == EXTENSION:
        view.extension_to = _moment(data.get("new_due_at"))
        view.extension_reason = str(data.get("reason") or "")
    elif data.get("progress"):
        view.answers = _answers(school_task, data)
    return view


def _answers(school_task: SchoolTask, data: dict) -> list[Answer]:
    answers = [Answer("progress", pgettext("report field", "Progress"), data.get("progress") or ""),
               Answer("problems", pgettext("report field", "Problems"), data.get("problems") or "")]
    figures = data.get("figures") or {}
    for figure in school_task.run.work_item.figures:
        if figure["key"] in figures:
            answers.append(Answer(f"figures.{figure['key']}", figure["label"], figure_shown(figures[figure["key"]]),
                                  figure.get("unit", "")))
    return answers


def _moment(value: object) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def _person(username: object):
    if not isinstance(username, str) or not username:
        return None
    return get_user_model().objects.filter(username=username).first()
