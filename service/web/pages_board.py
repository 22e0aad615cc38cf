"""The managers' board: counts by level × school and by work item, the filtered list of open
escalations (most overdue first) with the reader's actions, the office's chase of many schools at
once, completion and on-time charts with their tables, and the traffic-light matrix."""
from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from workflows.org.roles import is_office
from workflows.plans.board import (
    LEVELS,
    BoardList,
    board_counts_by_unit,
    board_counts_by_work_item,
    board_entries,
    board_filtered,
    board_level_totals,
    board_open,
    board_rows,
)
from workflows.plans.calendar import WorkingCalendar
from workflows.plans.lights import light_for, worst
from workflows.plans.models import CycleQuarter, Plan
from workflows.plans.rates import plan_rates
from workflows.plans.scope import sees_everything, tasks_visible
from workflows.plans.services.board_chase import board_chase
from workflows.processes.models import EscalationLevel, HumanTaskState
from workflows.processes.services.escalations import escalation_acknowledge, escalation_chase

from .common import attempt
from .filters import BoardChaseForm, BoardFilters, EscalationAction, bad_request

PAGE_SIZE = 50


@login_required
def board(request):
    filters = BoardFilters(request.GET)
    if not filters.is_valid():
        return bad_request(request, filters, back=request.path)
    if request.method == "POST":
        return _act(request, filters)
    query = filters.query()
    # the page's ids by a narrow query (an index walk by due date), then those rows in full
    page = Paginator(BoardList(board_filtered(request.user, query)), PAGE_SIZE).get_page(
        filters.cleaned_data.get("page"))
    listed = board_rows(list(page.object_list))
    everything = board_open(request.user)
    by_item = board_counts_by_work_item(everything)
    plan = _plan(filters.cleaned_data.get("plan"))
    # the rates count every school of the plan: for those who see the whole plan
    rates = plan_rates(plan) if plan and sees_everything(request.user) else None
    return render(request, "web/board.html", {
        "filters": filters, "query": query, "page": page,
        "entries": board_entries(request.user, listed),
        "totals": [(level, EscalationLevel(level).label, n) for level, n in board_level_totals(by_item).items()],
        "by_unit": board_counts_by_unit(everything), "by_work_item": by_item,
        "levels": [(level, EscalationLevel(level).label) for level in LEVELS],
        "periods": CycleQuarter.objects.filter(opened_at__isnull=False, cycle__plan=plan).select_related(
            "cycle").order_by("-cycle__year", "-quarter")[:8],
        "work_items": plan.work_items.order_by("number") if plan else [], "plan": plan,
        "plans": Plan.objects.order_by("-year", "code"), "office": is_office(request.user),
        "rates": rates, "chart": _chart_data(rates) if rates else None,
        "matrix": _matrix(request.user, plan, listed) if plan else None,
        "filtered_query": request.GET.urlencode()})


def _act(request, filters: BoardFilters):
    """One entry acknowledged or chased, or the office's chase of the ticked or all matching entries."""
    back = f"{request.path}?{request.GET.urlencode()}"
    if request.POST.get("which"):
        form = BoardChaseForm(request.POST)
        if not form.is_valid():
            return bad_request(request, form, back=back)
        done = []
        ok, _errors = attempt(request, lambda: done.append(board_chase(
            actor=request.user, query=filters.query(), chosen=form.chosen())), "")
        if ok:
            messages.get_messages(request).used = True  # the count below replaces the generic message
            messages.success(request, _chase_message(done[0]))
        return redirect(back)
    form = EscalationAction(request.POST)
    if not form.is_valid():
        return bad_request(request, form, back=back)
    pk = form.cleaned_data["escalation"]
    if form.cleaned_data["action"] == "acknowledge":
        attempt(request, lambda: escalation_acknowledge(escalation_id=pk, actor=request.user), _("Acknowledged."))
    else:
        attempt(request, lambda: escalation_chase(escalation_id=pk, actor=request.user), _("Reminder sent."))
    return redirect(back)


def _chase_message(done) -> str:
    if done.in_background:
        return ngettext("%(count)s late entry is being chased; the reminders are on their way.",
                        "%(count)s late entries are being chased; the reminders are on their way.",
                        done.escalations) % {"count": done.escalations}
    return ngettext("Chased %(count)s entry: %(told)s people reminded.",
                    "Chased %(count)s entries: %(told)s people reminded.", done.escalations) % {
        "count": done.escalations, "told": done.told}


def _chart_data(rates) -> dict:
    """The charts' figures and words, embedded as JSON data (static/web/board_charts.js draws them)."""
    def series(rows) -> dict:
        return {"labels": [r.label for r in rows], "completion": [r.completion for r in rows],
                "on_time": [r.punctuality for r in rows]}
    return {"legend": {"completion": _("Completion rate") + " (%)", "on_time": _("On-time rate") + " (%)"},
            "work_items": series(rates.work_items), "groups": series(rates.groups),
            "quarters": series(rates.quarters)}


def _plan(pk: int | None) -> Plan | None:
    plans = Plan.objects.order_by("-year", "code")
    return (plans.filter(pk=pk).first() if pk else None) or plans.first()


MATRIX_ALL_SCHOOLS = 200  # a larger plan's matrix shows the schools of the list's page


def _matrix(user, plan: Plan, entries) -> dict:
    """Schools × work items (plus the quarterly report): the worst light of open tasks, each cell
    linking to the school's most urgent task there. Every school of a plan up to 200 schools; in a
    larger one, those of the entries listed (the list's filters choose them)."""
    items = list(plan.work_items.order_by("number"))
    schools = plan.schools.order_by("code")
    if plan.schools.count() > MATRIX_ALL_SCHOOLS:
        schools = schools.filter(pk__in={e.instance.unit_id for e in entries})
    calendar = WorkingCalendar()
    cells: dict = defaultdict(list)
    open_tasks = tasks_visible(user).filter(state=HumanTaskState.READY, instance__unit__in=schools) \
        .values_list("pk", "instance__unit_id", "instance__refs", "due_at")
    for pk, unit_id, refs, due_at in open_tasks:
        column = (refs or {}).get("work_item") or "report"
        cells[(unit_id, column)].append((pk, due_at, light_for(due_at, calendar=calendar)))
    columns = ["report", *[i.pk for i in items]]
    return {"plan": plan, "items": items, "rows": [
        {"school": s, "cells": [_cell(cells.get((s.pk, c), [])) for c in columns]}
        for s in schools]}


def _cell(tasks: list) -> dict:
    """The worst light of a cell's open tasks, and the one due first (the one to look at)."""
    if not tasks:
        return {"light": "", "task": None}
    urgent = min(tasks, key=lambda t: (t[1] is None, t[1] or 0, t[0]))
    return {"light": worst(t[2] for t in tasks), "task": urgent[0]}
