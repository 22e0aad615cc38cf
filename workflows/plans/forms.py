"""Forms as data: a school's quarterly report form, built from the plan's work items and figures."""
from __future__ import annotations

import copy

from django.utils.translation import pgettext

from workflows.org.models import Membership
from workflows.processes.models import HumanTask

from .models import QuarterlyReport, ReportingCycle, WorkItem
from .periods import item_heading, numeral, quarter_label
from .services.schools import work_items_of, work_items_of_cycle

_TYPES = {"integer": {"type": "integer", "minimum": 0}, "number": {"type": "number", "minimum": 0},
          "percent": {"type": "number", "minimum": 0, "maximum": 100}, "boolean": {"type": "boolean"}}


def section_key(item: WorkItem) -> str:
    return f"wi{item.number}"


def numbered(number: int) -> str:
    return numeral(number)


def quarterly_report_schema(items: list[WorkItem], title: str) -> dict:
    """One section per work item: progress (required), problems, figures (with their units), evidence notes."""
    sections = {section_key(item): _section_schema(item) for item in items}
    return {"type": "object", "title": title, "properties": {
        "sections": {"type": "object", "properties": sections, "required": list(sections),
                     "additionalProperties": False}}, "required": ["sections"]}


def _section_schema(item: WorkItem) -> dict:
    figures = {f["key"]: {**_TYPES.get(f.get("type", "number"), _TYPES["number"]), "title": f["label"],
                          **({"x-unit": f["unit"]} if f.get("unit") else {})} for f in item.figures}
    return {
        "type": "object",
        "title": item_heading(item.number, item.title),
        "properties": {
            "progress": {"type": "string", "title": pgettext("report field", "Progress"), "minLength": 1,
                         "maxLength": 5000},
            "problems": {"type": "string", "title": pgettext("report field", "Problems"), "maxLength": 5000},
            "figures": {"type": "object", "title": pgettext("report field", "Figures"), "additionalProperties": False,
                        "properties": figures},
            "evidence": {"type": "array", "title": pgettext("report field", "Evidence notes"),
                         "items": {"type": "string", "maxLength": 300}, "maxItems": 50},
        },
        "required": ["progress"],
        "additionalProperties": False,
    }


def form_for_task(task: HumanTask) -> dict | None:
    """Form provider: the fill-in step of a quarterly report gets its plan's form; a school task's steps
    get their deployed form with the school's people and the work item's figures filled in."""
    refs = task.instance.refs or {}
    if refs.get("school_task"):
        return school_task_form(task)
    report_id = refs.get("quarterly_report")
    if not report_id or task.bpmn_id != "fill_report":
        return None
    school = task.instance.unit
    if refs.get("cycle") and refs.get("quarter") and school is not None:  # as quarter opening names them
        items = work_items_of_cycle(refs["cycle"], school)  # one query: the instance has the rest
        year = items[0].year if items else ReportingCycle.objects.values_list("year", flat=True).get(pk=refs["cycle"])
        return quarterly_report_schema(items, f"{quarter_label(year, refs['quarter'])} · {school.name}")
    report = QuarterlyReport.objects.select_related("quarter__cycle__plan", "school").get(pk=report_id)
    plan = report.quarter.cycle.plan
    title = f"{report.quarter.period_label} · {report.school.name}"
    return quarterly_report_schema(work_items_of(plan, report.school), title)


def school_task_form(task: HumanTask) -> dict | None:
    """sign_receipt: the responsible person is chosen among the school's people; report_progress: the
    work item's figures, with their units. Other steps keep their deployed form."""
    base = task.instance.definition.forms.get(task.form_key) if task.form_key else None
    if not isinstance(base, dict) or task.bpmn_id not in ("sign_receipt", "report_progress"):
        return None
    schema = copy.deepcopy(base)
    properties = schema.get("properties") or {}
    choices: dict[str, str] = {}
    if task.bpmn_id == "sign_receipt" and "responsible" in properties and task.instance.unit_id:
        people = Membership.objects.filter(unit_id=task.instance.unit_id, user__is_active=True) \
            .select_related("user").order_by("user__username")
        choices = {m.user.username: m.user.first_name or m.user.username for m in people}
    if task.bpmn_id == "sign_receipt" and "responsible" in properties and choices:  # a school with no one: typed
        properties["responsible"] = {**properties["responsible"], "type": "string",
                                     "oneOf": [{"const": name, "title": shown} for name, shown in choices.items()]}
        properties["responsible"].pop("x-translations", None)
        properties["responsible"]["title"] = pgettext("report field", "Responsible person")
    if task.bpmn_id == "report_progress" and "figures" in properties:
        item = WorkItem.objects.filter(pk=(task.instance.refs or {}).get("work_item")).first()
        if item is not None:
            properties["figures"] = {**properties["figures"], "additionalProperties": False,
                                     "properties": _section_schema(item)["properties"]["figures"]["properties"]}
    return schema
