"""Sign-in landing: each role starts where its work is."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from workflows.notifications.models import Notification
from workflows.notifications.services import notifications_mark_read
from workflows.org.models import Membership, Role
from workflows.org.roles import is_office

MANAGER_ROLES = (Role.LEADER, Role.DEPUTY, Role.DEPARTMENT_HEAD, Role.PRINCIPAL)


@login_required
def home(request):
    if is_office(request.user):
        return redirect("web:console")
    if Membership.objects.filter(user=request.user, role__in=MANAGER_ROLES).exists():
        return redirect("web:board")
    return redirect("web:inbox")


@login_required
def notifications(request):
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("web:notifications")
    rows = Notification.objects.filter(user=request.user).select_related("task__instance") \
        .defer("task__instance__state").order_by("-created_at", "-id")[:100]
    return render(request, "web/notifications.html", {"rows": rows})
