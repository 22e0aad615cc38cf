"""What an inbox row says beside its task's name: the work item, the period, the school, and whether the
task came back (退回), had its deadline moved (延期) or is past it (逾期). A few queries per page, never
one per row."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.processes.models import AuditAction, AuditEvent, HumanTask

from .models import ExtensionStatus, QuarterlyReport, ReportExtension, ReportingCycle, WorkItem
from .periods import half_label, quarter_label

EXTENSION_STEP = "review_extension"


@dataclass(frozen=True)
class RowLabel:
    work_item: str = ""
    period: str = ""
    school: str = ""
    returned: bool = False
    extended: bool = False  # an extension granted (or asked for, awaiting a decision)
    overdue: bool = False
    report_state: str = ""  # where the row's quarterly report stands (a done task says if it was signed off)


def row_labels(tasks: list[HumanTask]) -> dict[int, RowLabel]:
    """For each task (by id), what its row says; the tasks come with their instance and its unit."""
    refs = {task.pk: task.instance.refs or {} for task in tasks}
    items = dict(WorkItem.objects.filter(pk__in={r["work_item"] for r in refs.values() if r.get("work_item")})
                 .values_list("pk", "title"))
    cycles = {c.pk: c for c in ReportingCycle.objects.filter(
        pk__in={r["cycle"] for r in refs.values() if r.get("cycle")})}
    report_ids = {r["quarterly_report"] for r in refs.values() if r.get("quarterly_report")}
    returned, granted = _decisions({task.instance_id for task in tasks})
    extended = _extended(report_ids)
    states = _report_states(report_ids)
    now = timezone.now()
    labels = {}
    for task in tasks:
        ref = refs[task.pk]
        labels[task.pk] = RowLabel(
            work_item=items.get(ref.get("work_item"), ""), period=_period(ref, cycles.get(ref.get("cycle"))),
            school=task.instance.unit.name if task.instance.unit_id and task.instance.unit.kind in
            ("school", "kindergarten") else "",
            returned=returned.get(task.instance_id) == task.bpmn_id and task.state == "ready",
            extended=ref.get("quarterly_report") in extended or task.instance_id in granted,
            overdue=task.state == "ready" and task.due_at is not None and task.due_at < now,
            report_state=states.get(ref.get("quarterly_report"), "") if task.state != "ready" else "")
    return labels


def _period(ref: dict, cycle: ReportingCycle | None) -> str:
    if cycle is None:
        return ""
    return quarter_label(cycle.year, ref["quarter"]) if ref.get("quarter") else half_label(cycle.year, cycle.half)


def _extended(report_ids: set[int]) -> set[int]:
    """Reports whose due moment in force was moved, or that wait for a decision on more time."""
    if not report_ids:
        return set()
    moved = {pk for pk, due, quarter_due in QuarterlyReport.objects.filter(pk__in=report_ids)
             .values_list("pk", "due_at", "quarter__due_at") if due != quarter_due}
    asked = set(ReportExtension.objects.filter(report_id__in=report_ids, status=ExtensionStatus.PENDING)
                .values_list("report_id", flat=True))
    return moved | asked


def _report_states(report_ids: set[int]) -> dict[int, str]:
    """Each report's state in words: sent (signed off), with the principal, or back with the liaison."""
    if not report_ids:
        return {}
    from .report_view import FILL_STEP, SIGN_OFF_STEP

    reports = list(QuarterlyReport.objects.filter(pk__in=report_ids).values_list("pk", "status", "instance_id"))
    steps = dict(HumanTask.objects.filter(instance_id__in=[i for _, _, i in reports if i], state="ready",
                                          bpmn_id__in=(FILL_STEP, SIGN_OFF_STEP)).values_list("instance_id", "bpmn_id"))
    words = {"submitted": _("Signed off and sent"), "cancelled": _("Cancelled"),
             SIGN_OFF_STEP: _("With the principal"), FILL_STEP: _("Returned for revision")}
    return {pk: words.get(status if status != "pending" else steps.get(instance_id, ""), "")
            for pk, status, instance_id in reports}


def _decisions(instance_ids: set[int]) -> tuple[dict[int, str], set[int]]:
    """The step each instance's work went back to, where its latest decision was a return; and the
    instances where more time was granted (a school task's extension step approved).

    A decision's audit names the step that decided; returned work goes back to the step the instance
    opened next, so a task is "returned" when the latest decision was a return and it opened after it.
    """
    latest: dict[int, AuditEvent] = {}
    granted: set[int] = set()
    for event in AuditEvent.objects.filter(instance_id__in=instance_ids, action=AuditAction.TASK_COMPLETED,
                                           detail__has_key="decision").order_by("at", "id"):
        if event.detail.get("bpmn_id") != EXTENSION_STEP:
            latest[event.instance_id] = event
        elif event.detail.get("decision") == "approve":
            granted.add(event.instance_id)
    back = {pk: e for pk, e in latest.items() if e.detail.get("decision") == "return"}
    opened = HumanTask.objects.filter(instance_id__in=back, state="ready").values_list(
        "instance_id", "bpmn_id", "created_at") if back else []
    return {pk: bpmn_id for pk, bpmn_id, created in opened if created >= back[pk].at}, granted
