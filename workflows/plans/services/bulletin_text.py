"""The words of a bulletin draft, built from the quarter summaries; the office edits them after."""
from __future__ import annotations

from ..documents.types import SummaryTable
from ..forms import numbered
from ..models import ReportingCycle
from ..summary import LATE, MISSING, ON_TIME

NEXT_STEPS = (
    "各单位要对照实施方案逐项梳理工作进展，责任落实到具体人员，工作任务落实到具体时间。",
    "逾期和未报送的单位要于5个工作日内补报，并说明原因。",
    "领导小组办公室将继续实行季度汇总、半年通报制度，并将推进情况纳入年度专项督导。",
)


def draft_sections(*, cycle: ReportingCycle, summaries: list[SummaryTable], late: list[str],
                   missing: list[str]) -> list[dict]:
    """总体情况, 主要做法和成效, 存在问题, 逾期和未报送单位, 下一步工作要求."""
    return [
        {"heading": "总体情况", "paragraphs": _overall(summaries)},
        {"heading": "主要做法和成效", "paragraphs": _good_practice(cycle)},
        {"heading": "存在问题", "paragraphs": _problems(cycle)},
        {"heading": "逾期和未报送单位", "paragraphs": _named_units(summaries, late, missing)},
        {"heading": "下一步工作要求", "paragraphs": list(NEXT_STEPS)},
    ]


def _overall(summaries: list[SummaryTable]) -> list[str]:
    lines = []
    for summary in summaries:
        c = summary.counts
        rate = round(100 * c[ON_TIME] / c["schools"], 1) if c["schools"] else 0
        lines.append(f"{summary.period}，应报送单位{c['schools']}个，按时报送{c[ON_TIME]}个，逾期报送{c[LATE]}个，"
                     f"未报送{c[MISSING]}个，按时报送率{rate}%。")
    if summaries:
        figures = "；".join(f"{t.label}{_number(t.total)}" for t in summaries[-1].totals[:12])
        if figures:
            lines.append(f"截至{summaries[-1].period}，主要指标汇总：{figures}。")
    return lines or ["本半年度尚无季度报送数据。"]


def _reports(cycle: ReportingCycle):
    from ..models import QuarterlyReport, ReportStatus

    return (QuarterlyReport.objects.filter(quarter__cycle=cycle, status=ReportStatus.SUBMITTED)
            .select_related("school", "quarter").order_by("quarter__quarter", "school__code"))


def _texts(cycle: ReportingCycle, field: str, limit: int) -> list[str]:
    """The first ``limit`` non-empty ``field`` texts, reading reports only until they are found."""
    items = {f"wi{i.number}": i for i in cycle.plan.work_items.all()}
    out: list[str] = []
    for report in _reports(cycle).iterator(chunk_size=100):
        for key, section in sorted((report.sections or {}).items()):
            text = (section or {}).get(field, "").strip() if isinstance(section, dict) else ""
            if text and key in items and len(out) < limit:
                out.append(f"{report.school.name}（{numbered(items[key].number)}、{items[key].title}）：{text}")
        if len(out) >= limit:
            break
    return out


def _good_practice(cycle: ReportingCycle) -> list[str]:
    return _texts(cycle, "progress", 5) or ["（请办公室选取典型经验做法。）"]


def _problems(cycle: ReportingCycle) -> list[str]:
    return _texts(cycle, "problems", 5) or ["（请办公室归纳存在的问题。）"]


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
