"""The office console: processes (upload, diagram), org and work items, cycles, progress, summaries."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.notifications.delivery import deliveries_failed
from workflows.org.models import Unit
from workflows.org.roles import is_office
from workflows.plans.calendar import calendar_source
from workflows.plans.calendar_years import calendar_year_warning
from workflows.plans.models import CycleQuarter, ExtensionStatus, Plan, ReportExtension, ReportingCycle
from workflows.plans.opening import quarter_opening as quarter_opening_progress
from workflows.plans.progress import cycle_progress
from workflows.plans.scope import instances_visible, sees_everything
from workflows.plans.services.bulletins import bulletin_draftable
from workflows.plans.services.cycles import cycle_open, quarter_dispatch
from workflows.plans.summary import quarterly_summary
from workflows.processes.errors import Invalid
from workflows.processes.issue_texts import issue_message, translated
from workflows.processes.models import AuditAction, AuditEvent, HumanTaskState, ProcessDefinition
from workflows.processes.services.definitions import definition_deploy

from .common import attempt, require_office
from .filters import DiagramFilters, bad_request
from .layout import with_layout


def _bureau_staff(request) -> None:
    if not sees_everything(request.user) and not request.user.memberships.exclude(
            unit__kind__in=["school", "kindergarten"]).exists():
        raise PermissionDenied


@login_required
def console(request):
    require_office(request)
    newest = ProcessDefinition.objects.filter(key=OuterRef("key")).order_by("-version").values("version")[:1]
    return render(request, "web/console.html", {
        "definitions": ProcessDefinition.objects.filter(version=Subquery(newest)).order_by("key"),
        "cycles": ReportingCycle.objects.select_related("plan").order_by("-year", "half"),
        "plans": Plan.objects.order_by("-year"), "calendar_warning": calendar_year_warning(),
        "pending_extensions": ReportExtension.objects.filter(status=ExtensionStatus.PENDING).count(),
        "failed_deliveries": deliveries_failed().count()})


@login_required
def upload(request):
    require_office(request)
    issues, result = [], None
    if request.method == "POST":
        files = {f.name: f.read() for f in request.FILES.getlist("files")}
        try:
            result = definition_deploy(files=files, actor=request.user) if files else None
        except Invalid as exc:
            issues = [{**i, "message": issue_message(i)} for i in exc.details.get("issues", [])] or [
                {"file": "", "message": exc.message}]
        if result is not None:  # the warnings in the reader's language too
            result.warnings = [translated(w) for w in result.warnings]
        if files and result is None and not issues:
            issues = [{"file": "", "message": _("Choose at least one file.")}]
    return render(request, "web/upload.html", {"issues": issues, "result": result})


@login_required
def diagram(request, key: str, version: int):
    definition = get_object_or_404(ProcessDefinition.objects.select_related("deployment"), key=key, version=version)
    filters = DiagramFilters(request.GET)
    if not filters.is_valid():
        return bad_request(request, filters, back=reverse("web:diagram", args=[key, version]))
    instance_id = filters.cleaned_data["instance"]
    if instance_id is None and not is_office(request.user):
        raise PermissionDenied
    active, done = _marks(request.user, definition, instance_id) if instance_id else ([], [])
    files = [f for f in definition.deployment.files.order_by("name") if not f.name.endswith(".json")]
    xml = next((f.content for f in files if f'id="{key}"' in f.content), files[0].content if files else "")
    # Plain values: the template embeds them with json_script, never as script text.
    return render(request, "web/diagram.html", {"definition": definition, "xml": with_layout(xml),
                                                "active": active, "done": done})


def _marks(user, definition: ProcessDefinition, instance_id: int) -> tuple[list[str], list[str]]:
    """The instance's active and completed task ids; 404 unless the user sees it and it runs this version."""
    instance = get_object_or_404(instances_visible(user), pk=instance_id, definition=definition)
    active = list(instance.human_tasks.filter(state=HumanTaskState.READY).values_list("bpmn_id", flat=True))
    done = list(instance.human_tasks.filter(state=HumanTaskState.COMPLETED).values_list("bpmn_id", flat=True))
    done += [e.detail.get("bpmn_id") for e in AuditEvent.objects.filter(
        instance_id=instance.pk, action=AuditAction.TASK_COMPLETED) if e.detail.get("bpmn_id")]
    return active, sorted(set(done))


@login_required
def org(request):
    _bureau_staff(request)
    units = Unit.objects.prefetch_related("memberships__user").order_by("kind", "code")
    plans = Plan.objects.prefetch_related("work_items__responsibilities__unit").order_by("-year")
    return render(request, "web/org.html", {"units": units, "plans": plans})


@login_required
def cycle_start(request, pk: int):
    """Open the cycle and hand its first open quarter's schools to the workers; the answer comes at
    once, and the opening page follows the workers to the end."""
    require_office(request)
    if request.method != "POST":
        return redirect("web:progress", pk=pk)
    opened: list[CycleQuarter] = []

    def run():
        cycle = cycle_open(cycle_id=pk, actor=request.user)
        quarter = cycle.quarters.filter(closed_at__isnull=True).order_by("quarter").first()
        if quarter is not None:
            quarter_dispatch(quarter_id=quarter.pk)
            opened.append(quarter)
    ok, _errors = attempt(request, run, _("The cycle is open; the schools' reports are being started."))
    if ok and opened:
        return redirect("web:quarter_opening", pk=pk, quarter=opened[0].quarter)
    return redirect("web:progress", pk=pk)


@login_required
def quarter_opening(request, pk: int, quarter: int):
    """A quarter's opening as it goes: a progress bar, refreshed until every school has its report; a
    stalled opening can be resumed (schools already started are skipped)."""
    require_office(request)
    q = get_object_or_404(CycleQuarter.objects.select_related("cycle__plan"), cycle_id=pk, quarter=quarter)
    if request.method == "POST":
        attempt(request, lambda: quarter_dispatch(quarter_id=q.pk), _("The remaining schools went to the workers."))
        return redirect("web:quarter_opening", pk=pk, quarter=quarter)
    return render(request, "web/quarter_opening.html", {"opening": quarter_opening_progress(quarter=q)})


@login_required
def progress(request, pk: int):
    _bureau_staff(request)
    cycle = get_object_or_404(ReportingCycle.objects.select_related("plan"), pk=pk)
    quarters, rows = cycle_progress(cycle=cycle)
    return render(request, "web/progress.html", {"cycle": cycle, "quarters": quarters, "rows": rows,
                                                 "calendar": calendar_source(cycle.year),
                                                 "draftable": bulletin_draftable(cycle)})


@login_required
def summary(request, pk: int, quarter: int):
    _bureau_staff(request)
    q = get_object_or_404(CycleQuarter.objects.select_related("cycle__plan"), cycle_id=pk, quarter=quarter)
    return render(request, "web/summary.html", {"quarter": q, "table": quarterly_summary(quarter=q)})
