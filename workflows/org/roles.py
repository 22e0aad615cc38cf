"""Resolve BPMN lanes to roles and units, and decide who may act where."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from .models import Membership, Role, Unit, UnitKind

_LABELS = {
    "领导": Role.LEADER, "组长": Role.LEADER, "副组长": Role.DEPUTY, "成员": Role.MEMBER,
    "办公室主任": Role.OFFICE_DIRECTOR, "办公室": Role.OFFICE_DIRECTOR, "office": Role.OFFICE_DIRECTOR,
    "股室负责人": Role.DEPARTMENT_HEAD, "department": Role.DEPARTMENT_HEAD, "校长": Role.PRINCIPAL,
    "园长": Role.PRINCIPAL, "联络员": Role.LIAISON, "school": Role.LIAISON, "工作人员": Role.STAFF,
}


def role_for_lane(lane: str) -> str:
    """A lane names a role: by its code (``liaison``), its label (``联络员``) or a common alias."""
    text = (lane or "").strip()
    if not text:
        return ""
    lowered = text.lower().replace(" ", "_").replace("-", "_")
    if lowered in Role.values:
        return lowered
    return _LABELS.get(text, _LABELS.get(lowered, lowered))


def unit_for_role(role: str, unit: Unit | None) -> Unit | None:
    """The nearest unit where someone holds ``role`` (multi-level linkage).

    Walk up from ``unit``; at each level take the level itself if someone there holds the role,
    else the one child unit of that level, of another kind than ``unit``, that has holders (the
    office beside the schools; never a peer school). Two or more such children are ambiguous, so
    the walk goes on upwards; with no holder anywhere the instance's own unit is the candidate.
    """
    if unit is None:
        return None
    if not role:
        return unit
    chain = unit.ancestors_and_self()
    holders = Membership.objects.filter(role=role).filter(
        models.Q(unit__in=chain) | models.Q(unit__parent__in=chain)
    ).values_list("unit_id", "unit__parent_id", "unit__kind")
    in_chain = {unit_id for unit_id, _, _ in holders}
    children_by_parent: dict[int, set[int]] = {}
    for unit_id, parent_id, kind in holders:
        if kind != unit.kind:
            children_by_parent.setdefault(parent_id, set()).add(unit_id)
    for level in chain:
        if level.pk in in_chain:
            return level
        children = children_by_parent.get(level.pk, set()) - {u.pk for u in chain}
        if len(children) == 1:
            return Unit.objects.get(pk=children.pop())
    return unit


def is_office(user: AbstractBaseUser) -> bool:
    """The leading group's office (and system administrators) may act on every task.

    Remembered on the user object, so one request asks the database once.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_duban_is_office", None)
    if cached is None:
        cached = Membership.objects.filter(user=user, unit__kind=UnitKind.OFFICE).exists()
        user._duban_is_office = cached
    return cached


def holds(user: AbstractBaseUser, *, unit_id: int | None, role: str) -> bool:
    """Does the user hold ``role`` (any role if blank) in ``unit_id`` (anywhere if None)?"""
    if not user.is_authenticated:
        return False
    memberships = Membership.objects.filter(user=user)
    if unit_id is not None:
        memberships = memberships.filter(unit_id=unit_id)
    if role:
        memberships = memberships.filter(role=role)
    return memberships.exists()
