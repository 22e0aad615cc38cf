"""The office sets up a plan in the pages: the plan with its schedule in working days, its work items
(lead and cooperating departments, the figures schools report) and its reporting cycles. Each save is
one audit event naming what changed, old and new."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from workflows.org.models import Unit, UnitKind
from workflows.org.roles import is_office
from workflows.processes.audit import audit_record
from workflows.processes.errors import Conflict, Forbidden, Invalid, NotFound
from workflows.processes.models import AuditAction

from ..models import Plan, ReportingCycle, WorkItem, WorkItemDepartment
from .cycles import cycle_schedule
from .deadlines import DEFAULTS

PLAN_FIELDS = ("title", "document_number", "issued_on", "year", "bureau", "issuer", "addressees", "copy_to",
               "printed_by", "description", "departments_start_work_items", "extensions_decided_by")
WORK_ITEM_FIELDS = ("number", "title", "description", "carry_over")
FIGURE_TYPES = ("integer", "number", "percent", "boolean")


@dataclass(frozen=True)
class Figure:
    """A figure schools report for a work item: its label, kind and unit (人, 所, 万元). The key stays
    the same when the label changes, so earlier reports keep their answers; new figures get one."""

    label: str
    type: str = "integer"
    unit: str = ""
    key: str = ""


def departments_of(bureau: Unit) -> list[Unit]:
    """The bureau's departments (股室, centres): who may lead or cooperate on its plan's work items."""
    return list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent=bureau).order_by("code"))


@transaction.atomic
def plan_save(*, actor: AbstractBaseUser, values: dict, settings: dict[str, int], plan_id: int | None = None) -> Plan:
    """Create a plan or change one; a new schedule moves the quarters that have not opened yet."""
    _require_office(actor)
    plan = Plan() if plan_id is None else _locked(Plan, plan_id, _("plan %(id)s does not exist"))
    before = _plan_snapshot(plan) if plan.pk else {}
    _check_plan(plan, values)
    for name in PLAN_FIELDS:
        setattr(plan, name, values[name])
    plan.settings = {name: int(settings.get(name, DEFAULTS[name])) for name in DEFAULTS}
    created = plan.pk is None
    if created:
        plan.code = _new_code(values["bureau"], values["year"])
    plan.save()
    changes = _changes(before, _plan_snapshot(plan))
    if not created and "settings" in changes:
        for cycle in plan.cycles.exclude(status=ReportingCycle.Status.CLOSED):
            cycle_schedule(cycle=cycle)
    audit_record(action=AuditAction.PLAN_SAVED, actor=actor,
                 detail={"plan": plan.code, "created": created, "changes": changes})
    return plan


def _check_plan(plan: Plan, values: dict) -> None:
    problems: dict[str, list[str]] = {}
    if values["bureau"].kind != UnitKind.BUREAU:
        problems["bureau"] = [_("Choose a bureau.")]
    decides = values.get("extensions_decided_by")
    if decides is not None and (decides.kind != UnitKind.DEPARTMENT or decides.parent_id != values["bureau"].pk):
        problems["extensions_decided_by"] = [_("Choose one of the bureau's departments, or none.")]
    if plan.pk and plan.bureau_id != values["bureau"].pk and plan.cycles.exclude(
            status=ReportingCycle.Status.PLANNED).exists():
        problems["bureau"] = [_("A plan whose cycles have opened keeps its bureau.")]
    if problems:
        raise Invalid(_("The plan has errors."), problems)


def _new_code(bureau: Unit, year: int) -> str:
    base = f"{bureau.code}-{year}"[:56]
    taken = set(Plan.objects.filter(code__startswith=base).values_list("code", flat=True))
    return next(code for code in [base] + [f"{base}-{n}" for n in range(2, len(taken) + 2)] if code not in taken)


@transaction.atomic
def work_item_save(*, actor: AbstractBaseUser, plan_id: int, values: dict, lead: Unit, cooperating: list[Unit],
                   figures: list[Figure], work_item_id: int | None = None) -> WorkItem:
    """Create a work item or change one: its number and title, its lead and cooperating departments (in
    that order), the figures schools report, and whether last quarter's answers carry over."""
    _require_office(actor)
    plan = _locked(Plan, plan_id, _("plan %(id)s does not exist"))
    item = WorkItem(plan=plan) if work_item_id is None else WorkItem.objects.select_for_update().filter(
        pk=work_item_id, plan=plan).first()
    if item is None:
        raise NotFound(_("work item %(id)s does not exist") % {"id": work_item_id})
    before = _work_item_snapshot(item) if item.pk else {}
    cooperating = [unit for unit in cooperating if unit.pk != lead.pk]
    _check_work_item(plan, item, values, [lead, *cooperating], figures)
    for name in WORK_ITEM_FIELDS:
        setattr(item, name, values[name])
    item.figures = _figures_with_keys(figures)
    created = item.pk is None
    item.save()
    item.responsibilities.all().delete()
    WorkItemDepartment.objects.bulk_create([
        WorkItemDepartment(work_item=item, unit=unit, position=i, is_lead=(i == 0))
        for i, unit in enumerate([lead, *cooperating])])
    audit_record(action=AuditAction.WORK_ITEM_SAVED, actor=actor, detail={
        "plan": plan.code, "work_item": item.number, "created": created,
        "changes": _changes(before, _work_item_snapshot(item))})
    return item


def _check_work_item(plan: Plan, item: WorkItem, values: dict, departments: list[Unit],
                     figures: list[Figure]) -> None:
    problems: dict[str, list[str]] = {}
    if WorkItem.objects.filter(plan=plan, number=values["number"]).exclude(pk=item.pk).exists():
        problems["number"] = [_("Another work item of the plan has this number.")]
    if any(unit.kind != UnitKind.DEPARTMENT or unit.parent_id != plan.bureau_id for unit in departments):
        problems["lead"] = [_("Choose departments of the plan's bureau.")]
    if any(f.type not in FIGURE_TYPES or not f.label.strip() for f in figures):
        problems["figures"] = [_("Each figure needs a label and a kind.")]
    elif len({f.label.strip() for f in figures}) < len(figures):
        problems["figures"] = [_("Two figures have the same label.")]
    if problems:
        raise Invalid(_("The work item has errors."), problems)


def _figures_with_keys(figures: list[Figure]) -> list[dict]:
    """Keys kept where given; a new figure gets the next free ``f<n>``."""
    taken = {f.key for f in figures if f.key}
    numbers = iter(n for n in range(1, 1000) if f"f{n}" not in taken)
    return [{"key": f.key or f"f{next(numbers)}", "label": f.label.strip(), "type": f.type,
             "unit": f.unit.strip()} for f in figures]


@transaction.atomic
def cycle_add(*, actor: AbstractBaseUser, plan_id: int, year: int, half: int) -> ReportingCycle:
    """A half year's reporting cycle, its quarters scheduled on the working-day calendar."""
    _require_office(actor)
    plan = _locked(Plan, plan_id, _("plan %(id)s does not exist"))
    if half not in (1, 2):
        raise Invalid(_("Choose the first or the second half."), {"half": [_("Choose a half year.")]})
    if plan.cycles.filter(year=year, half=half).exists():
        raise Conflict(_("The plan already has a cycle for that half year."))
    cycle = ReportingCycle.objects.create(plan=plan, year=year, half=half)
    cycle_schedule(cycle=cycle)
    audit_record(action=AuditAction.CYCLE_ADDED, actor=actor,
                 detail={"plan": plan.code, "year": year, "half": half})
    return cycle


def _require_office(actor: AbstractBaseUser) -> None:
    if not is_office(actor):
        raise Forbidden(_("only the office sets up plans"))


def _locked(model, pk: int, missing: str):
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(missing % {"id": pk})
    return found


def _plan_snapshot(plan: Plan) -> dict:
    return {**{name: _plain(getattr(plan, name)) for name in PLAN_FIELDS}, "settings": dict(plan.settings or {})}


def _work_item_snapshot(item: WorkItem) -> dict:
    return {**{name: getattr(item, name) for name in WORK_ITEM_FIELDS}, "figures": list(item.figures or []),
            "departments": [r.unit.code for r in item.responsibilities.select_related("unit")] if item.pk else []}


def _plain(value):
    if isinstance(value, Unit):
        return value.code
    return value.isoformat() if isinstance(value, dt.date) else value


def _changes(before: dict, after: dict) -> dict[str, list]:
    """What a save changed: each field's old and new value (all of them for something new)."""
    return {name: [before.get(name), value] for name, value in after.items() if before.get(name) != value}
