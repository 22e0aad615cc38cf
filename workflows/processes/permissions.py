"""Who may see and act on a human task (the API maps 'cannot see' to 404, 'cannot act' to 403)."""
from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Value

from workflows.org.models import Membership, UnitKind
from workflows.org.roles import is_office, office_or_holds, remember_office

from .models import HumanTask

__all__ = ["annotate_actor_scope", "can_act_on", "can_see", "is_office", "register_visibility"]

VisibilityHook = Callable[[AbstractBaseUser, HumanTask], bool]
_hooks: list[VisibilityHook] = []


def register_visibility(hook: VisibilityHook) -> None:
    """Let another app widen who may see a task (e.g. departments see the schools' work on their items)."""
    if hook not in _hooks:
        _hooks.append(hook)


def annotate_actor_scope(tasks: QuerySet[HumanTask], user_id: int) -> QuerySet[HumanTask]:
    """The tasks, each also saying whether the user (authenticated, not a superuser) is in the office
    and holds its candidate role in its candidate unit: ``can_act_on`` then answers from the row."""
    mine = Membership.objects.filter(user_id=user_id)
    return tasks.annotate(
        scope_user_id=Value(user_id, output_field=IntegerField()),
        actor_in_office=Exists(mine.filter(unit__kind=UnitKind.OFFICE)),
        actor_holds=Exists(mine.filter(unit_id=OuterRef("candidate_unit_id"), role=OuterRef("candidate_role"))),
    )


def can_act_on(user: AbstractBaseUser, task: HumanTask) -> bool:
    """The assignee, a holder of the candidate role in the candidate unit, or the office."""
    if not user.is_authenticated:
        return False
    if task.assignee_id == user.pk:
        return True
    if task.candidate_unit_id is None and not task.candidate_role:
        return is_office(user)
    if getattr(task, "scope_user_id", None) == user.pk and task.candidate_unit_id is not None \
            and task.candidate_role:  # read with the task for this user (``annotate_actor_scope``)
        remember_office(user, task.actor_in_office)
        return task.actor_in_office or task.actor_holds
    return office_or_holds(user, unit_id=task.candidate_unit_id, role=task.candidate_role)


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
