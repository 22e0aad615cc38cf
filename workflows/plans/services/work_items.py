"""A work item's lifecycle: assign, dispatch school tasks (one child instance per school), close (销号)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.org.models import Membership, Unit
from workflows.org.roles import is_office
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from workflows.processes.models import HumanTaskState
from workflows.processes.runtime import process_for
from workflows.processes.services.definitions import definition_for_start
from workflows.processes.services.events import event_deliver
from workflows.processes.services.human_tasks import human_task_complete
from workflows.processes.services.instances import instance_start

from ..calendar import WorkingCalendar
from ..models import SchoolTask, WorkItem, WorkItemRun
from .deadlines import ladder
from .schools import schools_of


def lead_department(item: WorkItem) -> Unit:
    lead = item.responsibilities.filter(is_lead=True).select_related("unit").first()
    if lead is None:
        raise Conflict(_("work item %(item)s has no lead department") % {"item": item})
    return lead.unit


def work_items_visible_to(user: AbstractBaseUser) -> QuerySet[WorkItem]:
    """The office and leaders see all; departments see the items they lead or cooperate on."""
    items = WorkItem.objects.select_related("plan").order_by("plan", "number")
    if is_office(user) or Membership.objects.filter(user=user, unit__kind="leading_group").exists():
        return items
    units = Membership.objects.filter(user=user).values_list("unit_id", flat=True)
    return items.filter(Q(responsibilities__unit_id__in=units) | Q(schools__in=units)).distinct()


def _is_lead_member(user: AbstractBaseUser, item: WorkItem) -> bool:
    return Membership.objects.filter(user=user, unit=lead_department(item)).exists()


@transaction.atomic
def work_item_start(*, work_item_id: int, actor: AbstractBaseUser) -> WorkItemRun:
    """Start a work item's run; the lead department is named for the department lane.

    The office starts any item, and then assigns it; where the plan lets departments start their items
    (the plan itself assigned them), the lead department starts it and dispatches at once.
    """
    item = WorkItem.objects.select_related("plan__bureau").select_for_update(of=("self",)).filter(
        pk=work_item_id).first()
    if item is None:
        raise NotFound(_("work item %(id)s does not exist") % {"id": work_item_id})
    lead = lead_department(item)
    by_department = not is_office(actor)
    if by_department and not (item.plan.departments_start_work_items and _is_lead_member(actor, item)):
        raise Forbidden(_("only the office or the item's lead department starts a work item"))
    if item.runs.filter(closed_at__isnull=True).exists():
        raise Conflict(_("the work item is already started"))
    instance = instance_start(
        definition=definition_for_start(key="work_item"), actor=actor, unit=lead,
        business_key=f"{item.plan.code}/WI{item.number}",
        refs={"work_item": item.pk, "lane_units": {"department_head": lead.pk}},
        data={"work_item": item.number, "title": item.title,
              "started_by": "department" if by_department else "office"},
    )
    return WorkItemRun.objects.create(work_item=item, instance=instance)


def _step(run: WorkItemRun, bpmn_id: str):
    task = run.instance.human_tasks.filter(bpmn_id=bpmn_id, state=HumanTaskState.READY).first()
    if task is None:
        raise Conflict(_("the work item is not at the step %(step)s") % {"step": repr(bpmn_id)})
    return task


@transaction.atomic
def work_item_dispatch(*, run_id: int, actor: AbstractBaseUser, instructions: str, due_date: dt.date | None,
                       school_ids: list[int] | None = None) -> list[SchoolTask]:
    """The lead department dispatches school tasks with a due date (working-day ladder from the plan)."""
    run = WorkItemRun.objects.select_related("work_item__plan", "instance").get(pk=run_id)
    if not (is_office(actor) or _is_lead_member(actor, run.work_item)):
        raise Forbidden(_("only the lead department dispatches its work item's school tasks"))
    schools = list(schools_of(run.work_item.plan))
    if school_ids is not None:
        schools = [s for s in schools if s.pk in set(school_ids)]
    problems = _dispatch_problems(instructions, due_date, schools)
    if problems or due_date is None:
        raise Invalid(_("The dispatch has errors."), problems)
    task = _step(run, "dispatch_school_tasks")
    human_task_complete(task_id=task.pk, actor=actor, data={"instructions": instructions[:5000],
                                                            "due_date": due_date.isoformat(),
                                                            "schools": len(schools)})
    dates = ladder(run.work_item.plan, due_date, WorkingCalendar())
    lead = lead_department(run.work_item)
    definition = definition_for_start(key="school_task")
    created = []
    for school in schools:
        school_task = SchoolTask.objects.create(run=run, school=school, instructions=instructions,
                                                due_at=dates["due_at"])
        school_task.instance = instance_start(
            definition=definition, actor=actor, unit=school, parent=run.instance,
            business_key=f"{run.instance.business_key}/{school.code}",
            refs={"school_task": school_task.pk, "work_item": run.work_item_id,
                  "lane_units": {"department_head": lead.pk}},
            data={"instructions": instructions, "work_item": run.work_item.title, "action": None,
                  "extensions": 0, **dates},
        )
        school_task.save(update_fields=["instance"])
        created.append(school_task)
    return created


def _dispatch_problems(instructions: str, due_date: dt.date | None, schools: list[Unit]) -> dict[str, list[str]]:
    """Every field's problem at once: what the schools must do, by when (after today), and to whom."""
    problems: dict[str, list[str]] = {}
    if not instructions.strip():
        problems["instructions"] = [_("Say what the schools must do.")]
    if due_date is None:
        problems["due_date"] = [_("Give the date the schools must finish by.")]
    elif due_date <= timezone.localdate():
        problems["due_date"] = [_("The due date must be after today.")]
    if not schools:
        problems["school_ids"] = [_("Choose at least one school of the plan.")]
    return problems


@transaction.atomic
def school_task_finished(*, school_task_id: int) -> None:
    """Called when a school task's instance completes; the run hears when the last one is done."""
    from ..tasks import work_item_all_done

    task = SchoolTask.objects.select_related("instance__definition").get(pk=school_task_id)
    due = _due_in_force(task)
    updated = SchoolTask.objects.filter(pk=school_task_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), due_at=due)
    if updated:
        run_id = SchoolTask.objects.values_list("run_id", flat=True).get(pk=school_task_id)
        transaction.on_commit(lambda: work_item_all_done.delay(run_id))


def _due_in_force(task: SchoolTask) -> dt.datetime:
    """The due moment the instance ended with: an extension granted on the way moved it."""
    if task.instance is None:
        return task.due_at
    due = process_for(task.instance.definition).data(bytes(task.instance.state)).get("due_at")
    if isinstance(due, str):
        try:
            due = dt.datetime.fromisoformat(due)
        except ValueError:
            return task.due_at
    return due if isinstance(due, dt.datetime) and due.tzinfo is not None else task.due_at


def run_notify_if_done(*, run_id: int) -> bool:
    run = WorkItemRun.objects.get(pk=run_id)
    if run.school_tasks.filter(finished_at__isnull=True).exists():
        return False
    try:
        event_deliver(kind="message", name="school_tasks_done", instance_id=run.instance_id)
    except ServiceError:
        return False  # already told (the instance no longer waits)
    return True


@transaction.atomic
def work_item_apply_close(*, run_id: int, actor: AbstractBaseUser, result: str) -> WorkItemRun:
    """The lead department applies for closing; a cooperating department may not."""
    run = WorkItemRun.objects.select_related("work_item", "instance").get(pk=run_id)
    if not (is_office(actor) or _is_lead_member(actor, run.work_item)):
        raise Forbidden(_("only the lead department applies to close its work item"))
    if not result.strip():
        raise Invalid(_("state the result against the item's goals"), {"result": [_("required")]})
    human_task_complete(task_id=_step(run, "apply_for_closing").pk, actor=actor, data={"result": result[:5000]})
    return run


@transaction.atomic
def work_item_close(*, run_id: int, actor: AbstractBaseUser, comment: str = "") -> WorkItemRun:
    """The office closes the work item (销号)."""
    run = WorkItemRun.objects.select_related("work_item", "instance").filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("work item run %(id)s does not exist") % {"id": run_id})
    if not is_office(actor):
        raise Forbidden(_("only the office closes work items"))
    human_task_complete(task_id=_step(run, "close_work_item").pk, actor=actor, data={"comment": comment[:2000]})
    run.closed_at = timezone.now()
    run.save(update_fields=["closed_at"])
    return run
