"""Who sees what: the office and the leading group see all; others their units, below them,
the work items their department is responsible for, and their own tasks."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from workflows.org.models import Membership, Unit, UnitKind
from workflows.org.roles import is_office
from workflows.processes.models import AuditEvent, Escalation, HumanTask, ProcessInstance

from .models import ReportingCycle, WorkItemDepartment


def sees_everything(user: AbstractBaseUser) -> bool:
    if not user.is_authenticated:
        return False
    if is_office(user):
        return True
    cached = getattr(user, "_duban_leading_group", None)
    if cached is None:
        cached = Membership.objects.filter(user=user, unit__kind=UnitKind.LEADING_GROUP).exists()
        user._duban_leading_group = cached
    return cached


def units_in_scope(user: AbstractBaseUser) -> set[int]:
    """The user's units and every unit below them."""
    cached = getattr(user, "_duban_units", None)
    if cached is not None:
        return cached
    found = set(Membership.objects.filter(user=user).values_list("unit_id", flat=True))
    frontier = set(found)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    user._duban_units = found
    return found


def _responsibilities(user: AbstractBaseUser) -> tuple[list[int], list[int]]:
    units = Membership.objects.filter(user=user).values_list("unit_id", flat=True)
    items = list(WorkItemDepartment.objects.filter(unit_id__in=units).values_list("work_item_id", flat=True))
    cycles = list(ReportingCycle.objects.filter(plan__work_items__in=items).values_list("pk", flat=True).distinct())
    return items, cycles


def instance_scope(user: AbstractBaseUser) -> Q:
    """A filter on ProcessInstance for what the user may see."""
    if sees_everything(user):
        return Q()
    items, cycles = _responsibilities(user)
    return (Q(unit_id__in=units_in_scope(user)) | Q(refs__work_item__in=items) | Q(refs__cycle__in=cycles)
            | Q(started_by=user) | Q(human_tasks__assignee=user))


def instances_visible(user: AbstractBaseUser) -> QuerySet[ProcessInstance]:
    rows = ProcessInstance.objects.all()
    return rows if sees_everything(user) else rows.filter(pk__in=ProcessInstance.objects.filter(
        instance_scope(user)).values("pk"))


def tasks_visible(user: AbstractBaseUser) -> QuerySet[HumanTask]:
    rows = HumanTask.objects.all()
    if sees_everything(user):
        return rows
    return rows.filter(Q(assignee=user) | Q(candidate_unit_id__in=units_in_scope(user))
                       | Q(instance__in=instances_visible(user)))


def escalations_visible(user: AbstractBaseUser) -> QuerySet[Escalation]:
    rows = Escalation.objects.all()
    if sees_everything(user):
        return rows
    return rows.filter(Q(target_unit_id__in=units_in_scope(user)) | Q(instance__in=instances_visible(user)))


def audit_visible(user: AbstractBaseUser) -> QuerySet[AuditEvent]:
    rows = AuditEvent.objects.all()
    if sees_everything(user):
        return rows
    return rows.filter(Q(actor=user) | Q(instance_id__in=instances_visible(user).values("pk")))


def task_in_scope(user: AbstractBaseUser, task: HumanTask) -> bool:
    """Visibility hook for the process services: the same scope the API lists show."""
    return sees_everything(user) or instances_visible(user).filter(pk=task.instance_id).exists()


def bulletins_visible(user: AbstractBaseUser) -> QuerySet:
    """Drafts to the office and the leading group; published ones to every unit that received them."""
    from .models import Bulletin, BulletinStatus

    rows = Bulletin.objects.select_related("cycle__plan")
    if sees_everything(user):
        return rows
    units = Membership.objects.filter(user=user).values_list("unit_id", flat=True)
    return rows.filter(status=BulletinStatus.PUBLISHED, receipts__unit_id__in=units).distinct()


def people_visible(user: AbstractBaseUser) -> QuerySet:
    """The office and the leading group: everyone; others: the people of their units and the units
    below them (a school its own staff, a department its own), and themselves."""
    rows = get_user_model().objects.all()
    if sees_everything(user):
        return rows
    members = Membership.objects.filter(unit_id__in=units_in_scope(user)).values("user_id")
    return rows.filter(Q(pk=user.pk) | Q(pk__in=members))


def memberships_visible(user: AbstractBaseUser) -> QuerySet[Membership]:
    """Who holds which role where, as far as ``people_visible``: the memberships of the units in scope
    (and the user's own)."""
    rows = Membership.objects.all()
    if sees_everything(user):
        return rows
    return rows.filter(Q(user=user) | Q(unit_id__in=units_in_scope(user)))


def extensions_visible(user: AbstractBaseUser) -> QuerySet:
    """Extension requests: all to the office and the leading group; to others, their schools' requests and
    those of the plans whose requests their department decides."""
    from .models import ReportExtension

    rows = ReportExtension.objects.select_related("report__school", "report__quarter__cycle__plan", "asked_by",
                                                  "decided_by")
    if sees_everything(user):
        return rows
    units = units_in_scope(user)
    decided_by_them = Q(report__quarter__cycle__plan__extensions_decided_by__in=units)
    return rows.filter(Q(report__school_id__in=units) | decided_by_them)
