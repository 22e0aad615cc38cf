"""Claim, release, save a draft of, and complete human tasks."""
from __future__ import annotations

import json

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workflows.compiled import CompiledQuery
from workflows.engine import DataError, EngineError

from ..audit import audit_batch, audit_record
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..forms import schema_for, validate_form
from ..models import AuditAction, Escalation, HumanTask, HumanTaskState
from ..permissions import annotate_actor_scope, can_act_on, can_see, is_office
from ..projection import Step, snapshots_apply
from ..runtime import process_for
from .locking import instance_lock_for_task, require_active


def _step_rows(instance_id: int, task_id: int):
    """The task, and the instance's open and completed task rows; each says whether the instance
    has open escalations (read under the instance's lock, under which escalations change)."""
    open_escalations = Escalation.objects.filter(instance_id=OuterRef("instance_id"), closed_at__isnull=True)
    return HumanTask.objects.select_related("assignee", "candidate_unit").filter(instance_id=instance_id).filter(
        Q(pk=task_id) | Q(state__in=(HumanTaskState.READY, HumanTaskState.COMPLETED))).annotate(
        instance_has_open_escalations=Exists(open_escalations))


_STEP_ROWS = CompiledQuery(_step_rows, slots=(int, int))
_STEP_ROWS_SCOPED = CompiledQuery(lambda instance_id, task_id, user_id: annotate_actor_scope(
    _step_rows(instance_id, task_id), user_id), slots=(int, int, int))


def _locked_task(task_id: int, actor: AbstractBaseUser) -> HumanTask:
    """Lock the task's instance, then load the task; check scope.

    One query reads the task, whether the actor may act on it, and the instance's other open and
    completed task rows (``task.step_rows``), which a step brings in line with the engine.
    """
    instance = instance_lock_for_task(task_id)
    if actor.is_authenticated and not actor.is_superuser:
        rows = _STEP_ROWS_SCOPED(instance.pk, int(task_id), actor.pk)
    else:
        rows = _STEP_ROWS(instance.pk, int(task_id))
    task = next(row for row in rows if row.pk == int(task_id))
    task.instance = instance
    task.step_rows = rows
    task.actor_may_act = can_act_on(actor, task)  # asked once, for scope and for acting
    if not task.actor_may_act and not can_see(actor, task):
        raise NotFound(_("task %(id)s does not exist") % {"id": task_id})
    return task


def _require_ready(task: HumanTask) -> None:
    if task.state != HumanTaskState.READY:
        raise Conflict(_("the task is already %(state)s") % {"state": task.get_state_display().lower()},
                       {"state": task.state})


def _require_holder(task: HumanTask, actor: AbstractBaseUser) -> None:
    if not task.actor_may_act:
        raise Forbidden(_("you may not act on this task"))
    if task.assignee_id is not None and task.assignee_id != actor.pk and not is_office(actor):
        raise Conflict(_("the task is claimed by %(name)s") % {"name": task.assignee},
                       {"assignee": str(task.assignee)})


@transaction.atomic
def human_task_claim(*, task_id: int, actor: AbstractBaseUser) -> HumanTask:
    """Take a candidate task for yourself; claiming a task someone else holds is a conflict."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    _require_holder(task, actor)
    if task.assignee_id == actor.pk:
        return task
    task.assignee = actor
    task.claimed_at = timezone.now()
    task.save(update_fields=["assignee", "claimed_at"])
    audit_record(action=AuditAction.CLAIMED, actor=actor, instance=task.instance, task_guid=str(task.task_guid))
    return task


@transaction.atomic
def human_task_unclaim(*, task_id: int, actor: AbstractBaseUser) -> HumanTask:
    """Give a claimed task back to its candidates."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    _require_holder(task, actor)
    if task.assignee_id is None:
        raise Conflict(_("the task is not claimed"))
    task.assignee = None
    task.claimed_at = None
    task.save(update_fields=["assignee", "claimed_at"])
    audit_record(action=AuditAction.UNCLAIMED, actor=actor, instance=task.instance, task_guid=str(task.task_guid))
    return task


@transaction.atomic
def human_task_save_draft(*, task_id: int, actor: AbstractBaseUser, data: dict) -> HumanTask:
    """Keep unfinished form data with the task (not validated, not sent to the engine)."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    _require_holder(task, actor)
    if not isinstance(data, dict):
        raise Invalid(_("draft data must be a JSON object"), {"": [_("expected an object")]})
    text = json.dumps(data, ensure_ascii=False, default=str)
    if len(text) > 1_000_000:
        raise Invalid(_("the draft is too large"), {"": [_("at most %(count)s characters") % {"count": "1,000,000"}]})
    task.draft_json = text
    task.save(update_fields=["draft_json"])
    audit_record(action=AuditAction.DRAFT_SAVED, actor=actor, instance=task.instance, task_guid=str(task.task_guid))
    return task


@transaction.atomic
def human_task_complete(*, task_id: int, actor: AbstractBaseUser, data: dict) -> HumanTask:
    """Submit a task: ready, yours to act on, form valid; a second submit is a conflict."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    _require_holder(task, actor)
    require_active(task.instance)
    data = validate_form(schema_for(task), data)
    try:
        snapshot = process_for(task.instance.definition).complete(task.instance.state, str(task.task_guid), data)
    except DataError as exc:
        raise Invalid(str(exc), {"": [str(exc)]}) from None
    except EngineError as exc:
        raise Conflict(str(exc)) from None
    with audit_batch(task.instance):
        audit_record(action=AuditAction.TASK_COMPLETED, actor=actor, instance=task.instance,
                     task_guid=str(task.task_guid),
                     detail={"bpmn_id": task.bpmn_id, "fields": sorted(data)[:50], **decision_words(data)})
        snapshots_apply([Step(task.instance, snapshot, actor, str(task.task_guid), task_rows=task.step_rows,
                              open_escalations=task.instance_has_open_escalations)])
    return task  # one of the step's rows: the step has marked it completed


DECISION_FIELDS = ("decision", "comment")


def decision_words(data: dict) -> dict:
    """A form's decision and its comment (approve, return, grant, refuse...), kept word for word in the audit."""
    if not isinstance(data.get("decision"), str):
        return {}
    comment = data.get("comment")
    return {"decision": data["decision"][:50], "comment": comment[:2000] if isinstance(comment, str) else ""}


@transaction.atomic
def human_task_delegate(*, task_id: int, actor: AbstractBaseUser, to_user: AbstractBaseUser) -> HumanTask:
    """Hand a task you hold (or may take) to a colleague who could act on it too."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    _require_holder(task, actor)
    if not can_act_on(to_user, task) or to_user.pk == actor.pk and task.assignee_id == actor.pk:
        raise Invalid(_("%(name)s cannot take this task") % {"name": to_user},
                      {"user": [_("not a candidate for this task")]})
    return _assign(task, actor, to_user, AuditAction.DELEGATED)


@transaction.atomic
def human_task_reassign(*, task_id: int, actor: AbstractBaseUser, to_user: AbstractBaseUser) -> HumanTask:
    """The office gives a task to anyone (absence handover)."""
    task = _locked_task(task_id, actor)
    _require_ready(task)
    if not is_office(actor):
        raise Forbidden(_("only the office reassigns tasks"))
    return _assign(task, actor, to_user, AuditAction.REASSIGNED)


def _assign(task: HumanTask, actor, to_user, action) -> HumanTask:
    previous = str(task.assignee) if task.assignee_id else ""
    task.assignee = to_user
    task.claimed_at = timezone.now()
    task.save(update_fields=["assignee", "claimed_at"])
    audit_record(action=action, actor=actor, instance=task.instance, task_guid=str(task.task_guid),
                 detail={"from": previous, "to": to_user.get_username()})
    from workflows.notifications.models import NotificationKind
    from workflows.notifications.services import notify

    notify(users=[to_user], kind=NotificationKind.TASK, template=gettext_noop("Handed to you: %(task)s"), task=task,
           link=f"/tasks/{task.pk}/")
    return task
