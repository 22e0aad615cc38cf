"""Bulletins: the office edits and submits, a leader approves or returns, every unit reads."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from workflows.plans.models import BulletinReceipt
from workflows.plans.scope import bulletins_visible as visible_bulletins
from workflows.plans.services import bulletins as svc

from .common import attempt
from .filters import BulletinSections, bad_request


@login_required
def bulletins(request):
    rows = visible_bulletins(request.user).order_by("-id")
    return render(request, "web/bulletins.html", {"rows": rows})


@login_required
def bulletin_draft(request, cycle: int):
    if request.method == "POST":
        holder = {}
        ok, _errors = attempt(request, lambda: holder.update(b=svc.bulletin_draft(cycle_id=cycle, actor=request.user)),
                              _("Draft built from the quarter summaries."))
        if ok:
            return redirect("web:bulletin", pk=holder["b"].pk)
    return redirect("web:progress", pk=cycle)


def _sections_from_post(post, count: int) -> list[dict]:
    sections = []
    for i in range(count):
        heading = post.get(f"heading_{i}", "").strip()
        paragraphs = [p.strip() for p in post.get(f"body_{i}", "").split("\n\n") if p.strip()]
        if heading:
            sections.append({"heading": heading, "paragraphs": paragraphs})
    return sections


@login_required
def bulletin(request, pk: int):
    bulletin = visible_bulletins(request.user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404(_("No such bulletin."))
    errors = {}
    if request.method == "POST":
        action, user = request.POST.get("action"), request.user
        if action == "save":
            counted = BulletinSections(request.POST)
            if not counted.is_valid():  # 400 on the page: nothing saved
                return bad_request(request, counted, back=reverse("web:bulletin", args=[pk]))
            sections = _sections_from_post(request.POST, counted.cleaned_data["section_count"])
            _ok, errors = attempt(request, lambda: svc.bulletin_update(
                bulletin_id=pk, actor=user, title=request.POST.get("title", ""),
                document_number=request.POST.get("document_number", ""), sections=sections), _("Saved."))
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
    return render(request, "web/bulletin.html", {"bulletin": bulletin, "errors": errors})
