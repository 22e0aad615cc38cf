"""The office's people: find someone, hand the tasks they hold to a successor (while they are away, or
all at once when they leave), end one of their memberships, deactivate or reactivate them."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from workflows.org.models import Membership
from workflows.plans.inbox_labels import row_labels
from workflows.processes.errors import Invalid
from workflows.processes.selectors import people_matching, tasks_held
from workflows.processes.services.handover import membership_end, person_deactivate, person_reactivate, tasks_hand_over

from .common import attempt, require_office

STATES = ("active", "inactive", "all")
SHOWN_TASKS = 200  # a person's held tasks listed on their page (all of them are handed over at once)



@login_required
def people(request):
    require_office(request)
    text = request.GET.get("q", "").strip()[:100]
    state = request.GET.get("state") if request.GET.get("state") in STATES else "active"
    active = {"active": True, "inactive": False}.get(state)
    page = Paginator(people_matching(text=text, active=active), 50).get_page(request.GET.get("page"))
    return render(request, "web/people.html", {"page": page, "q": text, "state": state,
                                               "states": _states()})


@login_required
def person(request, pk: int):
    require_office(request)
    someone = get_object_or_404(get_user_model(), pk=pk)
    errors: dict = {}
    if request.method == "POST":
        ok, errors = attempt(request, lambda: _act(request, someone), _done(request.POST.get("_action")))
        if ok:
            return redirect("web:person", pk=someone.pk)
    tasks = list(tasks_held(user=someone)[:SHOWN_TASKS])
    return render(request, "web/person.html", {
        "someone": someone, "memberships": someone.memberships.select_related("unit").order_by("unit__code"),
        "tasks": tasks, "labels": row_labels(tasks), "held": tasks_held(user=someone).count(),
        "colleagues": _colleagues(someone), "errors": errors, "posted": request.POST.get("_action"),
        "typed": request.POST, "chosen": {int(v) for v in request.POST.getlist("task") if v.isdigit()}})


def _act(request, someone) -> object:
    """The action the office chose, with its successor (a login name, or none) and reason."""
    action, post = request.POST.get("_action"), request.POST
    reason = post.get("reason", "").strip()
    if action == "reactivate":
        return person_reactivate(user=someone, actor=request.user)
    successor = _successor(post.get("successor", ""))
    if action == "hand_over":
        chosen = [int(v) for v in post.getlist("task") if v.isdigit()]
        if not chosen and post.get("which") != "all":
            raise Invalid(_("Choose the tasks to hand over."), {"task": [_("Choose at least one task.")]})
        return tasks_hand_over(leaving=someone, actor=request.user, successor=successor, reason=reason,
                               task_ids=None if post.get("which") == "all" else chosen)
    if action == "end_membership":
        membership = Membership.objects.filter(user=someone, pk=post.get("membership") or 0).first() \
            if (post.get("membership") or "").isdigit() else None
        if membership is None:
            raise Invalid(_("Choose the membership to end."), {"membership": [_("Choose a membership.")]})
        return membership_end(membership=membership, actor=request.user, successor=successor, reason=reason)
    if action == "deactivate":
        return person_deactivate(user=someone, actor=request.user, successor=successor, reason=reason)
    raise Invalid(_("Choose what to do."), {})


def _successor(username: str):
    """The successor named on the form: none when left empty; an unknown name is the form's error."""
    if not username.strip():
        return None
    found = get_user_model().objects.filter(username=username.strip()).first()
    if found is None:
        raise Invalid(_("No one signs in as %(name)s.") % {"name": username.strip()[:150]},
                      {"successor": [_("Give the login name of an active person.")]})
    return found


def _colleagues(someone) -> list:
    """Who the successor field suggests: active people in the person's units (the office may name anyone)."""
    units = someone.memberships.values_list("unit_id", flat=True)
    return list(get_user_model().objects.filter(is_active=True, memberships__unit_id__in=units)
                .exclude(pk=someone.pk).distinct().order_by("username")[:200])


def _done(action: str | None) -> str:
    return {"hand_over": _("The tasks were handed over."), "end_membership": _("The membership was ended."),
            "deactivate": _("The person was deactivated."),
            "reactivate": _("The person may sign in again.")}.get(action or "", _("Done."))


def _states() -> list[tuple[str, str]]:
    return [("active", _("Active")), ("inactive", _("Deactivated")), ("all", _("Everyone"))]
