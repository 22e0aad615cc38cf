"""The office's (or the plan's department's) extension requests: awaiting a decision first, then decided."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflows.plans.models import ExtensionStatus
from workflows.plans.scope import extensions_visible
from workflows.plans.services.extensions import extension_decide, may_decide

from .common import attempt, day_from_post


@login_required
def extensions(request):
    rows = extensions_visible(request.user)
    errors: dict = {}
    if request.method == "POST":
        row = rows.filter(pk=request.POST.get("extension") or 0).first() if \
            (request.POST.get("extension") or "").isdigit() else None
        if row is None:
            raise PermissionDenied
        grant = request.POST.get("action") == "grant"
        ok, errors = attempt(request, lambda: extension_decide(
            extension_id=row.pk, actor=request.user, grant=grant, due_on=day_from_post(request.POST.get("due_on")),
            comment=request.POST.get("comment", "")), _("Extension granted.") if grant else _("Extension refused."))
        if ok:
            return redirect("web:extensions")
        errors = {"extension": row.pk, **errors}
    pending = [(row, may_decide(request.user, row.report))
               for row in rows.filter(status=ExtensionStatus.PENDING).order_by("asked_at", "pk")]
    decided = Paginator(rows.exclude(status=ExtensionStatus.PENDING).order_by("-decided_at", "-pk"), 30) \
        .get_page(request.GET.get("page"))
    return render(request, "web/extensions.html", {"pending": pending, "decided": decided, "errors": errors})
