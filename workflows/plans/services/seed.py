"""Load a plan from its data file: units, people, work items, cycles. Safe to run twice.

A load creates what is missing and changes nothing that exists: the office's edits (a unit's name,
a work item's departments) stay, and a membership the office ended (``MembershipEnd``) is not
added again.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from workflows.org.models import Membership, MembershipEnd, Unit, UnitKind

from ..models import Plan, ReportingCycle, WorkItem, WorkItemDepartment
from .cycles import cycle_schedule

SCHOOL_KINDS = (UnitKind.SCHOOL, UnitKind.KINDERGARTEN)


@transaction.atomic
def plan_load(*, data: dict, password: str | None = None) -> Plan:
    """Create what a plan's data file describes and is missing; returns the plan."""
    bureau, _ = _unit(code=data["bureau"]["code"], name=data["bureau"]["name"], kind=UnitKind.BUREAU, parent=None)
    units, new = {bureau.code: bureau}, set()
    for row in data.get("units", []):
        units[row["code"]], created = _unit(code=row["code"], name=row["name"], kind=row["kind"],
                                            parent=units.get(row.get("parent") or bureau.code, bureau))
        if created:
            new.add(row["code"])
    for row in data.get("people", []):
        _person(row, units[row["unit"]], password)
    plan, created = _plan(data["plan"], bureau, data.get("settings", {}))
    # A new plan takes every school; a plan loaded again only the schools this load added.
    plan.schools.add(*[u for code, u in units.items() if u.kind in SCHOOL_KINDS and (created or code in new)])
    for row in data.get("work_items", []):
        _work_item(plan, row, units)
    for row in data.get("cycles", []):
        cycle, created = ReportingCycle.objects.get_or_create(plan=plan, year=row["year"], half=row["half"])
        if created:
            cycle_schedule(cycle=cycle)
    return plan


def plan_load_file(*, path: Path, password: str | None = None) -> Plan:
    return plan_load(data=json.loads(path.read_text(encoding="utf-8")), password=password)


def _unit(*, code: str, name: str, kind: str, parent: Unit | None) -> tuple[Unit, bool]:
    return Unit.objects.get_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})


def _person(row: dict, unit: Unit, password: str | None) -> None:
    users = get_user_model()
    user = users.objects.filter(username=row["username"]).first()
    if user is None:
        user = users(username=row["username"], first_name=row.get("name", ""))
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    if not MembershipEnd.objects.filter(user=user, unit=unit, role=row["role"]).exists():
        Membership.objects.get_or_create(user=user, unit=unit, role=row["role"])


def _plan(row: dict, bureau: Unit, settings: dict) -> tuple[Plan, bool]:
    return Plan.objects.get_or_create(code=row["code"], defaults={
        "title": row["title"], "document_number": row.get("document_number", ""),
        "issued_on": dt.date.fromisoformat(row["issued_on"]) if row.get("issued_on") else None,
        "year": row["year"], "bureau": bureau, "issuer": row.get("issuer", bureau.name),
        "addressees": row.get("addressees", ""), "copy_to": row.get("copy_to", ""),
        "printed_by": row.get("printed_by", ""), "description": row.get("description", ""), "settings": settings,
    })


def _work_item(plan: Plan, row: dict, units: dict[str, Unit]) -> WorkItem:
    item, created = WorkItem.objects.get_or_create(plan=plan, number=row["number"], defaults={
        "title": row["title"], "description": row.get("description", ""), "figures": row.get("figures", []),
        "carry_over": bool(row.get("carry_over", False)),
    })
    if not created:
        return item
    WorkItemDepartment.objects.bulk_create([
        WorkItemDepartment(work_item=item, unit=units[code], position=i, is_lead=(i == 0))
        for i, code in enumerate(row.get("departments", []))
    ])
    if row.get("schools"):
        item.schools.set([units[code] for code in row["schools"]])
    return item
