"""The managers' board: escalations by level and unit, and a unit × work item traffic-light matrix."""
from __future__ import annotations

from collections import defaultdict

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.plans.calendar import WorkingCalendar
from workflows.plans.lights import light_for, worst
from workflows.plans.models import Plan
from workflows.plans.scope import escalations_visible, tasks_visible
from workflows.processes.models import EscalationLevel, HumanTaskState
from workflows.processes.services.escalations import escalation_acknowledge, escalation_chase

from .common import attempt
from .filters import EscalationAction, bad_request

LEVELS = [EscalationLevel.REMINDER, EscalationLevel.CHASE, EscalationLevel.SUPERVISE]


@login_required
def board(request):
    if request.method == "POST":
        form = EscalationAction(request.POST)
        if not form.is_valid():
            return bad_request(request, form, back=reverse("web:board"))
        pk = form.cleaned_data["escalation"]
        if form.cleaned_data["action"] == "acknowledge":
            attempt(request, lambda: escalation_acknowledge(escalation_id=pk, actor=request.user), _("Acknowledged."))
        else:
            attempt(request, lambda: escalation_chase(escalation_id=pk, actor=request.user), _("Reminder sent."))
        return redirect("web:board")
    now = timezone.now()
    rows = escalations_visible(request.user).filter(closed_at__isnull=True).select_related(
        "human_task__assignee", "human_task__instance", "target_unit", "instance__unit") \
        .defer("instance__state", "human_task__instance__state").order_by("raised_at")
    groups = {level: defaultdict(list) for level in LEVELS}
    for row in rows:
        row.age_days = (now - row.raised_at).days
        groups[row.level][row.instance.unit.name if row.instance.unit else "—"].append(row)
    levels = [{"level": level, "label": EscalationLevel(level).label,
               "count": sum(len(v) for v in groups[level].values()), "units": sorted(groups[level].items())}
              for level in LEVELS]
    return render(request, "web/board.html", {"levels": levels, "matrix": _matrix(request.user)})


def _matrix(user) -> dict | None:
    """Schools × work items (plus the quarterly report): the worst light of open tasks."""
    plan = Plan.objects.order_by("-year").first()
    if plan is None:
        return None
    items = list(plan.work_items.order_by("number"))
    calendar = WorkingCalendar()
    cells: dict = defaultdict(list)
    open_tasks = tasks_visible(user).filter(state=HumanTaskState.READY, instance__unit__in=plan.schools.all()) \
        .values_list("instance__unit_id", "instance__refs", "due_at")
    for unit_id, refs, due_at in open_tasks:
        column = (refs or {}).get("work_item") or "report"
        cells[(unit_id, column)].append(light_for(due_at, calendar=calendar))
    schools = list(plan.schools.order_by("code"))
    columns = ["report", *[i.pk for i in items]]
    return {"plan": plan, "items": items, "rows": [
        {"school": s, "lights": [worst(cells.get((s.pk, c), [])) if cells.get((s.pk, c)) else "" for c in columns]}
        for s in schools]}
