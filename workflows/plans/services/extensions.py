"""Extensions on quarterly reports (延期申请): a school asks before its due moment, with a reason; the
office (or the department the plan names) grants a new due date or refuses with a reason.

A grant moves the report's due moment in force and, in the running report, the moments of its
reminder, chase and supervision timers and its tasks' due dates (the light); a refusal leaves them.
A rung of the ladder already raised stays in the record; a grant closes the chase and supervision
still open, since the report is no longer overdue.
"""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workflows.engine import EngineError
from workflows.notifications.models import NotificationKind
from workflows.notifications.services import notify
from workflows.org.models import Role
from workflows.org.roles import holds, is_office, office_or_holds, unit_for_role
from workflows.processes.audit import audit_batch, audit_record
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.processes.models import AuditAction, Escalation
from workflows.processes.notices import holders
from workflows.processes.projection import Step, snapshots_apply
from workflows.processes.runtime import process_for
from workflows.processes.services.locking import instance_lock, require_active

from ..calendar import LOCAL, WorkingCalendar
from ..models import ExtensionStatus, QuarterlyReport, ReportExtension, ReportStatus
from .deadlines import ladder

REASON_MAX = 2000
_CLEARED_BY_GRANT = ("chase", "supervise")


@transaction.atomic
def extension_ask(*, report_id: int, actor: AbstractBaseUser, due_on: dt.date, reason: str) -> ReportExtension:
    """The school's liaison or principal asks for the report to be due on ``due_on`` instead."""
    report = _locked_report(report_id)
    if not _works_on(actor, report):  # the API and pages answer 404 first where the report is out of scope
        raise Forbidden(_("Only the school's liaison or principal asks for an extension."))
    now = timezone.now()
    if report.status != ReportStatus.PENDING:
        raise Conflict(_("The report is no longer pending."))
    if now >= report.due_at:
        raise Conflict(_("An extension must be asked for before the report is due."))
    if report.extensions.filter(status=ExtensionStatus.PENDING).exists():
        raise Conflict(_("An extension request for this report is already awaiting a decision."))
    reason = (reason or "").strip()
    problems: dict[str, list[str]] = {}
    if not reason or len(reason) > REASON_MAX:
        problems["reason"] = [_("Give a reason.") if not reason else _("At most 2000 characters.")]
    try:
        asked_due = _new_due(report, due_on, field="due_on")
    except Invalid as exc:
        problems.update(exc.details)
    if problems:  # every field's problem at once
        raise Invalid(_("The request is incomplete or wrong."), problems)
    extension = ReportExtension.objects.create(report=report, asked_by=actor, asked_at=now, reason=reason,
                                               due_before=report.due_at, asked_due_at=asked_due)
    audit_record(action=AuditAction.EXTENSION_ASKED, actor=actor, instance=report.instance,
                 detail={"extension": extension.pk, "reason": reason, "due_at": asked_due.isoformat(),
                         "due_before": report.due_at.isoformat()})
    notify(users=_deciders(report), kind=NotificationKind.TASK,
           template=gettext_noop("Extension asked: %(school)s, %(period)s"),
           params={"school": report.school.name, "year": report.quarter.cycle.year,
                   "quarter": report.quarter.quarter},
           link="/console/extensions/")
    return extension


@transaction.atomic
def extension_decide(*, extension_id: int, actor: AbstractBaseUser, grant: bool, due_on: dt.date | None = None,
                     comment: str = "") -> ReportExtension:
    """Grant (with a new due date, by default the one asked for) or refuse (with a reason)."""
    extension = ReportExtension.objects.select_related("report").filter(pk=extension_id).first()
    if extension is None:
        raise NotFound(_("No such extension request."))
    report = _locked_report(extension.report_id)
    extension = ReportExtension.objects.select_for_update().get(pk=extension_id)
    if not may_decide(actor, report):
        raise Forbidden(_("Only the office, or the department the plan names, decides extension requests."))
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict(_("The request was already decided."))
    comment = (comment or "").strip()
    if len(comment) > REASON_MAX:
        raise Invalid(_("The comment is too long."), {"comment": [_("At most 2000 characters.")]})
    if not grant and not comment:
        raise Invalid(_("Give the reason for the refusal."), {"comment": [_("Give the reason for the refusal.")]})
    if grant:
        due = _new_due(report, due_on, field="due_on") if due_on else extension.asked_due_at
        _move_due(report, due, actor)
        extension.granted_due_at = due
    extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    extension.decided_by, extension.decided_at, extension.comment = actor, timezone.now(), comment
    extension.save(update_fields=["status", "decided_by", "decided_at", "comment", "granted_due_at"])
    audit_record(action=AuditAction.EXTENSION_DECIDED, actor=actor, instance=report.instance,
                 detail={"extension": extension.pk, "decision": extension.status, "comment": comment,
                         "due_at": report.due_at.isoformat()})
    if grant:
        template = gettext_noop("Extension granted: due %(due)s")
        params = {"due": f"{report.due_at.astimezone(LOCAL):%Y-%m-%d %H:%M}"}
    else:
        template, params = gettext_noop("Extension refused: %(reason)s"), {"reason": comment}
    notify(users=[extension.asked_by], kind=NotificationKind.TASK, template=template, params=params,
           link=_report_link(report))
    return extension


def extensions_lapse(*, report: QuarterlyReport) -> int:
    """The report was submitted or cancelled: a request still awaiting a decision lapses."""
    return report.extensions.filter(status=ExtensionStatus.PENDING).update(status=ExtensionStatus.LAPSED,
                                                                          decided_at=timezone.now())


def may_decide(actor: AbstractBaseUser, report: QuarterlyReport) -> bool:
    department = report.quarter.cycle.plan.extensions_decided_by_id
    if department is None:
        return is_office(actor)
    return office_or_holds(actor, unit_id=department, role=Role.DEPARTMENT_HEAD)


def may_ask(actor: AbstractBaseUser, report: QuarterlyReport) -> bool:
    """Whether the person may ask for this report now (the page offers the form then)."""
    return report.status == ReportStatus.PENDING and timezone.now() < report.due_at and _works_on(actor, report) \
        and not report.extensions.filter(status=ExtensionStatus.PENDING).exists()


def _works_on(actor: AbstractBaseUser, report: QuarterlyReport) -> bool:
    return actor.is_authenticated and any(holds(actor, unit_id=report.school_id, role=role)
                                          for role in (Role.LIAISON, Role.PRINCIPAL))


def _locked_report(report_id: int) -> QuarterlyReport:
    """The report, its running instance locked (every change to the report's moments runs under it)."""
    report = QuarterlyReport.objects.select_related("quarter__cycle__plan", "school").filter(pk=report_id).first()
    if report is None or report.instance_id is None:
        raise NotFound(_("No such quarterly report."))
    report.instance = instance_lock(report.instance_id)
    report.refresh_from_db(fields=["status", "due_at"])
    return report


def _new_due(report: QuarterlyReport, day: dt.date | None, *, field: str) -> dt.datetime:
    """The due moment for a new due date: later than the one in force, no later than the quarter closes."""
    if day is None:
        raise Invalid(_("Give the new due date."), {field: [_("Give the new due date.")]})
    due = ladder(report.quarter.cycle.plan, day, WorkingCalendar())["due_at"]
    closes = report.quarter.closes_at
    if due <= report.due_at:
        raise Invalid(_("The new due date must be after the current one."),
                      {field: [_("After %(day)s.") % {"day": f"{report.due_at.astimezone(LOCAL):%Y-%m-%d}"}]})
    if due.astimezone(LOCAL).date() > closes.astimezone(LOCAL).date():
        raise Invalid(_("The new due date must not be after the quarter closes."),
                      {field: [_("On or before %(day)s.") % {"day": f"{closes.astimezone(LOCAL):%Y-%m-%d}"}]})
    return due


def _move_due(report: QuarterlyReport, due: dt.datetime, actor: AbstractBaseUser) -> None:
    """Move the report's moments in its running instance, then its due moment in force."""
    instance = report.instance
    require_active(instance)
    moments = ladder(report.quarter.cycle.plan, due.astimezone(LOCAL).date(), WorkingCalendar())
    moments["due_at"] = due
    try:
        snapshot = process_for(instance.definition).move_moments(instance.state, moments)
    except EngineError as exc:
        raise Conflict(str(exc)) from None
    with audit_batch(instance):
        snapshots_apply([Step(instance, snapshot, actor)])
    if due > timezone.now():
        Escalation.objects.filter(instance=instance, closed_at__isnull=True, code__in=_CLEARED_BY_GRANT).update(
            closed_at=timezone.now())
    report.due_at = due
    report.save(update_fields=["due_at"])


def _deciders(report: QuarterlyReport) -> list:
    department = report.quarter.cycle.plan.extensions_decided_by_id
    if department is not None:
        return holders(department, Role.DEPARTMENT_HEAD)
    office = unit_for_role(Role.OFFICE_DIRECTOR, report.school)
    return holders(office.pk if office else None, Role.OFFICE_DIRECTOR)


def _report_link(report: QuarterlyReport) -> str:
    task = report.instance.human_tasks.filter(state="ready").order_by("created_at").first()
    return f"/tasks/{task.pk}/" if task else ""

