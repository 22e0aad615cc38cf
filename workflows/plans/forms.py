"""Forms as data: a school's quarterly report form, built from the plan's work items and figures."""
from __future__ import annotations

from workflows.processes.models import HumanTask

from .models import QuarterlyReport, ReportingCycle, WorkItem
from .services.schools import work_items_of, work_items_of_cycle

_TYPES = {"integer": {"type": "integer", "minimum": 0}, "number": {"type": "number", "minimum": 0},
          "percent": {"type": "number", "minimum": 0, "maximum": 100}, "boolean": {"type": "boolean"}}
CN_NUMERALS = "一二三四五六七八九十"


def section_key(item: WorkItem) -> str:
    return f"wi{item.number}"


def numbered(number: int) -> str:
    return CN_NUMERALS[number - 1] if 1 <= number <= len(CN_NUMERALS) else str(number)


def quarterly_report_schema(items: list[WorkItem], title: str) -> dict:
    """One section per work item: progress (required), problems, figures, evidence."""
    sections = {
        section_key(item): {
            "type": "object",
            "title": f"{numbered(item.number)}、{item.title}",
            "properties": {
                "progress": {"type": "string", "title": "进展情况", "minLength": 1, "maxLength": 5000},
                "problems": {"type": "string", "title": "存在问题", "maxLength": 5000},
                "figures": {"type": "object", "title": "指标", "additionalProperties": False, "properties": {
                    f["key"]: {**_TYPES.get(f.get("type", "number"), _TYPES["number"]), "title": f["label"]}
                    for f in item.figures}},
                "evidence": {"type": "array", "title": "佐证材料", "items": {"type": "string", "maxLength": 300},
                             "maxItems": 50},
            },
            "required": ["progress"],
            "additionalProperties": False,
        }
        for item in items
    }
    return {"type": "object", "title": title, "properties": {
        "sections": {"type": "object", "properties": sections, "required": list(sections),
                     "additionalProperties": False}}, "required": ["sections"]}


def form_for_task(task: HumanTask) -> dict | None:
    """Form provider: the fill-in step of a quarterly report gets its plan's form."""
    refs = task.instance.refs or {}
    report_id = refs.get("quarterly_report")
    if not report_id or task.bpmn_id != "fill_report":
        return None
    school = task.instance.unit
    if refs.get("cycle") and refs.get("quarter") and school is not None:  # as quarter opening names them
        items = work_items_of_cycle(refs["cycle"], school)  # one query: the instance has the rest
        year = items[0].year if items else ReportingCycle.objects.values_list("year", flat=True).get(pk=refs["cycle"])
        return quarterly_report_schema(items, f"{year}年第{numbered(refs['quarter'])}季度 {school.name}")
    report = QuarterlyReport.objects.select_related("quarter__cycle__plan", "school").get(pk=report_id)
    plan = report.quarter.cycle.plan
    title = f"{report.quarter.cycle.year}年第{numbered(report.quarter.quarter)}季度 {report.school.name}"
    return quarterly_report_schema(work_items_of(plan, report.school), title)
