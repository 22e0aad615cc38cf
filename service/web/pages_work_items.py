"""Departments' work items: the list they lead or cooperate on, and each item's page (start, dispatch to
all or chosen schools, follow each school's task, apply for closing; the office closes)."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from workflows.plans.services.work_items import (
    work_item_apply_close,
    work_item_close,
    work_item_dispatch,
    work_item_start,
    work_items_visible_to,
)
from workflows.plans.work_item_page import WorkItemPage, work_item_page

from .common import attempt, day_from_post


@login_required
def work_items(request):
    items = work_items_visible_to(request.user).prefetch_related("responsibilities__unit")
    pages = [work_item_page(item=item, user=request.user) for item in items]
    return render(request, "web/work_items.html", {"pages": pages})


@login_required
def work_item(request, pk: int):
    item = work_items_visible_to(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404(_("No such work item."))
    page, errors = work_item_page(item=item, user=request.user), {}
    if request.method == "POST":
        ok, errors = _act(request, page)
        if ok:
            return redirect("web:work_item", pk=item.pk)
    chosen = {int(v) for v in request.POST.getlist("schools") if v.isdigit()} if request.method == "POST" else None
    return render(request, "web/work_item.html", {"page": page, "errors": errors, "form_errors": errors.get("", []),
                                                  "posted": request.POST, "chosen": chosen},
                  status=400 if errors else 200)


def _act(request, page: WorkItemPage) -> tuple[bool, dict]:
    action, user, post = request.POST.get("action"), request.user, request.POST
    if action == "start" and page.may_start:
        return attempt(request, lambda: work_item_start(work_item_id=page.item.pk, actor=user),
                       _("The work item is started."))
    if action == "dispatch" and page.may_dispatch and page.run is not None:
        run_id = page.run.pk
        schools = [int(v) for v in post.getlist("schools") if v.isdigit()]
        return attempt(request, lambda: work_item_dispatch(
            run_id=run_id, actor=user, instructions=post.get("instructions", ""),
            due_date=day_from_post(post.get("due_date")), school_ids=schools),
            _("Dispatched: each chosen school has its task."))
    if action == "apply_close" and page.may_apply and page.run is not None:
        run_id = page.run.pk
        return attempt(request, lambda: work_item_apply_close(run_id=run_id, actor=user, result=post.get("result", "")),
                       _("Applied for closing; the office will decide."))
    if action == "close" and page.may_close and page.run is not None:
        run_id = page.run.pk
        return attempt(request, lambda: work_item_close(run_id=run_id, actor=user, comment=post.get("comment", "")),
                       _("The work item is closed."))
    return False, {"": [_("This step is not yours to take now.")]}
