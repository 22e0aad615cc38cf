"""The quarterly summary workbook, read back the way the office would look at it."""
from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from workflows.plans.documents.formatting import chinese_numeral
from workflows.plans.documents.summary_xlsx import render_summary_xlsx
from workflows.plans.documents.types import FigureTotal, SummaryCell, SummaryColumn, SummaryRow, SummaryTable

UTC = dt.UTC
ITEMS = (
    (1, "完善乡村振兴工作体系机制", "资助中心、后勤中心"),
    (2, "加大农村学校基础能力建设", "阳光服务中心"),
    (3, "加强乡村教师队伍建设", "人事股、教师培训中心"),
    (4, "持续提升全区教育信息化质量", "教育信息技术中心"),
    (5, "提升“义务教育有保障”水平", "资助中心、教育股"),
    (6, "发挥乡村学校教育浸润作用", "教育股、工会"),
    (7, "持续开展教育帮扶领域作风问题专项治理工作", "资助中心、纪检监察室"),
    (8, "做好对口帮扶保靖县水田河镇教育帮扶工作", "人事股、教师培训中心、资助中心"),
)
_CODES = {"O": "on_time", "L": "late", "M": "missing"}


def _row(school: str, status: str, submitted_at: dt.datetime | None, cells: str) -> SummaryRow:
    return SummaryRow(school, status, submitted_at, tuple(SummaryCell(_CODES[c]) for c in cells))


def _table() -> SummaryTable:
    return SummaryTable(
        title="2024年第一季度教育服务乡村振兴工作汇总表",
        plan_title="岳阳市云溪区教育体育局2024年推进教育服务乡村振兴工作实施方案",
        period="2024年第一季度",
        due_at=dt.datetime(2024, 4, 10, 15, 59, tzinfo=UTC),  # 23:59 in Shanghai
        columns=tuple(SummaryColumn(n, title, dept) for n, title, dept in ITEMS),
        rows=(
            _row("文桥中心小学", "on_time", dt.datetime(2024, 4, 8, 7, 30, tzinfo=UTC), "OOOOOOOO"),
            _row("岳化二小", "late", dt.datetime(2024, 4, 12, 1, 30, tzinfo=UTC), "OOLLLLLL"),
            _row("云溪小学", "on_time", dt.datetime(2024, 4, 10, 2, 0, tzinfo=UTC), "OOOOOOOO"),
            _row("路口镇中学", "late", dt.datetime(2024, 4, 15, 8, 0, tzinfo=UTC), "LLLLLLLL"),
            _row("陆城镇中心小学", "missing", None, "MMMMMMMM"),
        ),
        totals=(
            FigureTotal(1, "nutrition_students", "营养改善计划受益学生数", 1260),
            FigureTotal(3, "national_training", "国培参训人次", 18),
            FigureTotal(5, "aided_students", "资助学生人次", 342),
            FigureTotal(5, "aid_amount", "资助金额（元）", 171000.5),
            FigureTotal(8, "paired_schools", "结对学校数", 3),
        ),
        department_totals={
            "资助中心": {"资助学生人次": 342, "资助金额（元）": 171000.5},
            "人事股": {"国培参训人次": 18, "结对学校数": 3},
        },
        counts={"on_time": 2, "late": 2, "missing": 1, "schools": 5},
        not_reported=("陆城镇中心小学",),
    )


def _open(table: SummaryTable | None = None):
    return load_workbook(io.BytesIO(render_summary_xlsx(table or _table())))


def _row_of(ws: Worksheet, label: str) -> tuple:
    """The values of the first row whose 学校 column (B) reads `label`."""
    for values in ws.iter_rows(values_only=True):
        if len(values) > 1 and values[1] == label:
            return values
    raise AssertionError(f"no row labelled {label}")


def test_workbook_has_the_three_sheets() -> None:
    """汇总, 指标 and 未报送单位, in that order."""
    assert _open().sheetnames == ["汇总", "指标", "未报送单位"]


def test_summary_title_plan_line_and_headers() -> None:
    """Bold merged title, the plan/period/due line with a Chinese date, then the headers."""
    ws = _open()["汇总"]
    assert ws["A1"].value == "2024年第一季度教育服务乡村振兴工作汇总表"
    assert ws["A1"].font.bold
    assert "A1:L1" in {str(r) for r in ws.merged_cells.ranges}
    line = ws["A2"].value
    assert "2024年推进教育服务乡村振兴工作实施方案" in line and "2024年第一季度" in line
    assert "2024年4月10日" in line  # 15:59 UTC is still the 10th in Shanghai
    headers = [c.value for c in ws[3]]
    assert headers[:4] == ["序号", "学校", "报送情况", "报送时间"]
    assert headers[4] == "一、完善乡村振兴工作体系机制"
    assert headers[8] == "五、提升“义务教育有保障”水平"
    assert headers[11] == "八、做好对口帮扶保靖县水田河镇教育帮扶工作"
    assert all(c.alignment.wrap_text for c in ws[3])
    assert ws.freeze_panes == "C4"


def test_school_rows_show_the_status_in_chinese() -> None:
    """A late school reads 逾期 where it was late; the missing one reads 未报送 everywhere."""
    ws = _open()["汇总"]
    yuehua = _row_of(ws, "岳化二小")
    assert yuehua[0] == 2
    assert yuehua[2] == "逾期"
    assert yuehua[3] == "2024年4月12日 09:30"
    assert yuehua[4:6] == ("按时", "按时")
    assert yuehua[6] == "逾期"  # 三、加强乡村教师队伍建设
    assert _row_of(ws, "文桥中心小学")[2:4] == ("按时", "2024年4月8日 15:30")
    missing = _row_of(ws, "陆城镇中心小学")
    assert missing[2] == "未报送" and missing[3] is None
    assert set(missing[4:]) == {"未报送"}


def test_totals_rows_equal_the_counts() -> None:
    """按时/逾期/未报送/合计 match the counts overall and per work item."""
    ws = _open()["汇总"]
    assert _row_of(ws, "按时")[2] == 2
    assert _row_of(ws, "逾期")[2] == 2
    assert _row_of(ws, "未报送")[2] == 1
    assert _row_of(ws, "合计")[2] == 5
    assert _row_of(ws, "按时")[4] == 3  # 一、: 岳化二小 was on time for this item
    assert _row_of(ws, "逾期")[6] == 2  # 三、
    assert _row_of(ws, "合计")[11] == 5


def test_not_reported_sheet_lists_exactly_the_missing_school() -> None:
    """One row per unit not reported, numbered."""
    rows = list(_open()["未报送单位"].iter_rows(values_only=True))
    assert rows == [("序号", "单位"), (1, "陆城镇中心小学")]


def test_school_cells_are_bordered_and_coloured_by_status_on_every_row() -> None:
    """Late cells orange, missing ones red, on-time ones plain; names left-aligned; all bordered."""
    ws = _open()["汇总"]
    colours = {"按时": "00000000", "逾期": "00FCE4D6", "未报送": "00FFC7CE"}
    for row in ws.iter_rows(min_row=4, max_row=8):
        assert all(c.border.left.style == "thin" for c in row)
        assert row[1].alignment.horizontal is None and row[0].alignment.horizontal == "center"
        for cell in (row[2], *row[4:]):
            assert cell.fill.fgColor.rgb == colours[cell.value], (cell.coordinate, cell.value)
    not_reported = _open()["未报送单位"]
    assert not_reported["A2"].alignment.horizontal == "center" and not_reported["B2"].alignment.horizontal is None
    assert not_reported["A2"].border.left.style == not_reported["B2"].border.left.style == "thin"


def test_figure_totals_and_department_blocks() -> None:
    """Each figure total under its work item, then the totals per department."""
    rows = list(_open()["指标"].iter_rows(values_only=True))
    assert rows[0] == ("工作重点", "指标", "合计")
    assert ("一、完善乡村振兴工作体系机制", "营养改善计划受益学生数", 1260) in rows
    assert ("五、提升“义务教育有保障”水平", "资助金额（元）", 171000.5) in rows
    assert ("八、做好对口帮扶保靖县水田河镇教育帮扶工作", "结对学校数", 3) in rows
    start = rows.index(("部门", "指标", "合计"))
    assert set(rows[start + 1:]) == {
        ("资助中心", "资助学生人次", 342), ("资助中心", "资助金额（元）", 171000.5),
        ("人事股", "国培参训人次", 18), ("人事股", "结对学校数", 3),
    }


def test_empty_table_still_renders() -> None:
    """No schools, no items: the sheets and headers are there, the totals are zero."""
    table = SummaryTable("空表", "方案", "2024年第二季度", dt.datetime(2024, 7, 10), (), (), (), {},
                         {"on_time": 0, "late": 0, "missing": 0, "schools": 0}, ())
    wb = _open(table)
    assert [c.value for c in wb["汇总"][3]] == ["序号", "学校", "报送情况", "报送时间"]
    assert _row_of(wb["汇总"], "合计")[2] == 0
    assert list(wb["未报送单位"].iter_rows(values_only=True)) == [("序号", "单位")]


def test_chinese_numerals() -> None:
    """一 to 十, then 十一 and 二十; outside 1–99 stays Arabic."""
    assert [chinese_numeral(n) for n in (1, 2, 8, 10, 11, 20, 25)] == ["一", "二", "八", "十", "十一", "二十", "二十五"]
    assert chinese_numeral(0) == "0" and chinese_numeral(100) == "100"


FORMULA_LIKE = ("=HYPERLINK(\"http://example.com\",\"点此\")", "+1+2", "-3+4", "@SUM(A1:A2)", "=1+1")


def test_names_that_look_like_formulas_stay_text() -> None:
    """A school, a title, a figure label, a department or a unit named '=…' (or +, -, @) is text, never a formula."""
    import dataclasses

    school, title, label, department, unit = FORMULA_LIKE
    base = _table()
    table = dataclasses.replace(
        base, title=title, plan_title="=PLAN()",
        columns=(SummaryColumn(1, "=A1*2", "=资助中心"), *base.columns[1:]),
        rows=(_row(school, "missing", None, "MMMMMMMM"), *base.rows[1:]),
        totals=(FigureTotal(1, "nutrition_students", label, 1260), *base.totals[1:]),
        department_totals={department: {"=LABEL()": 1}}, not_reported=(unit, "+单位"))
    wb = _open(table)
    summary, figures, missing = wb["汇总"], wb["指标"], wb["未报送单位"]
    cells = [summary["A1"], summary["B4"], figures["B2"], figures["A9"], figures["B9"], missing["B2"], missing["B3"]]
    assert [(c.value, c.data_type) for c in cells] == [
        (title, "s"), (school, "s"), (label, "s"), (department, "s"), ("=LABEL()", "s"), (unit, "s"), ("+单位", "s")]
    assert summary["A2"].value.startswith("=PLAN()") and summary["A2"].data_type == "s"
    assert summary["E3"].value == "一、=A1*2" and summary["E3"].data_type == "s"
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
