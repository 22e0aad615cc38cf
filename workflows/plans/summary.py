"""The quarterly summary (季度汇总): schools × work items, computed by queries on report rows."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .documents.types import FigureTotal, SummaryCell, SummaryColumn, SummaryRow, SummaryTable
from .forms import numbered, section_key
from .models import CycleQuarter, QuarterlyReport, ReportStatus, WorkItem
from .services.schools import quarter_roster

ON_TIME, LATE, MISSING = "on_time", "late", "missing"


def report_status(report: QuarterlyReport | None) -> str:
    """A report (row or anything with status, due_at and submitted_at) as on_time, late or missing, judged
    by the due moment in force (an extension granted moved it)."""
    if report is None or report.status != ReportStatus.SUBMITTED:
        return MISSING
    return ON_TIME if report.submitted_at <= report.due_at else LATE


@dataclass(frozen=True)
class _Column:
    """What the summary needs of a work item, looked up once rather than per school."""

    item: WorkItem
    section: str  # the report form's section key, e.g. wi3
    keys: tuple[str, ...]  # the figures' keys, in the plan's order
    carried_by: frozenset[int]  # school ids; empty: every school carries it

    def carries(self, school_id: int) -> bool:
        return not self.carried_by or school_id in self.carried_by


def quarterly_summary(*, quarter: CycleQuarter) -> SummaryTable:
    """Build the summary table for one quarter (the same few queries whatever the number of schools)."""
    plan = quarter.cycle.plan
    items = list(plan.work_items.prefetch_related("schools", "responsibilities__unit").order_by("number"))
    columns = [_Column(item=item, section=section_key(item), keys=tuple(f["key"] for f in item.figures),
                       carried_by=frozenset(s.pk for s in item.schools.all())) for item in items]
    reports = {r.school_id: r for r in QuarterlyReport.objects.filter(quarter=quarter)
               .values_list("school_id", "status", "due_at", "submitted_at", "sections", named=True)}
    rows, totals = [], defaultdict(float)
    counts = {ON_TIME: 0, LATE: 0, MISSING: 0}
    for school_id, name in quarter_roster(quarter).values_list("pk", "name"):
        report = reports.get(school_id)
        status = report_status(report)
        counts[status] += 1
        cells = tuple(_cell(column, report, status, totals) if column.carries(school_id)
                      else SummaryCell(status="", figures={}) for column in columns)
        extended = report.due_at if report and report.due_at != quarter.due_at else None
        rows.append(SummaryRow(school=name, status=status, submitted_at=report.submitted_at if report else None,
                               cells=cells, extended_to=extended))
    return _table(quarter, items, rows, totals, counts)


def _cell(column: _Column, report, status: str, totals: dict) -> SummaryCell:
    """One school × one work item; its figures are added to the totals."""
    figures = _figures(report.sections, column) if status != MISSING else {}
    for key, value in figures.items():
        totals[(column.item.number, key)] += value
    return SummaryCell(status=status, figures=figures)


def _figures(sections: dict | None, column: _Column) -> dict[str, float]:
    """The numbers given for the work item's figures (booleans as 0/1); anything else is left out."""
    given = ((sections or {}).get(column.section) or {}).get("figures") or {}
    out = {}
    for key in column.keys:
        value = given.get(key)
        if isinstance(value, int | float):  # bool is an int: True counts 1
            out[key] = float(value)
    return out


def _table(quarter, items, rows, totals, counts) -> SummaryTable:
    plan = quarter.cycle.plan
    labels = {(item.number, f["key"]): f["label"] for item in items for f in item.figures}  # in the plan's order
    figure_totals = tuple(FigureTotal(work_item=number, key=key, label=label, total=totals[(number, key)])
                          for (number, key), label in labels.items() if (number, key) in totals)
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
