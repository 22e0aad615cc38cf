"""The staff inbox and the task page (form from the task's JSON Schema, draft, evidence, submit)."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflows.plans.calendar import WorkingCalendar
from workflows.plans.inbox import filter_choices
from workflows.plans.inbox_labels import RowLabel, row_labels
from workflows.plans.inbox_pages import inbox_counts, inbox_page, inbox_tasks
from workflows.plans.lights import light_for, workdays_left
from workflows.plans.report_view import FILL_STEP, report_view, values_to_fill
from workflows.plans.school_task_view import REPORT_STEP, school_task_view
from workflows.plans.scope import audit_visible, tasks_visible
from workflows.plans.selectors import extension_panel
from workflows.plans.services.extensions import extension_ask
from workflows.processes.forms import schema_for
from workflows.processes.models import HumanTask, HumanTaskState
from workflows.processes.permissions import can_act_on
from workflows.processes.runtime import process_for
from workflows.processes.selectors import memberships_of, returned_because
from workflows.processes.services import human_tasks as svc
from workflows.processes.services.attachments import attachment_add

from .common import attempt, day_from_post
from .filters import InboxFilters, problems
from .schema_form import data_from_post, fields_for


def _decorate(tasks, calendar: WorkingCalendar) -> list:
    for task in tasks:
        task.light = light_for(task.due_at, calendar=calendar) if task.state == HumanTaskState.READY else ""
        task.left = workdays_left(task.due_at, calendar=calendar) if task.due_at and task.light else None
        task.overdue = -task.left if task.left is not None and task.left < 0 else 0
    return tasks


@dataclass(frozen=True)
class InboxRow:
    task: HumanTask
    light: str
    left: int | None  # working days to the due moment (negative: overdue)
    label: RowLabel

    @property
    def overdue_days(self) -> int:
        return -self.left if self.left is not None and self.left < 0 else 0


def _rows(tasks: list[HumanTask]) -> list[InboxRow]:
    calendar, labels = WorkingCalendar(), row_labels(tasks)
    rows = []
    for task in tasks:
        light = light_for(task.due_at, calendar=calendar) if task.state == HumanTaskState.READY else ""
        left = workdays_left(task.due_at, calendar=calendar) if task.due_at and light else None
        rows.append(InboxRow(task=task, light=light, left=left, label=labels[task.pk]))
    return rows


PAGE_SIZE = 30


@login_required
def inbox(request):
    params, filters = request.GET, InboxFilters(request.GET)
    work_items, cycles = filter_choices(request.user)
    context = {"tab": params.get("tab") or "all", "params": params, "work_items": work_items, "cycles": cycles,
               "orderings": _orderings(), "tabs": _tabs()}
    if not filters.is_valid():  # 400 on the page, its filters shown with what was wrong in them
        return render(request, "web/inbox.html", {**context, "page": [], "rows": [], "problems": problems(filters)},
                      status=400)
    memberships = memberships_of(request.user.pk)
    page = inbox_page(user=request.user, params=filters.params(), size=PAGE_SIZE, memberships=memberships,
                      after=params.get("after", "")[:80])
    query = params.copy()
    query.pop("after", None)
    return render(request, "web/inbox.html", {
        **context, "page": page, "rows": _rows(inbox_tasks(page.ids)), "query": query.urlencode(),
        "counts": inbox_counts(user=request.user, memberships=memberships), "later": bool(params.get("after"))})


def _tabs() -> list[tuple[str, str]]:
    return [("all", _("All open")), ("mine", _("Mine")), ("unit", _("My unit's")), ("done", _("Done"))]


def _orderings() -> list[tuple[str, str]]:
    return [("due_at", _("Due date (red first)")), ("-created_at", _("Newest arrivals")),
            ("created_at", _("Oldest arrivals"))]


def _task(request, pk: int):
    task = tasks_visible(request.user).select_related("instance__definition", "instance__unit", "candidate_unit",
                                                      "assignee").filter(pk=pk).first()
    if task is None:
        raise Http404(_("No such task."))
    return task


ACTION = "_action"  # the page's own buttons; never a form field's name (a form may have an "action" field)


@login_required
def task_page(request, pk: int):
    task = _task(request, pk)
    schema, errors = schema_for(task), {}
    values, posted_form, action = task.draft, False, None
    if request.method == "POST":
        action = request.POST.get(ACTION)
        posted_form = action in ("draft", "complete", "attach")
        values = data_from_post(schema, request.POST) if posted_form else values
        ok, errors = _act(request, task, action, values)
        if ok and action in ("complete", "claim", "unclaim", "attach", "ask_extension", "draft"):  # no re-post
            return redirect("web:task", pk=task.pk) if action != "complete" else redirect("web:inbox")
        task = _task(request, pk)
    if not posted_form and not values:
        values = _answers_so_far(task, schema)
    report = report_view(task=task, values=values if task.bpmn_id == FILL_STEP else None)
    school_task = school_task_view(task=task) if report is None else None
    context = {
        "task": _decorate([task], WorkingCalendar())[0],
        "fields": fields_for(schema, values, errors, carried=report.carried if report else set()),
        "form_errors": errors.get("", []), "may_act": can_act_on(request.user, task),
        "returned_because": returned_because(task=task), "report": report, "school_task": school_task,
        "show_answers": school_task is not None and task.bpmn_id != REPORT_STEP,
        "editing_report": report is not None and task.bpmn_id == FILL_STEP and task.state == HumanTaskState.READY,
        "timeline": audit_visible(request.user).filter(instance_id=task.instance_id).select_related("actor")
        .order_by("at", "id"),
        "attachments": (report or school_task).evidence if (report or school_task) else list(task.attachments.all()),
        "extension": extension_panel(task=task, user=request.user),
        "extension_errors": errors if action == "ask_extension" else {},
    }
    return render(request, "web/task.html", context)


def _answers_so_far(task, schema: dict) -> dict:
    """A task opened again (returned for revision) starts from the answers the process holds; a first fill-in
    from the previous quarter's where the plan carries them over. A decision (and its comment) is made afresh
    each time, never shown as if it still held."""
    data = process_for(task.instance.definition).data(bytes(task.instance.state))
    fields = schema.get("properties") or {}
    fresh = svc.DECISION_FIELDS if "decision" in fields else ()
    return values_to_fill(task=task, values={k: data[k] for k in fields if k in data and k not in fresh})


def _act(request, task, action: str, values: dict) -> tuple[bool, dict]:
    user = request.user
    if action == "claim":
        return attempt(request, lambda: svc.human_task_claim(task_id=task.pk, actor=user), _("Task claimed."))
    if action == "unclaim":
        return attempt(request, lambda: svc.human_task_unclaim(task_id=task.pk, actor=user), _("Task released."))
    if action == "draft":
        return attempt(request, lambda: svc.human_task_save_draft(task_id=task.pk, actor=user, data=values),
                       _("Draft saved."))
    if action == "complete":
        return attempt(request, lambda: svc.human_task_complete(task_id=task.pk, actor=user, data=values),
                       _("Submitted."))
    if action == "ask_extension":
        report = extension_panel(task=task, user=user)
        if report is None:
            return False, {}
        return attempt(request, lambda: extension_ask(
            report_id=report.report.pk, actor=user, due_on=day_from_post(request.POST.get("due_on")),
            reason=request.POST.get("reason", "")), _("Extension asked for; the office will decide."))
    if action == "attach":  # the file first (a refused one changes nothing, and the page keeps what was typed),
        upload = request.FILES.get("evidence")  # then the answers typed so far are kept as a draft
        if upload is not None:
            attached, errors = attempt(request, lambda: attachment_add(task_id=task.pk, actor=user, name=upload.name,
                                                                       content=upload.read()), _("Evidence attached."))
            if not attached:
                return attached, errors
        return attempt(request, lambda: svc.human_task_save_draft(task_id=task.pk, actor=user, data=values),
                       _("Draft saved.") if upload is None else _("Your answers are kept as a draft."))
    return False, {}
