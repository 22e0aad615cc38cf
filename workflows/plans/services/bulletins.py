"""The half-year bulletin: draft from the quarter summaries, edit, submit, approve or return, publish."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from workflows.notifications.models import NotificationKind
from workflows.notifications.services import notify
from workflows.org.models import Unit
from workflows.org.roles import is_office
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.processes.models import HumanTaskState
from workflows.processes.services.human_tasks import human_task_complete

from ..calendar import LOCAL
from ..documents.types import BulletinDocument, BulletinSection
from ..models import Bulletin, BulletinReceipt, BulletinStatus, ReportingCycle
from ..summary import LATE, MISSING, quarterly_summary
from .bulletin_text import draft_sections

EDITABLE = (BulletinStatus.DRAFT, BulletinStatus.RETURNED)


def _cycle_task(cycle: ReportingCycle, bpmn_id: str):
    task = cycle.instance.human_tasks.filter(bpmn_id=bpmn_id, state=HumanTaskState.READY).first() \
        if cycle.instance_id else None
    if task is None:
        raise Conflict(f"the cycle is not at the step {bpmn_id!r}")
    return task


@transaction.atomic
def bulletin_draft(*, cycle_id: int, actor: AbstractBaseUser) -> Bulletin:
    """Build (or rebuild, while still a draft) the bulletin from the cycle's quarter summaries."""
    if not is_office(actor):
        raise Forbidden("only the office drafts bulletins")
    cycle = ReportingCycle.objects.select_related("plan").get(pk=cycle_id)
    bulletin = Bulletin.objects.select_for_update().filter(cycle=cycle).first()
    if bulletin is not None and bulletin.status not in EDITABLE:
        raise Conflict(f"the bulletin is {bulletin.get_status_display()}; it can no longer be redrafted")
    summaries = [quarterly_summary(quarter=q) for q in cycle.quarters.order_by("quarter") if q.opened_at]
    late = sorted({r.school for s in summaries for r in s.rows if r.status == LATE})
    missing = sorted({r.school for s in summaries for r in s.rows if r.status == MISSING})
    half = "上半年" if cycle.half == 1 else "下半年"
    fields = {
        "title": f"关于{cycle.year}年{half}{cycle.plan.title}落实情况的通报",
        "sections": draft_sections(cycle=cycle, summaries=summaries, late=late, missing=missing),
        "late_units": late, "missing_units": missing, "status": BulletinStatus.DRAFT,
    }
    if bulletin is None:
        return Bulletin.objects.create(cycle=cycle, **fields)
    for name, value in fields.items():
        setattr(bulletin, name, value)
    bulletin.save()
    return bulletin


@transaction.atomic
def bulletin_update(*, bulletin_id: int, actor: AbstractBaseUser, title: str | None = None,
                    document_number: str | None = None, sections: list | None = None) -> Bulletin:
    """The office edits a draft (or returned) bulletin."""
    bulletin = _locked(bulletin_id)
    if not is_office(actor):
        raise Forbidden("only the office edits bulletins")
    if bulletin.status not in EDITABLE:
        raise Conflict(f"the bulletin is {bulletin.get_status_display()} and cannot be edited")
    if sections is not None:
        bulletin.sections = _checked_sections(sections)
    if title is not None:
        if not title.strip():
            raise Invalid("the title is empty", {"title": ["required"]})
        bulletin.title = title.strip()[:300]
    if document_number is not None:
        bulletin.document_number = document_number.strip()[:100]
    bulletin.save()
    return bulletin


def _checked_sections(sections: list) -> list:
    ok = isinstance(sections, list) and all(
        isinstance(s, dict) and isinstance(s.get("heading"), str) and s["heading"].strip()
        and isinstance(s.get("paragraphs"), list) and all(isinstance(p, str) for p in s["paragraphs"])
        for s in sections)
    if not ok or not sections:
        raise Invalid("sections must be a list of {heading, paragraphs}", {"sections": ["invalid structure"]})
    return sections


@transaction.atomic
def bulletin_submit(*, bulletin_id: int, actor: AbstractBaseUser) -> Bulletin:
    """The office sends the draft to a leader (completes the cycle's draft step)."""
    bulletin = _locked(bulletin_id)
    if not is_office(actor):
        raise Forbidden("only the office submits bulletins")
    if bulletin.status not in EDITABLE:
        raise Conflict(f"the bulletin is {bulletin.get_status_display()}")
    if not bulletin.document_number:
        raise Invalid("give the bulletin its document number first", {"document_number": ["required"]})
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
        raise Conflict(f"the bulletin is {bulletin.get_status_display()}, not awaiting approval")
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
        raise NotFound(f"bulletin {bulletin_id} does not exist")
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
    notify(users=readers, kind=NotificationKind.BULLETIN, title=f"通报：{bulletin.title}",
           link=f"/bulletins/{bulletin.pk}/")


def bulletin_document(bulletin: Bulletin) -> BulletinDocument:
    """The bulletin as the plain data the DOCX renderer takes."""
    plan = bulletin.cycle.plan
    day = (bulletin.published_at or timezone.now()).astimezone(LOCAL).date()
    return BulletinDocument(
        issuer=plan.issuer or plan.bureau.name, document_number=bulletin.document_number, title=bulletin.title,
        addressees=plan.addressees or "各有关单位：",
        sections=tuple(BulletinSection(heading=s["heading"], paragraphs=tuple(s["paragraphs"]))
                       for s in bulletin.sections),
        signature=plan.issuer or plan.bureau.name, date=day, copied_to="区教育服务乡村振兴工作领导小组成员",
        printed_by=f"{plan.issuer or plan.bureau.name}办公室", printed_on=day,
    )


def _units_under(root: Unit) -> list[Unit]:
    found, frontier, seen = [root], [root], {root.pk}
    while frontier:  # the seen set keeps a (mis-entered) loop in the tree from running forever
        frontier = [u for u in Unit.objects.filter(parent__in=frontier) if u.pk not in seen]
        seen.update(u.pk for u in frontier)
        found.extend(frontier)
    return found

