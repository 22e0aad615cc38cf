"""The office adds a school to a plan or takes one out (撤并); quarters keep the rosters they had."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.org.models import Unit
from workflows.processes.audit import audit_record
from workflows.processes.errors import Conflict, Invalid
from workflows.processes.models import AuditAction
from workflows.processes.services.instances import instance_terminate

from ..models import CycleQuarter, Plan, QuarterlyReport, ReportStatus
from .extensions import extensions_lapse
from .seed import SCHOOL_KINDS


@transaction.atomic
def plan_school_add(*, plan_id: int, unit_id: int, actor: AbstractBaseUser | None) -> Plan:
    """The school joins the plan: the quarters still open give it a report at the scheduler's next tick;
    a quarter that closed before it joined never counts it."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    school = Unit.objects.get(pk=unit_id)
    if school.kind not in SCHOOL_KINDS:
        raise Invalid(_("%(school)s is not a school") % {"school": school.name},
                      {"unit": [_("a school or kindergarten")]})
    if plan.schools.filter(pk=school.pk).exists():
        raise Conflict(_("%(school)s is already in the plan") % {"school": school.name})
    plan.schools.add(school)
    audit_record(action=AuditAction.PLAN_SCHOOL_ADDED, actor=actor, detail={"plan": plan.code, "school": school.code})
    return plan


@transaction.atomic
def plan_school_remove(*, plan_id: int, unit_id: int, actor: AbstractBaseUser | None, reason: str = "") -> int:
    """The school leaves the plan (closed or merged): its pending reports in open quarters are cancelled,
    not missing; the quarters it reported for, or closed before, keep it. Returns the reports cancelled."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    school = Unit.objects.get(pk=unit_id)
    if not plan.schools.filter(pk=school.pk).exists():
        raise Conflict(_("%(school)s is not in the plan") % {"school": school.name})
    plan.schools.remove(school)
    open_quarters = CycleQuarter.objects.filter(cycle__plan=plan, closed_at__isnull=True)
    pending = list(QuarterlyReport.objects.select_for_update().filter(
        quarter__in=open_quarters, school=school, status=ReportStatus.PENDING))
    for report in pending:
        _cancel(report, actor, reason or f"{school.name} left the plan")
    audit_record(action=AuditAction.PLAN_SCHOOL_REMOVED, actor=actor, detail={
        "plan": plan.code, "school": school.code, "reason": reason[:500], "reports_cancelled": len(pending)})
    return len(pending)


def _cancel(report: QuarterlyReport, actor, reason: str) -> None:
    from ..tasks import close_quarter_if_done

    report.status = ReportStatus.CANCELLED
    report.save(update_fields=["status"])
    extensions_lapse(report=report)
    if report.instance_id is not None:
        instance_terminate(instance_id=report.instance_id, actor=actor, reason=reason)
    # the school may have been the last one the quarter waited for
    transaction.on_commit(lambda quarter_id=report.quarter_id: close_quarter_if_done.delay(quarter_id))


@transaction.atomic
def plan_schools_add(*, plan_id: int, unit_ids: list[int], actor: AbstractBaseUser | None) -> int:
    """The chosen schools join the plan (those already in it are left as they are); returns how many joined."""
    if not unit_ids:
        raise Invalid(_("Choose the schools to add."), {"schools": [_("Choose at least one school.")]})
    joining = Unit.objects.filter(pk__in=unit_ids, kind__in=SCHOOL_KINDS).exclude(school_plans=plan_id)
    added = [plan_school_add(plan_id=plan_id, unit_id=unit.pk, actor=actor) for unit in joining.order_by("code")]
    return len(added)
