"""The office sets up a plan in the pages: the plan and its schedule, its work items, its schools
(added, or taken out with a reason) and its reporting cycles."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from workflows.plans.models import CycleQuarter, Plan, QuarterlyReport, ReportStatus, WorkItem
from workflows.plans.services.plan_schools import plan_school_remove, plan_schools_add
from workflows.plans.services.plan_setup import cycle_add, departments_of, plan_save, work_item_save
from workflows.plans.setup_selectors import plan_schools_matching, plans_overview, schools_outside

from .common import attempt, attempt_form, require_office
from .plan_forms import CycleForm, FigureFormSet, PlanForm, SchoolQuery, WorkItemForm, figures_from, figures_initial

OUTSIDE_SHOWN = 200  # schools offered to add at once (a search narrows them)


@login_required
def plans(request):
    require_office(request)
    return render(request, "web/plans.html", {"plans": plans_overview()})


@login_required
def plan_edit(request, pk: int | None = None):
    """A new plan (no pk), or the plan's details and schedule changed."""
    require_office(request)
    plan = get_object_or_404(Plan, pk=pk) if pk else None
    form = PlanForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        saved = attempt_form(request, form, lambda: plan_save(
            actor=request.user, values=form.plan_values(), settings=form.schedule(),
            plan_id=plan.pk if plan else None), _("The plan is saved."))
        if saved is not None:
            return redirect("web:plan", pk=saved.pk)
    return render(request, "web/plan_form.html", {"form": form, "plan": plan})


@login_required
def plan(request, pk: int):
    """The plan at a glance: its details, work items, schools and cycles; a cycle is added here."""
    require_office(request)
    found = get_object_or_404(Plan.objects.select_related("bureau", "extensions_decided_by"), pk=pk)
    form = CycleForm(request.POST or None, initial={"year": found.year, "half": 1})
    if request.method == "POST" and form.is_valid():
        added = attempt_form(request, form, lambda: cycle_add(
            actor=request.user, plan_id=found.pk, **form.cleaned_data), _("The cycle is added; its quarters are "
                                                                           "scheduled on the working-day calendar."))
        if added is not None:
            return redirect("web:plan", pk=found.pk)
    items = found.work_items.prefetch_related("responsibilities__unit").order_by("number")
    return render(request, "web/plan.html", {
        "plan": found, "items": items, "cycles": found.cycles.order_by("year", "half"), "cycle_form": form,
        "departments": departments_of(found.bureau), "schools": found.schools.count()})


@login_required
def work_item_edit(request, pk: int, item: int | None = None):
    """A new work item of the plan (no item), or one changed: departments, figures, carry-over."""
    require_office(request)
    found = get_object_or_404(Plan.objects.select_related("bureau"), pk=pk)
    work_item = get_object_or_404(WorkItem, pk=item, plan=found) if item else None
    form = WorkItemForm(request.POST or None, plan=found, item=work_item)
    figures = FigureFormSet(request.POST or None, initial=figures_initial(work_item), prefix="figures")
    if request.method == "POST" and form.is_valid() and figures.is_valid():
        saved = attempt_form(request, form, lambda: work_item_save(
            actor=request.user, plan_id=found.pk, values=form.values(), lead=form.cleaned_data["lead"],
            cooperating=list(form.cleaned_data["cooperating"]), figures=figures_from(figures),
            work_item_id=work_item.pk if work_item else None), _("The work item is saved."))
        if saved is not None:
            return redirect("web:plan", pk=found.pk)
    return render(request, "web/work_item_form.html", {"plan": found, "item": work_item, "form": form,
                                                        "figures": figures})


@login_required
def plan_schools(request, pk: int):
    """The plan's schools (each may be taken out) and the bureau's others, chosen to join."""
    require_office(request)
    found = get_object_or_404(Plan.objects.select_related("bureau"), pk=pk)
    query = SchoolQuery(request.GET)
    text = query.cleaned_data["q"] if query.is_valid() else ""
    errors: dict = {}
    if request.method == "POST":
        chosen = [int(v) for v in request.POST.getlist("school") if v.isdigit()]
        if request.POST.get("which") == "all":
            chosen = list(schools_outside(plan=found, text=text).values_list("pk", flat=True))
        ok, errors = attempt(request, lambda: plan_schools_add(plan_id=found.pk, unit_ids=chosen, actor=request.user),
                             _("The schools joined the plan."))
        if ok:
            return redirect(request.get_full_path())
    inside = Paginator(plan_schools_matching(plan=found, text=text), 50).get_page(request.GET.get("page"))
    outside = schools_outside(plan=found, text=text)
    return render(request, "web/plan_schools.html", {
        "plan": found, "inside": inside, "outside": outside[:OUTSIDE_SHOWN], "outside_count": outside.count(),
        "q": text, "errors": errors})


@login_required
def plan_school_leave(request, pk: int, unit: int):
    """Take a school out of the plan (closed or merged, 撤并): what happens is shown first, with a reason."""
    require_office(request)
    found = get_object_or_404(Plan, pk=pk)
    school = get_object_or_404(found.schools, pk=unit)
    if request.method == "POST":
        reason = request.POST.get("reason", "").strip()[:500]
        ok, _errors = attempt(request, lambda: plan_school_remove(
            plan_id=found.pk, unit_id=school.pk, actor=request.user, reason=reason),
            _("%(school)s left the plan.") % {"school": school.name})
        if ok:
            return redirect("web:plan_schools", pk=found.pk)
    pending = QuarterlyReport.objects.filter(
        school=school, status=ReportStatus.PENDING,
        quarter__in=CycleQuarter.objects.filter(cycle__plan=found, closed_at__isnull=True))
    return render(request, "web/plan_school_leave.html", {"plan": found, "school": school,
                                                           "pending": pending.count()})
