"""Managers acknowledge escalations and chase the people who hold the late task."""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import notify
from workflows.org.roles import is_office, office_or_holds

from ..audit import audit_record
from ..errors import Conflict, Forbidden, NotFound
from ..models import AuditAction, Escalation
from ..notices import ESCALATION_TEMPLATES, holders


def _escalation(escalation_id: int) -> Escalation:
    row = Escalation.objects.select_for_update(of=("self",)).select_related("instance", "human_task").filter(
        pk=escalation_id).first()
    if row is None:
        raise NotFound(_("escalation %(id)s does not exist") % {"id": escalation_id})
    return row


def _may_handle(user: AbstractBaseUser, escalation: Escalation) -> bool:
    return office_or_holds(user, unit_id=escalation.target_unit_id, role=escalation.target_role)


@transaction.atomic
def escalation_acknowledge(*, escalation_id: int, actor: AbstractBaseUser) -> Escalation:
    """The person escalated to says they have seen it (once)."""
    escalation = _escalation(escalation_id)
    if not _may_handle(actor, escalation):
        raise Forbidden(_("this escalation is addressed to someone else"))
    if escalation.acknowledged_at is not None:
        raise Conflict(_("the escalation is already acknowledged"))
    escalation.acknowledged_at = timezone.now()
    escalation.acknowledged_by = actor
    escalation.save(update_fields=["acknowledged_at", "acknowledged_by"])
    audit_record(action=AuditAction.ACKNOWLEDGED, actor=actor, instance=escalation.instance,
                 detail={"escalation": escalation.pk})
    return escalation


@transaction.atomic
def escalation_chase(*, escalation_id: int, actor: AbstractBaseUser) -> int:
    """Send a reminder (催办) to whoever holds the late task; returns how many were told."""
    escalation = _escalation(escalation_id)
    if not _may_handle(actor, escalation):
        raise Forbidden(_("this escalation is addressed to someone else"))
    if escalation.closed_at is not None:
        raise Conflict(_("the escalation is closed; its task is done"))
    # an escalation on a subprocess concerns whatever is open in the instance right now
    tasks = [escalation.human_task] if escalation.human_task and escalation.human_task.state == "ready" else list(
        escalation.instance.human_tasks.filter(state="ready"))
    people = []
    for task in tasks:
        people += [task.assignee] if task.assignee_id else holders(task.candidate_unit_id, task.candidate_role)
    told = notify(users=people, kind=NotificationKind.ESCALATION, template=ESCALATION_TEMPLATES["chase"],
                  task=tasks[0] if tasks else None, params={"task": escalation.name},
                  link=f"/tasks/{tasks[0].pk}/" if tasks else "")
    audit_record(action=AuditAction.CHASED, actor=actor, instance=escalation.instance,
                 detail={"escalation": escalation.pk, "told": told})
    return told


@dataclass(frozen=True)
class ChaseResult:
    chased: int  # escalations chased
    told: int  # people reminded
    skipped: int  # closed meanwhile, or gone


def escalations_chase(*, escalation_ids: list[int], actor: AbstractBaseUser) -> ChaseResult:
    """The office chases many late schools at once: each escalation as ``escalation_chase`` (its own
    transaction and audit event); one closed meanwhile is skipped, not an error."""
    if not is_office(actor):
        raise Forbidden(_("only the office chases many schools at once"))
    chased = told = skipped = 0
    for escalation_id in escalation_ids:
        try:
            told += escalation_chase(escalation_id=escalation_id, actor=actor)
            chased += 1
        except (Conflict, NotFound):
            skipped += 1
    return ChaseResult(chased=chased, told=told, skipped=skipped)
