"""Plain data handed to the document renderers (no ORM objects)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class SummaryColumn:
    """One work item (工作重点) in the summary table."""

    number: int
    title: str
    lead_department: str


@dataclass(frozen=True)
class SummaryCell:
    """One school × one work item: whether it was reported and the figures given."""

    status: str  # "on_time" | "late" | "missing"
    figures: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SummaryRow:
    school: str
    status: str  # the school's report as a whole: "on_time" | "late" | "missing"
    submitted_at: dt.datetime | None
    cells: tuple[SummaryCell, ...]  # in the order of SummaryTable.columns
    extended_to: dt.datetime | None = None  # the due moment an extension granted, when it differs from the quarter's


@dataclass(frozen=True)
class FigureTotal:
    """A figure summed over schools, for one work item."""

    work_item: int
    key: str
    label: str
    total: float


@dataclass(frozen=True)
class SummaryTable:
    """The quarterly summary (季度汇总): schools × work items, with totals and the units not reported."""

    title: str  # e.g. 2024年第一季度教育服务乡村振兴工作汇总表
    plan_title: str
    period: str  # e.g. 2024年第一季度
    due_at: dt.datetime
    columns: tuple[SummaryColumn, ...]
    rows: tuple[SummaryRow, ...]
    totals: tuple[FigureTotal, ...]
    department_totals: dict[str, dict[str, float]]  # department name -> {figure label: total}
    counts: dict[str, int]  # {"on_time": n, "late": n, "missing": n, "schools": n}
    not_reported: tuple[str, ...]  # 未报送单位


@dataclass(frozen=True)
class BulletinSection:
    heading: str  # e.g. 总体情况 (the renderer numbers it 一、二、…)
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class BulletinDocument:
    """A bulletin (通报) in the layout of GB/T 9704-2012."""

    issuer: str  # 发文机关 e.g. 岳阳市云溪区教育体育局
    document_number: str  # 发文字号 e.g. 岳云教体函〔2024〕15号
    title: str  # 标题
    addressees: str  # 主送机关 e.g. 区直各中小学、幼儿园：
    sections: tuple[BulletinSection, ...]
    signature: str  # 发文机关署名
    date: dt.date  # 成文日期 (written out as 2024年7月15日)
    copied_to: str = ""  # 抄送
    printed_by: str = ""  # 印发机关
    printed_on: dt.date | None = None  # 印发日期
