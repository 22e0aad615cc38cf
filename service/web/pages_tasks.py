"""The staff inbox and the task page (form from the task's JSON Schema, draft, evidence, submit)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflows.plans.calendar import WorkingCalendar
from workflows.plans.inbox import inbox_rows
from workflows.plans.lights import light_for, workdays_left
from workflows.plans.scope import audit_visible, tasks_visible
from workflows.plans.selectors import extension_panel
from workflows.plans.services.extensions import extension_ask
from workflows.processes.forms import schema_for
from workflows.processes.models import HumanTaskState
from workflows.processes.permissions import can_act_on
from workflows.processes.runtime import process_for
from workflows.processes.selectors import returned_because
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


@login_required
def inbox(request):
    params, filters = request.GET, InboxFilters(request.GET)
    if not filters.is_valid():  # 400 on the page, its filters shown with what was wrong in them
        return render(request, "web/inbox.html", {"page": [], "tab": params.get("tab") or "all", "params": params,
                                                  "problems": problems(filters)}, status=400)
    page = Paginator(inbox_rows(user=request.user, params=filters.params()), 30).get_page(params.get("page"))
    _decorate(page.object_list, WorkingCalendar())
    return render(request, "web/inbox.html", {"page": page, "tab": params.get("tab") or "all", "params": params})


def _task(request, pk: int):
    task = tasks_visible(request.user).select_related("instance__definition", "instance__unit", "candidate_unit",
                                                      "assignee").filter(pk=pk).first()
    if task is None:
        raise Http404(_("No such task."))
    return task


@login_required
def task_page(request, pk: int):
    task = _task(request, pk)
    schema, errors = schema_for(task), {}
    values, posted_form, action = task.draft, False, None
    if request.method == "POST":
        action = request.POST.get("action")
        posted_form = action in ("draft", "complete")
        values = data_from_post(schema, request.POST) if posted_form else values
        ok, errors = _act(request, task, action, values)
        if ok and action in ("complete", "claim", "unclaim", "attach", "ask_extension", "draft"):  # no re-post
            return redirect("web:task", pk=task.pk) if action != "complete" else redirect("web:inbox")
        task = _task(request, pk)
    data = process_for(task.instance.definition).data(bytes(task.instance.state))
    if not posted_form and not values:
        # a task opened again (returned for revision) starts from the answers the process holds; a decision
        # (and its comment) is made afresh each time, never shown as if it still held
        fields = schema.get("properties") or {}
        fresh = svc.DECISION_FIELDS if "decision" in fields else ()
        values = {k: data[k] for k in fields if k in data and k not in fresh}
    context = {
        "task": _decorate([task], WorkingCalendar())[0], "fields": fields_for(schema, values, errors),
        "form_errors": errors.get("", []), "may_act": can_act_on(request.user, task),
        "returned_because": returned_because(task=task),
        "timeline": audit_visible(request.user).filter(instance_id=task.instance_id).select_related("actor")
        .order_by("at", "id"), "attachments": task.attachments.all(),
        "extension": extension_panel(task=task, user=request.user),
        "extension_errors": errors if action == "ask_extension" else {},
    }
    return render(request, "web/task.html", context)


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
    if action == "attach" and request.FILES.get("evidence"):
        upload = request.FILES["evidence"]
        return attempt(request, lambda: attachment_add(task_id=task.pk, actor=user, name=upload.name,
                                                       content=upload.read()), _("Evidence attached."))
    return False, {}
