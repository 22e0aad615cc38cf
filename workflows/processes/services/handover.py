"""When someone leaves: a membership ends or a person is deactivated.

Every ready task they hold in the unit they left goes back to the unit's pool (its candidates by
lane role and unit, as when it was created) or to a successor the office names; the candidates
(or the successor) are notified and each task's audit chain says who handed it and why. The ended
membership is kept as a ``MembershipEnd``, so a plan's data file loaded again does not bring it back.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import Notice, notify_many
from workflows.org.models import Membership, MembershipEnd

from ..audit import audit_record
from ..errors import Forbidden, Invalid
from ..models import AuditAction, HumanTask, HumanTaskState
from ..notices import holders
from ..permissions import is_office
from .locking import instance_lock_for_task

MEMBERSHIP_ENDED = "membership_ended"
PERSON_DEACTIVATED = "person_deactivated"
HANDED_OVER = "handed_over"  # the person stays (away for a while, or their work moves to someone else)


@dataclass(frozen=True)
class Handover:
    """How many tasks went back to their unit's pool, and how many to the successor."""

    handed_back: int = 0
    handed_over: int = 0


@transaction.atomic
def membership_end(*, membership: Membership, actor: AbstractBaseUser | None, successor: AbstractBaseUser | None = None,
                   reason: str = "") -> Handover:
    """End a membership (kept as ended) and hand the tasks the person holds in that unit back or over."""
    _check(actor, membership.user, successor)
    leaving = membership.user
    MembershipEnd.objects.create(user=leaving, unit_id=membership.unit_id, role=membership.role, reason=reason[:300],
                                 ended_by=actor if actor is not None and actor.is_authenticated else None)
    membership.delete()
    audit_record(action=AuditAction.MEMBERSHIP_ENDED, actor=actor,
                 detail={"person": leaving.get_username(), "unit": membership.unit.code, "role": membership.role,
                         "reason": reason[:300]})
    still_held = list(Membership.objects.filter(user=leaving, unit_id=membership.unit_id)
                      .values_list("role", flat=True))
    tasks = HumanTask.objects.filter(state=HumanTaskState.READY, assignee=leaving, candidate_unit_id=membership.unit_id)
    if still_held:  # a task of a role the person still holds there stays theirs
        tasks = tasks.exclude(candidate_role__in=still_held)
    return _hand_over(list(tasks.values_list("pk", flat=True)), leaving=leaving, actor=actor, successor=successor,
                      why=MEMBERSHIP_ENDED, reason=reason)


@transaction.atomic
def person_deactivate(*, user: AbstractBaseUser, actor: AbstractBaseUser | None,
                      successor: AbstractBaseUser | None = None, reason: str = "") -> Handover:
    """Deactivate a person (no sign-in, tokens revoked) and hand every ready task they hold back or over.

    Their memberships stay, so reactivating them restores their roles; a deactivated holder is
    nobody's candidate to notify.
    """
    _check(actor, user, successor)
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(action=AuditAction.PERSON_DEACTIVATED, actor=actor,
                     detail={"person": user.get_username(), "reason": reason[:300]})
    tasks = HumanTask.objects.filter(state=HumanTaskState.READY, assignee=user)
    return _hand_over(list(tasks.values_list("pk", flat=True)), leaving=user, actor=actor, successor=successor,
                      why=PERSON_DEACTIVATED, reason=reason)


@transaction.atomic
def tasks_hand_over(*, leaving: AbstractBaseUser, actor: AbstractBaseUser | None,
                    successor: AbstractBaseUser | None = None, task_ids: list[int] | None = None,
                    reason: str = "") -> Handover:
    """Hand the ready tasks a person holds (all of them, or the chosen ones) to a successor, or back to
    their units' pools, while the person stays: an absence, or work moving to someone else."""
    _check(actor, leaving, successor)
    tasks = HumanTask.objects.filter(state=HumanTaskState.READY, assignee=leaving)
    if task_ids is not None:
        tasks = tasks.filter(pk__in=task_ids)
    return _hand_over(list(tasks.values_list("pk", flat=True)), leaving=leaving, actor=actor, successor=successor,
                      why=HANDED_OVER, reason=reason)


@transaction.atomic
def person_reactivate(*, user: AbstractBaseUser, actor: AbstractBaseUser | None) -> None:
    """Let a deactivated person sign in again; the roles they kept are theirs again."""
    _check(actor, user, None)
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(action=AuditAction.PERSON_REACTIVATED, actor=actor, detail={"person": user.get_username()})


def _check(actor: AbstractBaseUser | None, leaving: AbstractBaseUser, successor: AbstractBaseUser | None) -> None:
    # The office, through the API; staff, through the admin (where Django's permissions decide).
    if actor is not None and not (is_office(actor) or getattr(actor, "is_staff", False)):
        raise Forbidden(_("only the office ends memberships and deactivates people"))
    if successor is None:
        return
    if successor.pk == leaving.pk:
        raise Invalid(_("the successor is the person leaving"), {"successor": [_("name someone else")]})
    if not successor.is_active:
        raise Invalid(_("%(name)s is deactivated") % {"name": successor},
                      {"successor": [_("this person is deactivated")]})


def _hand_over(task_ids: list[int], *, leaving: AbstractBaseUser, actor: AbstractBaseUser | None,
               successor: AbstractBaseUser | None, why: str, reason: str) -> Handover:
    """Each task under its instance's lock (in id order): still ready and still theirs, it changes hands."""
    notices: list[Notice] = []
    for task_id in sorted(task_ids):
        instance = instance_lock_for_task(task_id)
        task = HumanTask.objects.get(pk=task_id)
        if task.state != HumanTaskState.READY or task.assignee_id != leaving.pk:
            continue  # completed or handed on meanwhile
        task.assignee = successor
        task.claimed_at = timezone.now() if successor is not None else None
        task.save(update_fields=["assignee", "claimed_at"])
        audit_record(action=AuditAction.REASSIGNED if successor is not None else AuditAction.UNCLAIMED,
                     actor=actor, instance=instance, task_guid=str(task.task_guid),
                     detail={"from": leaving.get_username(), "to": successor.get_username() if successor else "",
                             "reason": why, "note": reason[:300]})
        notices.append(_notice(task, leaving, successor))
    notify_many(notices)
    handed = len(notices)
    return Handover(handed_back=0, handed_over=handed) if successor is not None else Handover(handed_back=handed)


def _notice(task: HumanTask, leaving: AbstractBaseUser, successor: AbstractBaseUser | None) -> Notice:
    # Shown in each reader's language (and mailed in the site's), not in the office's browser's.
    template = gettext_noop("Handed over to you: %(task)s") if successor is not None \
        else gettext_noop("Back in your unit's pool: %(task)s")
    people = [successor] if successor is not None else [
        person for person in holders(task.candidate_unit_id, task.candidate_role)
        if person.pk != leaving.pk and person.is_active]
    return Notice(users=people, kind=NotificationKind.TASK, template=template, task=task, link=f"/tasks/{task.pk}/")
