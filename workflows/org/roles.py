"""Resolve BPMN lanes to roles and units, and decide who may act where."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import models

from workflows.compiled import CompiledQuery

from .models import Membership, MembershipEnd, Role, Unit, UnitKind

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
    return units_for_role(role, [unit])[unit.pk]


def units_for_role(role: str, units: list[Unit]) -> dict[int, Unit]:
    """``unit_for_role`` for many units, keyed by their ids: one query per kind of unit, not per unit."""
    return {pk: unit for pk, (unit, _) in candidates_for_role(role, units).items()}


def candidates_for_role(role: str, units: list[Unit]) -> dict[int, tuple[Unit, list | None]]:
    """For each unit (by id): the unit whose holders of ``role`` act (``unit_for_role``), and those holders.

    One query per kind of unit, not per unit: only the holders on the units' chains and in the
    chains' children of another kind are read, so the cost does not grow with the number of peer
    units (a province's schools). The holders come with that query (None: no role, not read).
    """
    if not role:
        return {unit.pk: (unit, None) for unit in units}
    chains = {unit.pk: unit.ancestors_and_self() for unit in units}
    found: dict[int, Unit | int] = {}
    people: dict[int, dict[int, AbstractBaseUser]] = {}
    for kind in {unit.kind for unit in units}:
        of_kind = [unit for unit in units if unit.kind == kind]
        levels = sorted({level.pk for unit in of_kind for level in chains[unit.pk]})
        memberships = _holders_near(role, kind, levels)
        holders = list({(m.unit_id, m.unit.parent_id, m.unit.kind) for m in memberships})
        for membership in memberships:
            people.setdefault(membership.unit_id, {})[membership.user_id] = membership.user
        for unit in of_kind:
            found[unit.pk] = _nearest_holder(unit, chains[unit.pk], holders)
    missing = Unit.objects.in_bulk({pick for pick in found.values() if isinstance(pick, int)})
    picked = {pk: missing[pick] if isinstance(pick, int) else pick for pk, pick in found.items()}
    return {pk: (unit, list(people.get(unit.pk, {}).values())) for pk, unit in picked.items()}


def _holders_on_levels(role: str, kind: str, *levels: int):
    """Memberships in ``role`` at the levels, or at their children of another kind than ``kind``."""
    return Membership.objects.filter(role=role).filter(
        models.Q(unit__in=levels) | (models.Q(unit__parent__in=levels) & ~models.Q(unit__kind=kind))
    ).select_related("user", "unit")


# One unit's chain (a task's or an escalation's unit, on every step) is a few levels: compiled per length.
_ON_CHAIN = {length: CompiledQuery(_holders_on_levels, slots=(str, str) + (int,) * length) for length in range(1, 7)}


def _holders_near(role: str, kind: str, levels: list[int]) -> list[Membership]:
    compiled = _ON_CHAIN.get(len(levels))
    return compiled(role, kind, *levels) if compiled else list(_holders_on_levels(role, kind, *levels))


def _nearest_holder(unit: Unit, chain: list[Unit], holders: list[tuple[int, int | None, str]]) -> Unit | int:
    """The level of the chain, or the id of the one other-kind child of a level, that has holders."""
    chain_ids = {level.pk for level in chain}
    in_chain = {unit_id for unit_id, _, _ in holders if unit_id in chain_ids}
    children_by_parent: dict[int, set[int]] = {}
    for unit_id, parent_id, kind in holders:
        if kind != unit.kind and unit_id not in chain_ids and parent_id in chain_ids:
            children_by_parent.setdefault(parent_id, set()).add(unit_id)
    for level in chain:
        if level.pk in in_chain:
            return level
        children = children_by_parent.get(level.pk, set())
        if len(children) == 1:
            return next(iter(children))
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
        cached = bool(_IN_OFFICE(user.pk))
        user._duban_is_office = cached
    return cached


_IN_OFFICE = CompiledQuery(lambda user_id: Membership.objects.filter(user_id=user_id, unit__kind=UnitKind.OFFICE)
                           .values_list("pk")[:1], slots=(int,))


def remember_office(user: AbstractBaseUser, in_office: bool) -> None:
    """Keep what a query that also read the user's office membership found, as ``is_office`` would."""
    user._duban_is_office = in_office


def office_or_holds(user: AbstractBaseUser, *, unit_id: int | None, role: str) -> bool:
    """``is_office(user) or holds(user, unit_id=…, role=…)``: one query when the office is not known yet."""
    if user.is_superuser or getattr(user, "_duban_is_office", None) is not None:
        return is_office(user) or holds(user, unit_id=unit_id, role=role)
    wanted = models.Q()
    if unit_id is not None:
        wanted &= models.Q(unit_id=unit_id)
    if role:
        wanted &= models.Q(role=role)
    rows = Membership.objects.filter(user=user).filter(models.Q(unit__kind=UnitKind.OFFICE) | wanted)
    found = list(rows.values_list("unit__kind", "unit_id", "role"))
    remember_office(user, any(kind == UnitKind.OFFICE for kind, _, _ in found))
    return user._duban_is_office or any((unit_id is None or unit == unit_id) and (not role or held == role)
                                        for _, unit, held in found)


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


def left_unit(user: AbstractBaseUser, *, unit_id: int | None) -> bool:
    """Did the user's membership in the unit end, with none left there now (one query)?"""
    if unit_id is None or not user.is_authenticated:
        return False
    still_there = Membership.objects.filter(user_id=user.pk, unit_id=unit_id)
    return MembershipEnd.objects.filter(user_id=user.pk, unit_id=unit_id).exclude(models.Exists(still_there)).exists()
