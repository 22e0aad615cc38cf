"""The office imports units and people from an XLSX: the template to fill in, a preview with each
row's problems or what it will change, then the import itself (the file waits between the two)."""
from __future__ import annotations

import datetime as dt
import re
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.org.imports import template_workbook
from workflows.plans.models import ImportJob, Plan
from workflows.plans.services.org_import import org_import_preview, org_import_start
from workflows.processes.errors import Invalid

from .common import attempt, require_office

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_PREVIEWS = dt.timedelta(days=1)



@login_required
def template(request):
    require_office(request)
    answer = HttpResponse(template_workbook(), content_type=XLSX)
    answer["Content-Disposition"] = 'attachment; filename="duban-units-people.xlsx"'
    return answer


@login_required
def org_import(request):
    require_office(request)
    context = {"plans": Plan.objects.order_by("-year", "code"), "plan": request.POST.get("plan", "")}
    if request.method == "POST" and request.POST.get("_action") == "apply":
        return _apply(request, context)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose the XLSX file to import."))
            return render(request, "web/org_import.html", context, status=400)
        content = upload.read()
        try:
            preview = org_import_preview(content=content, actor=request.user)
        except Invalid as exc:
            messages.error(request, exc.message)
            return render(request, "web/org_import.html", context, status=400)
        _forget_old_previews()
        token = secrets.token_hex(16)
        default_storage.save(_path(token), ContentFile(content))
        context.update(preview=preview, token=token, name=upload.name)
    return render(request, "web/org_import.html", context)


def _apply(request, context):
    """The previewed file goes to the workers; the job's page follows it to its result."""
    token = request.POST.get("token", "")
    if not TOKEN.match(token) or not default_storage.exists(_path(token)):
        messages.error(request, _("The previewed file is gone; upload it again."))
        return redirect("web:org_import")
    with default_storage.open(_path(token)) as stored:
        content = stored.read()
    plan, started = request.POST.get("plan", ""), []
    ok, _errors = attempt(request, lambda: started.append(org_import_start(
        content=content, name=request.POST.get("name", "")[:255], actor=request.user,
        plan_id=int(plan) if plan.isdigit() else None)), _("The import is under way."))
    if not ok:
        return redirect("web:org_import")
    default_storage.delete(_path(token))
    return redirect("web:org_import_job", pk=started[0].pk)


@login_required
def org_import_job(request, pk: int):
    """An import as the workers carry it out: refreshed until it is done, then what it changed."""
    require_office(request)
    job = get_object_or_404(ImportJob.objects.select_related("plan"), pk=pk)
    return render(request, "web/org_import_job.html", {"job": job, "Status": ImportJob.Status})


def _path(token: str) -> str:
    return f"imports/{token}.xlsx"


def _forget_old_previews() -> None:
    """Files previewed a day ago and never imported are dropped when the next file is previewed."""
    if not default_storage.exists("imports"):
        return
    cutoff = timezone.now() - KEEP_PREVIEWS
    for name in default_storage.listdir("imports")[1]:
        if TOKEN.match(name.removesuffix(".xlsx")) and default_storage.get_modified_time(f"imports/{name}") < cutoff:
            default_storage.delete(f"imports/{name}")
