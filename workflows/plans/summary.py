"""The quarterly summary (季度汇总): schools × work items, computed by queries on report rows."""
from __future__ import annotations

from collections import defaultdict

from .documents.types import FigureTotal, SummaryCell, SummaryColumn, SummaryRow, SummaryTable
from .forms import numbered, section_key
from .models import CycleQuarter, QuarterlyReport, ReportStatus, WorkItem
from .services.schools import schools_of

ON_TIME, LATE, MISSING = "on_time", "late", "missing"


def report_status(report: QuarterlyReport | None, quarter: CycleQuarter) -> str:
    if report is None or report.status != ReportStatus.SUBMITTED:
        return MISSING
    return ON_TIME if report.submitted_at <= quarter.due_at else LATE


def quarterly_summary(*, quarter: CycleQuarter) -> SummaryTable:
    """Build the summary table for one quarter (three queries whatever the number of schools)."""
    plan = quarter.cycle.plan
    items = list(plan.work_items.prefetch_related("schools", "responsibilities__unit").order_by("number"))
    reports = {r.school_id: r for r in QuarterlyReport.objects.filter(quarter=quarter)}
    carried = {item.pk: {s.pk for s in item.schools.all()} for item in items}
    rows, totals = [], defaultdict(float)
    counts = {ON_TIME: 0, LATE: 0, MISSING: 0}
    for school in schools_of(plan):
        report = reports.get(school.pk)
        status = report_status(report, quarter)
        counts[status] += 1
        cells = []
        for item in items:
            if carried[item.pk] and school.pk not in carried[item.pk]:
                cells.append(SummaryCell(status="", figures={}))
                continue
            figures = _figures(report, item) if status != MISSING else {}
            for key, value in figures.items():
                totals[(item.number, key)] += value
            cells.append(SummaryCell(status=status, figures=figures))
        rows.append(SummaryRow(school=school.name, status=status,
                               submitted_at=report.submitted_at if report else None, cells=tuple(cells)))
    return _table(quarter, items, rows, totals, counts)


def _figures(report: QuarterlyReport, item: WorkItem) -> dict[str, float]:
    given = ((report.sections or {}).get(section_key(item)) or {}).get("figures") or {}
    out = {}
    for figure in item.figures:
        value = given.get(figure["key"])
        if isinstance(value, bool):
            out[figure["key"]] = float(value)
        elif isinstance(value, int | float):
            out[figure["key"]] = float(value)
    return out


def _table(quarter, items, rows, totals, counts) -> SummaryTable:
    plan = quarter.cycle.plan
    labels = {(item.number, f["key"]): f["label"] for item in items for f in item.figures}
    figure_totals = tuple(FigureTotal(work_item=number, key=key, label=labels[(number, key)], total=total)
                          for (number, key), total in sorted(totals.items()) if (number, key) in labels)
    departments: dict[str, dict[str, float]] = defaultdict(dict)
    lead = {item.number: _lead_name(item) for item in items}
    for total in figure_totals:
        departments[lead[total.work_item]][f"{numbered(total.work_item)}、{total.label}"] = total.total
    period = f"{quarter.cycle.year}年第{numbered(quarter.quarter)}季度"
    return SummaryTable(
        title=f"{period}工作进展汇总表", plan_title=plan.title, period=period,
        due_at=quarter.due_at,
        columns=tuple(SummaryColumn(number=i.number, title=i.title, lead_department=_lead_name(i)) for i in items),
        rows=tuple(rows), totals=figure_totals, department_totals=dict(departments),
        counts={**counts, "schools": len(rows)},
        not_reported=tuple(r.school for r in rows if r.status == MISSING),
    )


def _lead_name(item: WorkItem) -> str:
    leads = [r.unit.name for r in item.responsibilities.all() if r.is_lead]
    return leads[0] if leads else ""
