"""The office imports units and people from its XLSX (``org.imports``): previewed first, then saved
by a worker (``org_import_start``, ``org_import_run``) with one audit event; the new schools may join
one of the plans at once."""
from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from workflows.org import imports
from workflows.org.models import Unit
from workflows.org.roles import is_office
from workflows.processes.audit import audit_record
from workflows.processes.errors import Forbidden, Invalid, ServiceError
from workflows.processes.models import AuditAction

from ..models import ImportJob, Plan
from .plan_schools import plan_school_add
from .seed import SCHOOL_KINDS


def org_import_preview(*, content: bytes, actor: AbstractBaseUser) -> imports.Preview:
    """Every row of the file checked, nothing saved."""
    _require_office(actor)
    try:
        return imports.preview(content)
    except imports.WorkbookError as exc:
        raise Invalid(str(exc), {"file": [str(exc)]}) from None


@transaction.atomic
def org_import_apply(*, content: bytes, actor: AbstractBaseUser, plan_id: int | None = None,
                     passwords: dict[str, str] | None = None) -> imports.Preview:
    """Save the file's units and people (refused, changing nothing, if any row has a problem); the new
    schools join the plan named, if any; ``passwords``: new people's, hashed already."""
    result = org_import_preview(content=content, actor=actor)
    if result.problems:
        raise Invalid(_("The file has rows with problems; nothing was saved."), {"file": [_("Fix the rows shown.")]})
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
    if plan_id and plan is None:
        raise Invalid(_("There is no such plan."), {"plan": [_("Choose a plan.")]})
    imports.apply(content, passwords=passwords)
    joined = [row.key for row in result.units if row.action == imports.NEW and row.values["kind"] in SCHOOL_KINDS]
    for unit in Unit.objects.filter(code__in=joined) if plan else []:
        plan_school_add(plan_id=plan.pk, unit_id=unit.pk, actor=actor)
    audit_record(action=AuditAction.ORG_IMPORTED, actor=actor, detail={
        "sha256": hashlib.sha256(content).hexdigest(), "new": result.count(imports.NEW),
        "updated": result.count(imports.UPDATE), "unchanged": result.count(imports.UNCHANGED),
        "plan": plan.code if plan else "", "joined": len(joined) if plan else 0})
    return result


@transaction.atomic
def org_import_start(*, content: bytes, name: str, actor: AbstractBaseUser, plan_id: int | None = None) -> ImportJob:
    """Hand a previewed file to the workers (the job carries it: web and workers need share no disk);
    the office's page follows the job."""
    from ..tasks import run_org_import

    _require_office(actor)
    if plan_id and not Plan.objects.filter(pk=plan_id).exists():
        raise Invalid(_("There is no such plan."), {"plan": [_("Choose a plan.")]})
    job = ImportJob.objects.create(created_by=actor, name=name[:255], content=content, plan_id=plan_id or None)
    transaction.on_commit(lambda: run_org_import.delay(job.pk))
    return job


def org_import_run(*, job_id: int) -> bool:
    """The worker's part: import the job's file (all or nothing), record the outcome; safe to run twice
    (a job already taken is left alone). Returns whether this call ran it."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.WAITING).update(
            status=ImportJob.Status.RUNNING, started_at=timezone.now()):
        return False
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    outcome = {"status": ImportJob.Status.FAILED, "finished_at": timezone.now(), "content": b""}
    try:
        result = org_import_apply(content=bytes(job.content), actor=job.created_by, plan_id=job.plan_id,
                                  passwords=_passwords_hashed(job))
    except Invalid:  # the file changed since its preview, or the plan went
        ImportJob.objects.filter(pk=job_id).update(**outcome, error="problems")
        return True
    except ServiceError:  # no longer the office's
        ImportJob.objects.filter(pk=job_id).update(**outcome, error="refused")
        return True
    except Exception:  # nothing was saved (one transaction); the page must not wait for ever
        ImportJob.objects.filter(pk=job_id).update(**outcome, error="stopped")
        raise
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportJob.Status.DONE, finished_at=timezone.now(), content=b"", steps_done=F("steps"), counts={
            kind: result.count(kind) for kind in (imports.NEW, imports.UPDATE, imports.UNCHANGED)})
    return True


def _passwords_hashed(job: ImportJob) -> dict[str, str]:
    """The rows checked, then the new people's initial passwords hashed, the job's steps counted as each
    is (the check, each password, the save) for its page's bar; outside the import's transaction."""
    result = org_import_preview(content=bytes(job.content), actor=job.created_by)
    if result.problems:
        return {}  # the import refuses the file

    def hashed(done: int, of: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(steps=of + 2, steps_done=1 + done)
    return imports.password_hashes(result, hashed=hashed)


def _require_office(actor: AbstractBaseUser) -> None:
    if not is_office(actor):
        raise Forbidden(_("only the office imports units and people"))
