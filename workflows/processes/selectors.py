"""Reads: the inbox and escalation lists are indexed queries on projection rows."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from workflows.compiled import CompiledQuery
from workflows.org.models import Membership
from workflows.org.roles import is_office

from .models import AuditAction, AuditEvent, Escalation, HumanTask, HumanTaskState

# Task lists never need the engine state or the spec: leave those blobs in the database.
LIST_DEFERRED = ("instance__state", "instance__definition__spec", "instance__definition__forms_json")


# Every inbox page reads the person's memberships first: compiled once.
_MEMBERSHIPS = CompiledQuery(lambda user_id: Membership.objects.filter(user_id=user_id).values_list("unit_id", "role"),
                             slots=(int,))


def memberships_of(user_id: int) -> list[tuple[int, str]]:
    """The person's (unit id, role) pairs."""
    return _MEMBERSHIPS(user_id)


def _candidate_filter(memberships: list[tuple[int, str]], roles: list[str]) -> Q:
    candidate = Q(pk__in=[])
    for unit_id, role in memberships:
        candidate |= Q(candidate_unit_id=unit_id, candidate_role__in=[role, ""])
    for role in roles:
        candidate |= Q(candidate_unit__isnull=True, candidate_role=role)
    return candidate


def inbox_for_user(*, user: AbstractBaseUser, include_unit: bool = True) -> QuerySet[HumanTask]:
    """Ready tasks assigned to the user, plus (optionally) unclaimed ones their roles may take."""
    memberships = memberships_of(user.pk) if include_unit else []
    return inbox_of(user.pk, memberships, sorted({role for _, role in memberships}), include_unit=include_unit)


def inbox_of(user_id: int, memberships: list[tuple[int, str]], roles: list[str], *,
             include_unit: bool = True) -> QuerySet[HumanTask]:
    """``inbox_for_user`` for a person's id, memberships and their distinct roles, as given."""
    mine = Q(assignee_id=user_id)
    if include_unit:
        mine |= Q(assignee__isnull=True) & _candidate_filter(memberships, roles)
    return (HumanTask.objects.filter(state=HumanTaskState.READY).filter(mine)
            .select_related("instance__definition", "candidate_unit", "assignee")
            .defer(*LIST_DEFERRED)
            .order_by("due_at", "id"))


def tasks_for_office() -> QuerySet[HumanTask]:
    return HumanTask.objects.filter(state=HumanTaskState.READY).order_by("due_at", "id")


def escalations_open(*, user: AbstractBaseUser) -> QuerySet[Escalation]:
    """Open escalations targeted at the user's units (all of them for the office)."""
    rows = Escalation.objects.filter(closed_at__isnull=True).select_related("human_task", "target_unit")
    if is_office(user):
        return rows.order_by("raised_at")
    units = Membership.objects.filter(user=user).values_list("unit_id", flat=True)
    return rows.filter(target_unit_id__in=list(units)).order_by("raised_at")


def returned_because(*, task: HumanTask) -> str:
    """Why the task was sent back, if the instance's latest decision returned it here: the decision's own
    comment, from the audit. A decision task itself (the second sign-off) shows none."""
    latest = (AuditEvent.objects.filter(instance_id=task.instance_id, action=AuditAction.TASK_COMPLETED,
                                        detail__has_key="decision").order_by("-at", "-id").first())
    if latest is None or latest.detail.get("decision") != "return" or latest.detail.get("bpmn_id") == task.bpmn_id:
        return ""
    return str(latest.detail.get("comment") or "")


def people_matching(*, text: str = "", active: bool | None = None) -> QuerySet:
    """People for the office's list: by name, login or unit name; each with the ready tasks they hold
    (``held``) and their units and roles."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count, Prefetch

    people = get_user_model().objects.all()
    if text.strip():
        words = text.strip()[:100]
        people = people.filter(Q(first_name__icontains=words) | Q(username__icontains=words)
                               | Q(memberships__unit__name__icontains=words)).distinct()
    if active is not None:
        people = people.filter(is_active=active)
    held = Count("assigned_tasks", filter=Q(assigned_tasks__state=HumanTaskState.READY), distinct=True)
    memberships = Prefetch("memberships", Membership.objects.select_related("unit").order_by("unit__code", "role"))
    return people.annotate(held=held).prefetch_related(memberships).order_by("username")


def tasks_held(*, user: AbstractBaseUser) -> QuerySet[HumanTask]:
    """The ready tasks a person holds (assigned or claimed), soonest due first."""
    return (HumanTask.objects.filter(state=HumanTaskState.READY, assignee=user)
            .select_related("instance__definition", "instance__unit", "candidate_unit")
            .defer(*LIST_DEFERRED).order_by("due_at", "id"))


def start_triggers_active() -> list:
    """The start triggers of each process's active version (what a message, signal or timer starts)."""
    from .models import ProcessDefinition, StartTrigger

    newest = {}
    for definition in ProcessDefinition.objects.filter(start_triggers__isnull=False).distinct().order_by(
            "key", F("activated_at").desc(nulls_last=True), "-version").only("pk", "key"):
        newest.setdefault(definition.key, definition.pk)
    return list(StartTrigger.objects.filter(definition_id__in=newest.values()).select_related("definition")
                .order_by("kind", "name", "definition__key"))
