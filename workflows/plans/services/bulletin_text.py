"""The words of a bulletin draft, built from the quarter summaries; the office edits them after."""
from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from ..documents.types import SummaryTable
from ..forms import numbered
from ..models import QuarterlyReport, ReportingCycle, ReportStatus
from ..summary import LATE, MISSING, ON_TIME

NEXT_STEPS = (
    "各单位要对照实施方案逐项梳理工作进展，责任落实到具体人员，工作任务落实到具体时间。",
    "逾期和未报送的单位要于5个工作日内补报，并说明原因。",
    "领导小组办公室将继续实行季度汇总、半年通报制度，并将推进情况纳入年度专项督导。",
)
PRACTICE, PROBLEMS = "progress", "problems"  # the report form's text fields the office quotes from
DEFAULT_QUOTES = 5  # without the office's picks: the first answers of each kind


@dataclass(frozen=True)
class Answer:
    """One school's text answer for one work item, which the office may quote in the bulletin."""

    key: str  # "<report id>:<work item key>:<field>", what the office ticks
    school: str
    period: str
    work_item: str  # e.g. 一、控辍保学
    field: str  # PRACTICE or PROBLEMS
    text: str

    @property
    def quoted(self) -> str:
        return f"{self.school}（{self.work_item}）：{self.text}"


def draft_sections(*, cycle: ReportingCycle, summaries: list[SummaryTable], late: list[str],
                   missing: list[str], quotes: Collection[str] | None = None) -> list[dict]:
    """总体情况, 主要做法和成效, 存在问题, 逾期和未报送单位, 下一步工作要求.

    ``quotes`` are the keys of the answers the office picked; None quotes the first few of each kind.
    """
    answers = bulletin_answers(cycle=cycle, limit=None if quotes is not None else DEFAULT_QUOTES)
    picked = [a for a in answers if quotes is None or a.key in quotes]
    return [
        {"heading": "总体情况", "paragraphs": _overall(summaries)},
        {"heading": "主要做法和成效",
         "paragraphs": [a.quoted for a in picked if a.field == PRACTICE] or ["（请办公室选取典型经验做法。）"]},
        {"heading": "存在问题",
         "paragraphs": [a.quoted for a in picked if a.field == PROBLEMS] or ["（请办公室归纳存在的问题。）"]},
        {"heading": "逾期和未报送单位", "paragraphs": _named_units(summaries, late, missing)},
        {"heading": "下一步工作要求", "paragraphs": list(NEXT_STEPS)},
    ]


def bulletin_answers(*, cycle: ReportingCycle, limit: int | None = None) -> list[Answer]:
    """The schools' non-empty practice and problem answers in the cycle, by quarter, school and work item.

    With ``limit``, reading stops once that many answers of each kind are found.
    """
    items = {f"wi{i.number}": f"{numbered(i.number)}、{i.title}" for i in cycle.plan.work_items.all()}
    found: list[Answer] = []
    counts = {PRACTICE: 0, PROBLEMS: 0}
    reports = (QuarterlyReport.objects.filter(quarter__cycle=cycle, status=ReportStatus.SUBMITTED)
               .select_related("school", "quarter").order_by("quarter__quarter", "school__code", "pk"))
    for report in reports.iterator(chunk_size=100):
        for key, section in sorted((report.sections or {}).items()):
            for field in (PRACTICE, PROBLEMS):
                text = section.get(field, "") if isinstance(section, dict) else ""
                if not (isinstance(text, str) and text.strip() and key in items):
                    continue
                if limit is None or counts[field] < limit:
                    counts[field] += 1
                    found.append(Answer(key=f"{report.pk}:{key}:{field}", school=report.school.name,
                                        period=f"{cycle.year}年第{numbered(report.quarter.quarter)}季度",
                                        work_item=items[key], field=field, text=text.strip()))
        if limit is not None and min(counts.values()) >= limit:
            break
    return found


def _overall(summaries: list[SummaryTable]) -> list[str]:
    lines = []
    for summary in summaries:
        c = summary.counts
        rate = round(100 * c[ON_TIME] / c["schools"], 1) if c["schools"] else 0
        lines.append(f"{summary.period}，应报送单位{c['schools']}个，按时报送{c[ON_TIME]}个，逾期报送{c[LATE]}个，"
                     f"未报送{c[MISSING]}个，按时报送率{rate}%。")
    if summaries:
        lines.extend(_figures_by_work_item(summaries[-1]))
    return lines or ["本半年度尚无季度报送数据。"]


def _figures_by_work_item(summary: SummaryTable) -> list[str]:
    """One line per work item with figures: （一）控辍保学：截至…，劝返学生12，…。"""
    lines = []
    for column in summary.columns:
        totals = [t for t in summary.totals if t.work_item == column.number]
        if totals:
            figures = "，".join(f"{t.label}{_number(t.total)}" for t in totals)
            lines.append(f"（{numbered(column.number)}）{column.title}：截至{summary.period}，{figures}。")
    return lines


def _named_units(summaries: list[SummaryTable], late: list[str], missing: list[str]) -> list[str]:
    lines = []
    for summary in summaries:
        late_q = [r.school for r in summary.rows if r.status == LATE]
        missing_q = [r.school for r in summary.rows if r.status == MISSING]
        if late_q:
            lines.append(f"{summary.period}逾期报送的单位：{'、'.join(late_q)}。")
        if missing_q:
            lines.append(f"{summary.period}未报送的单位：{'、'.join(missing_q)}。")
    if not late and not missing:
        lines.append("本半年度各单位均按时报送。")
    return lines


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"
