"""Who may see and act on a human task (the API maps 'cannot see' to 404, 'cannot act' to 403)."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value

from workflows.org.models import Membership, MembershipEnd, UnitKind
from workflows.org.roles import is_office, left_unit, office_or_holds, remember_office

from .models import HumanTask

__all__ = ["annotate_actor_scope", "can_act_on", "can_see", "is_office", "register_visibility"]

VisibilityHook = Callable[[AbstractBaseUser, HumanTask], bool]
_hooks: list[VisibilityHook] = []


def register_visibility(hook: VisibilityHook) -> None:
    """Let another app widen who may see a task (e.g. departments see the schools' work on their items)."""
    if hook not in _hooks:
        _hooks.append(hook)


def annotate_actor_scope(tasks: QuerySet[HumanTask], user_id: int) -> QuerySet[HumanTask]:
    """The tasks, each also saying whether the user (authenticated, not a superuser) is in the office,
    holds its candidate role in its candidate unit, and left that unit: ``can_act_on`` then answers from the row."""
    mine = Membership.objects.filter(user_id=user_id)
    ended = MembershipEnd.objects.filter(user_id=user_id, unit_id=OuterRef("candidate_unit_id"))
    return tasks.annotate(
        scope_user_id=Value(user_id, output_field=IntegerField()),
        actor_in_office=Exists(mine.filter(unit__kind=UnitKind.OFFICE)),
        actor_holds=Exists(mine.filter(unit_id=OuterRef("candidate_unit_id"), role=OuterRef("candidate_role"))),
        actor_ended_here=Exists(ended),
        actor_member_here=Exists(mine.filter(unit_id=OuterRef("candidate_unit_id"))),
    )


def can_act_on(user: AbstractBaseUser, task: HumanTask) -> bool:
    """The assignee (while still in the task's unit), a holder of the candidate role in the candidate
    unit, or the office."""
    if not user.is_authenticated:
        return False
    if task.assignee_id == user.pk and not _assignee_left(user, task):
        return True
    if task.candidate_unit_id is None and not task.candidate_role:
        return is_office(user)
    if getattr(task, "scope_user_id", None) == user.pk and task.candidate_unit_id is not None \
            and task.candidate_role:  # read with the task for this user (``annotate_actor_scope``)
        remember_office(user, task.actor_in_office)
        return task.actor_in_office or task.actor_holds
    return office_or_holds(user, unit_id=task.candidate_unit_id, role=task.candidate_role)


def _assignee_left(user: AbstractBaseUser, task: HumanTask) -> bool:
    """A claim does not outlive the claimer's membership in the task's unit (they left: it is not theirs)."""
    if task.candidate_unit_id is None:
        return False
    if getattr(task, "scope_user_id", None) == user.pk:  # read with the task (``annotate_actor_scope``)
        return task.actor_ended_here and not task.actor_member_here
    return left_unit(user, unit_id=task.candidate_unit_id)


def can_see(user: AbstractBaseUser, task: HumanTask) -> bool:
    """Those who may act, and members of the units above the task's unit (managers in scope)."""
    if can_act_on(user, task):
        return True
    if not user.is_authenticated:
        return False
    unit = task.candidate_unit or task.instance.unit
    if unit is not None:
        above = [u.pk for u in unit.ancestors_and_self()]
        if Membership.objects.filter(user=user, unit_id__in=above).exists():
            return True
    return any(hook(user, task) for hook in _hooks)
