"""The half-year bulletin: draft from the quarter summaries, edit, submit, approve or return, publish."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import notify
from workflows.org.models import Unit
from workflows.org.roles import is_office
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.processes.models import HumanTaskState
from workflows.processes.services.human_tasks import human_task_complete

from ..calendar import LOCAL
from ..documents.types import BulletinDocument, BulletinSection
from ..models import Bulletin, BulletinReceipt, BulletinStatus, Plan, ReportingCycle
from ..summary import LATE, MISSING, quarterly_summary
from .bulletin_edits import checked_field as _checked_field
from .bulletin_edits import checked_sections
from .bulletin_text import Answer, bulletin_answers, draft_sections

EDITABLE = (BulletinStatus.DRAFT, BulletinStatus.RETURNED)


def _cycle_task(cycle: ReportingCycle, bpmn_id: str):
    task = cycle_ready_task(cycle, bpmn_id)
    if task is None:
        raise Conflict(_("the cycle is not at the step %(step)s") % {"step": repr(bpmn_id)})
    return task


def cycle_ready_task(cycle: ReportingCycle, bpmn_id: str):
    """The cycle instance's ready task at ``bpmn_id``, or None (one query)."""
    if not cycle.instance_id:
        return None
    return cycle.instance.human_tasks.filter(bpmn_id=bpmn_id, state=HumanTaskState.READY).first()


def bulletin_draftable(cycle: ReportingCycle) -> bool:
    """Whether the cycle is at its draft_bulletin step (both quarters closed, no bulletin sent on)."""
    return cycle_ready_task(cycle, "draft_bulletin") is not None


@transaction.atomic
def bulletin_draft(*, cycle_id: int, actor: AbstractBaseUser, quotes: list[str] | None = None) -> Bulletin:
    """Build (or rebuild, while still a draft) the bulletin from the cycle's quarter summaries.

    ``quotes`` are the keys of the school answers the office picked (bulletin_answers); None quotes the
    first few. A rebuild keeps the office's header and record fields and the document number.
    """
    if not is_office(actor):
        raise Forbidden(_("only the office drafts bulletins"))
    cycle = ReportingCycle.objects.select_related("plan__bureau", "instance").filter(pk=cycle_id).first()
    if cycle is None:
        raise NotFound(_("cycle %(id)s does not exist") % {"id": cycle_id})
    bulletin = Bulletin.objects.select_for_update().filter(cycle=cycle).first()
    if bulletin is not None and bulletin.status not in EDITABLE:
        raise Conflict(_("The bulletin is %(status)s; it can no longer be redrafted.")
                       % {"status": bulletin.get_status_display()})
    if not bulletin_draftable(cycle):
        raise Conflict(_("The cycle is not at the bulletin step yet: the bulletin is drafted once both "
                         "quarters are closed."))
    summaries = [quarterly_summary(quarter=q) for q in cycle.quarters.order_by("quarter") if q.opened_at]
    late = sorted({r.school for s in summaries for r in s.rows if r.status == LATE})
    missing = sorted({r.school for s in summaries for r in s.rows if r.status == MISSING})
    half = "上半年" if cycle.half == 1 else "下半年"
    fields = {
        "title": f"关于{cycle.year}年{half}{cycle.plan.title}落实情况的通报",
        "sections": draft_sections(cycle=cycle, summaries=summaries, late=late, missing=missing, quotes=quotes),
        "late_units": late, "missing_units": missing, "status": BulletinStatus.DRAFT,
    }
    if bulletin is None:
        return Bulletin.objects.create(cycle=cycle, **fields, **plan_record_fields(cycle.plan))
    for name, value in fields.items():
        setattr(bulletin, name, value)
    bulletin.save()
    return bulletin


def bulletin_quotable(*, cycle: ReportingCycle, actor: AbstractBaseUser) -> list[Answer]:
    """The school answers the office may pick for the draft's 主要做法 and 存在问题 (office only)."""
    if not is_office(actor):
        raise Forbidden(_("only the office drafts bulletins"))
    return bulletin_answers(cycle=cycle)


def plan_record_fields(plan: Plan) -> dict:
    """A new bulletin's 主送, 抄送 and 印发机关, from its plan."""
    issuer = plan.issuer or plan.bureau.name
    return {"addressees": plan.addressees, "copy_to": plan.copy_to, "printed_by": plan.printed_by or f"{issuer}办公室"}


@transaction.atomic
def bulletin_update(*, bulletin_id: int, actor: AbstractBaseUser, sections: list | None = None,
                    **fields: object) -> Bulletin:
    """The office edits a draft (or returned) bulletin: title, document number, sections, 主送, 抄送, 印发.

    ``fields`` are among TEXT_FIELDS (strings) and printed_on (a date or None); paragraphs are kept as
    typed, split only at blank lines, so what the editor shows saves back unchanged.
    """
    bulletin = _locked(bulletin_id)
    if not is_office(actor):
        raise Forbidden(_("only the office edits bulletins"))
    if bulletin.status not in EDITABLE:
        raise Conflict(_("The bulletin is %(status)s and cannot be edited.")
                       % {"status": bulletin.get_status_display()})
    if sections is not None:
        bulletin.sections = checked_sections(sections)
    for name, value in fields.items():
        setattr(bulletin, name, _checked_field(name, value))
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_submit(*, bulletin_id: int, actor: AbstractBaseUser) -> Bulletin:
    """The office sends the draft to a leader (completes the cycle's draft step)."""
    bulletin = _locked(bulletin_id)
    if not is_office(actor):
        raise Forbidden(_("only the office submits bulletins"))
    if bulletin.status not in EDITABLE:
        raise Conflict(_("the bulletin is %(status)s") % {"status": bulletin.get_status_display()})
    if not bulletin.document_number:
        raise Invalid(_("give the bulletin its document number first"), {"document_number": [_("required")]})
    human_task_complete(task_id=_cycle_task(bulletin.cycle, "draft_bulletin").pk, actor=actor,
                        data={"bulletin_id": bulletin.pk})
    bulletin.status = BulletinStatus.SUBMITTED
    bulletin.return_comment = ""
    bulletin.save(update_fields=["status", "return_comment"])
    return bulletin


@transaction.atomic
def bulletin_decide(*, bulletin_id: int, actor: AbstractBaseUser, decision: str, comment: str = "") -> Bulletin:
    """A leader approves (and so publishes) or returns the bulletin with a comment."""
    bulletin = _locked(bulletin_id)
    if bulletin.status != BulletinStatus.SUBMITTED:
        raise Conflict(_("the bulletin is %(status)s, not awaiting approval")
                       % {"status": bulletin.get_status_display()})
    human_task_complete(task_id=_cycle_task(bulletin.cycle, "approve_bulletin").pk, actor=actor,
                        data={"decision": decision, "comment": comment})
    if decision == "approve":
        bulletin.approved_by = actor
        _publish(bulletin)
    else:
        bulletin.status = BulletinStatus.RETURNED
        bulletin.return_comment = comment
    bulletin.save()
    return bulletin


def _locked(bulletin_id: int) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update(of=("self",)).select_related("cycle__plan", "cycle__instance") \
        .filter(pk=bulletin_id).first()
    if bulletin is None:
        raise NotFound(_("bulletin %(id)s does not exist") % {"id": bulletin_id})
    return bulletin


def _publish(bulletin: Bulletin) -> None:
    from ..documents.bulletin_docx import render_bulletin_docx

    now = timezone.now()
    bulletin.status = BulletinStatus.PUBLISHED
    bulletin.published_at = now
    bulletin.docx = render_bulletin_docx(bulletin_document(bulletin))
    units = _units_under(bulletin.cycle.plan.bureau)
    BulletinReceipt.objects.bulk_create([BulletinReceipt(bulletin=bulletin, unit=u) for u in units],
                                        ignore_conflicts=True)
    readers = get_user_model().objects.filter(memberships__unit__in=units).distinct()
    notify(users=readers, kind=NotificationKind.BULLETIN, template=gettext_noop("Bulletin: %(title)s"),
           params={"title": bulletin.title}, link=f"/bulletins/{bulletin.pk}/")


def bulletin_document(bulletin: Bulletin) -> BulletinDocument:
    """The bulletin as the plain data the DOCX renderer takes."""
    plan = bulletin.cycle.plan
    day = (bulletin.published_at or timezone.now()).astimezone(LOCAL).date()
    issuer = plan.issuer or plan.bureau.name
    return BulletinDocument(
        issuer=issuer, document_number=bulletin.document_number, title=bulletin.title,
        addressees=bulletin.addressees or plan.addressees or "各有关单位：",
        sections=tuple(BulletinSection(heading=s["heading"], paragraphs=tuple(s["paragraphs"]))
                       for s in bulletin.sections),
        signature=issuer, date=day, copied_to=bulletin.copy_to,
        printed_by=bulletin.printed_by or plan.printed_by or f"{issuer}办公室", printed_on=bulletin.printed_on or day,
    )


def _units_under(root: Unit) -> list[Unit]:
    found, frontier, seen = [root], [root], {root.pk}
    while frontier:  # the seen set keeps a (mis-entered) loop in the tree from running forever
        frontier = [u for u in Unit.objects.filter(parent__in=frontier) if u.pk not in seen]
        seen.update(u.pk for u in frontier)
        found.extend(frontier)
    return found

