"""What a work item's page shows its department: where the item stands, what this person may do now,
and how each school's task is going (received, reported, late, extension asked, approved)."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.org.models import Membership, Unit
from workflows.org.roles import is_office
from workflows.processes.models import AuditAction, AuditEvent, HumanTask, HumanTaskState

from .models import SchoolTask, WorkItem, WorkItemRun
from .school_tasks import LATE, OVERDUE, timeliness
from .services.schools import schools_of

SCHOOL_STEPS = {"sign_receipt": "received", "report_progress": "in_progress", "review_report": "reported",
                "review_extension": "extension"}


def step_words(step: str) -> str:
    """Where a work item's run stands, in words."""
    return {
        "": _("Not started"), "assign_work_item": _("Waiting for the office to assign it"),
        "dispatch_school_tasks": _("To be dispatched to schools"),
        "school_tasks": _("Schools at work"), "apply_for_closing": _("To apply for closing"),
        "close_work_item": _("Waiting for the office to close it"), "closed": _("Closed"),
    }.get(step, _("In progress"))


def school_step_words(state: str) -> str:
    return {"received": _("Not signed for yet"), "in_progress": _("Signed for, at work"),
            "reported": _("Reported, awaiting review"), "extension": _("Extension asked, awaiting decision"),
            "approved": _("Approved")}.get(state, _("In progress"))


@dataclass(frozen=True)
class SchoolRow:
    task: SchoolTask
    state: str  # received / in_progress / reported / extension / approved
    words: str
    late: bool  # past its due moment (still open) or finished after it
    returned: bool  # its last report was returned
    open_task_id: int | None  # the department's task on it (a report or an extension to decide), if any


@dataclass
class WorkItemPage:
    item: WorkItem
    lead: Unit | None
    cooperating: list[Unit]
    run: WorkItemRun | None
    step: str  # the ready step of the run ("" before a run, "school_tasks" while schools work, "closed")
    may_start: bool = False
    may_dispatch: bool = False
    may_apply: bool = False
    may_close: bool = False
    schools: list[Unit] = field(default_factory=list)  # to dispatch to
    rows: list[SchoolRow] = field(default_factory=list)

    @property
    def words(self) -> str:
        return step_words(self.step)

    @property
    def done(self) -> int:
        return sum(1 for row in self.rows if row.state == "approved")


def may_start(user: AbstractBaseUser, item: WorkItem, lead: Unit | None) -> bool:
    """The office starts any work item; its lead department, where the plan lets departments start them."""
    if is_office(user):
        return True
    return bool(lead and item.plan.departments_start_work_items
                and Membership.objects.filter(user=user, unit=lead).exists())


def work_item_page(*, item: WorkItem, user: AbstractBaseUser) -> WorkItemPage:
    units = list(item.responsibilities.select_related("unit").order_by("position"))
    lead = next((r.unit for r in units if r.is_lead), None)
    run = item.runs.select_related("instance").order_by("-pk").first()
    step = _step(run)
    in_lead = is_office(user) or bool(lead and Membership.objects.filter(user=user, unit=lead).exists())
    page = WorkItemPage(item=item, lead=lead, cooperating=[r.unit for r in units if not r.is_lead], run=run, step=step)
    page.may_start = (run is None or step == "closed") and may_start(user, item, lead)
    page.may_dispatch = step == "dispatch_school_tasks" and in_lead
    page.may_apply = step == "apply_for_closing" and in_lead
    page.may_close = step == "close_work_item" and is_office(user)
    if page.may_dispatch:
        page.schools = list(schools_of(item.plan))
    if run is not None:
        page.rows = school_rows(run)
    return page


def _step(run: WorkItemRun | None) -> str:
    if run is None:
        return ""
    if run.closed_at is not None:
        return "closed"
    ready = run.instance.human_tasks.filter(state=HumanTaskState.READY).values_list("bpmn_id", flat=True).first()
    return ready or "school_tasks"


def school_rows(run: WorkItemRun) -> list[SchoolRow]:
    """Each school's task on the run, with its state and the department's open task on it (two queries)."""
    tasks = list(run.school_tasks.select_related("school", "responsible").order_by("school__code"))
    ready: dict[int, tuple[str, int]] = {}
    for instance_id, bpmn_id, pk in HumanTask.objects.filter(
            instance_id__in=[t.instance_id for t in tasks if t.instance_id], state=HumanTaskState.READY,
            bpmn_id__in=list(SCHOOL_STEPS)).values_list("instance_id", "bpmn_id", "pk"):
        ready[instance_id] = (bpmn_id, pk)
    returned = _returned([t.instance_id for t in tasks if t.instance_id and not t.finished_at])
    now = timezone.now()
    rows = []
    for task in tasks:
        bpmn_id, pk = ready.get(task.instance_id, ("", None))
        state = "approved" if task.finished_at else SCHOOL_STEPS.get(bpmn_id, "in_progress")
        department_task = pk if bpmn_id in ("review_report", "review_extension") else None
        rows.append(SchoolRow(task=task, state=state, words=school_step_words(state),
                              late=timeliness(task, now) in (LATE, OVERDUE), returned=task.instance_id in returned,
                              open_task_id=department_task))
    return rows


def _returned(instance_ids: list[int]) -> set[int]:
    """The instances whose latest review returned the school's report (one query)."""
    latest: dict[int, str] = {}
    for instance_id, decision in AuditEvent.objects.filter(
            instance_id__in=instance_ids, action=AuditAction.TASK_COMPLETED, detail__bpmn_id="review_report",
    ).order_by("at", "id").values_list("instance_id", "detail__decision"):
        latest[instance_id] = decision
    return {pk for pk, decision in latest.items() if decision == "return"}
