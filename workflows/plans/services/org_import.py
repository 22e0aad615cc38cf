"""The office imports units and people from its XLSX (``org.imports``): previewed first, then saved
with one audit event; the new schools may join one of the plans at once."""
from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.org import imports
from workflows.org.models import Unit
from workflows.org.roles import is_office
from workflows.processes.audit import audit_record
from workflows.processes.errors import Forbidden, Invalid
from workflows.processes.models import AuditAction

from ..models import Plan
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
def org_import_apply(*, content: bytes, actor: AbstractBaseUser, plan_id: int | None = None) -> imports.Preview:
    """Save the file's units and people (refused, changing nothing, if any row has a problem); the new
    schools join the plan named, if any."""
    result = org_import_preview(content=content, actor=actor)
    if result.problems:
        raise Invalid(_("The file has rows with problems; nothing was saved."), {"file": [_("Fix the rows shown.")]})
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
    if plan_id and plan is None:
        raise Invalid(_("There is no such plan."), {"plan": [_("Choose a plan.")]})
    imports.apply(content)
    joined = [row.key for row in result.units if row.action == imports.NEW and row.values["kind"] in SCHOOL_KINDS]
    for unit in Unit.objects.filter(code__in=joined) if plan else []:
        plan_school_add(plan_id=plan.pk, unit_id=unit.pk, actor=actor)
    audit_record(action=AuditAction.ORG_IMPORTED, actor=actor, detail={
        "sha256": hashlib.sha256(content).hexdigest(), "new": result.count(imports.NEW),
        "updated": result.count(imports.UPDATE), "unchanged": result.count(imports.UNCHANGED),
        "plan": plan.code if plan else "", "joined": len(joined) if plan else 0})
    return result


def _require_office(actor: AbstractBaseUser) -> None:
    if not is_office(actor):
        raise Forbidden(_("only the office imports units and people"))
