"""Bulletins: the office picks what to quote and drafts, edits and submits; a leader approves or returns."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.org.roles import is_office
from workflows.plans.models import BulletinReceipt, ReportingCycle
from workflows.plans.scope import bulletins_visible as visible_bulletins
from workflows.plans.services import bulletins as svc
from workflows.plans.services.bulletin_edits import TEXT_FIELDS, body_of, paragraphs_of
from workflows.plans.services.bulletin_text import DEFAULT_QUOTES, PRACTICE, PROBLEMS

from .common import attempt
from .filters import BulletinSections, bad_request


@login_required
def bulletins(request):
    rows = visible_bulletins(request.user).order_by("-id")
    return render(request, "web/bulletins.html", {"rows": rows})


@login_required
def bulletin_draft(request, cycle: int):
    """GET: the schools' answers to tick (the first few of each kind ticked); POST: build the draft."""
    if request.method == "POST":
        holder = {}
        quotes = request.POST.getlist("quote") if request.POST.get("picked") else None
        ok, _errors = attempt(request, lambda: holder.update(
            b=svc.bulletin_draft(cycle_id=cycle, actor=request.user, quotes=quotes)),
            _("Draft built from the quarter summaries."))
        if ok:
            return redirect("web:bulletin", pk=holder["b"].pk)
        return redirect("web:progress", pk=cycle)
    row = get_object_or_404(ReportingCycle.objects.select_related("plan", "instance"), pk=cycle)
    if not is_office(request.user):
        raise PermissionDenied(_("Only the office drafts bulletins."))
    answers = svc.bulletin_quotable(cycle=row, actor=request.user)
    practices = [a for a in answers if a.field == PRACTICE]
    problems = [a for a in answers if a.field == PROBLEMS]
    ticked = {a.key for a in practices[:DEFAULT_QUOTES] + problems[:DEFAULT_QUOTES]}
    return render(request, "web/bulletin_draft.html", {"cycle": row, "draftable": svc.bulletin_draftable(row),
                                                       "ticked": ticked, "practices": practices, "problems": problems})


def _sections_from_post(post, count: int) -> list[dict]:
    sections = []
    for i in range(count):
        heading = post.get(f"heading_{i}", "").strip()
        if heading:
            sections.append({"heading": heading, "paragraphs": paragraphs_of(post.get(f"body_{i}", ""))})
    return sections


def _save(request, pk: int) -> tuple[bool, dict]:
    counted = BulletinSections(request.POST)
    if not counted.is_valid():
        return False, {"form": counted}
    fields = {name: request.POST.get(name, "") for name in TEXT_FIELDS}
    sections = _sections_from_post(request.POST, counted.cleaned_data["section_count"])
    return attempt(request, lambda: svc.bulletin_update(
        bulletin_id=pk, actor=request.user, sections=sections, printed_on=counted.cleaned_data["printed_on"],
        **fields), _("Saved."))


@login_required
def bulletin(request, pk: int):
    bulletin = visible_bulletins(request.user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404(_("No such bulletin."))
    errors = {}
    if request.method == "POST":
        action, user = request.POST.get("action"), request.user
        if action == "save":
            _ok, errors = _save(request, pk)
            if "form" in errors:  # 400 on the page: nothing saved
                return bad_request(request, errors["form"], back=reverse("web:bulletin", args=[pk]))
        elif action == "submit":
            _ok, errors = attempt(request, lambda: svc.bulletin_submit(bulletin_id=pk, actor=user),
                                  _("Sent to the leader for approval."))
        elif action in ("approve", "return"):
            _ok, errors = attempt(request, lambda: svc.bulletin_decide(
                bulletin_id=pk, actor=user, decision=action, comment=request.POST.get("comment", "")),
                _("Published.") if action == "approve" else _("Returned to the office."))
        if not errors:
            return redirect("web:bulletin", pk=pk)
        bulletin = visible_bulletins(request.user).get(pk=pk)
    BulletinReceipt.objects.filter(bulletin=bulletin, unit__memberships__user=request.user,
                                   read_at__isnull=True).update(read_at=bulletin.published_at)
    editor = [{"heading": s["heading"], "body": body_of(s["paragraphs"])} for s in bulletin.sections]
    return render(request, "web/bulletin.html", {"bulletin": bulletin, "errors": errors, "editor": editor})
