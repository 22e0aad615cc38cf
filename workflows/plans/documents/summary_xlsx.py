"""The quarterly summary (季度汇总表) as an Excel workbook: schools × work items, figures, units not reported."""
from __future__ import annotations

import io
import math
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .formatting import chinese_date, chinese_datetime, chinese_numeral
from .types import SummaryColumn, SummaryRow, SummaryTable

STATUS_LABELS = {"on_time": "按时", "late": "逾期", "missing": "未报送"}
FIXED_HEADERS = ("序号", "学校", "报送情况", "报送时间")
FIXED_WIDTHS = (6, 22, 10, 20)
ITEM_WIDTH = 16
HEADER_ROW = 3

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_STATUS_FILLS = {"late": PatternFill("solid", fgColor="FCE4D6"), "missing": PatternFill("solid", fgColor="FFC7CE")}
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="center", wrap_text=True)
_BOLD = Font(bold=True)
# The styles of body cells, one per kind of cell (a school's row, a unit not reported).
_BODY_STYLES = {
    "center": {"border": _BORDER, "alignment": _CENTER},
    "school": {"border": _BORDER, "alignment": _WRAP},
    **{status: {"border": _BORDER, "alignment": _CENTER, "fill": fill} for status, fill in _STATUS_FILLS.items()},
    "bordered": {"border": _BORDER},
}


class _CellStyles:
    """Body cells styled at the cost of one cell per kind.

    Setting a cell's border, fill or alignment finds the style in the workbook by hashing it, which
    dominates the export at 100,000 cells. The first cell of each kind is styled the ordinary way; the
    others take a copy of its style indexes (as openpyxl's own sheet copy does): the same file, byte for
    byte. One instance per workbook (the indexes are the workbook's).
    """

    def __init__(self) -> None:
        self._done: dict[str, StyleArray] = {}

    def apply(self, cell: Cell, kind: str) -> None:
        if kind in self._done:
            cell._style = copy(self._done[kind])
            return
        for attr, value in _BODY_STYLES[kind].items():
            setattr(cell, attr, value)
        self._done[kind] = copy(cell._style)


def _as_text(ws: Worksheet, row: int, *columns: int) -> None:
    """Keep names and labels text: openpyxl stores a string starting with '=' as a formula Excel would run."""
    for column in columns:
        cell = ws.cell(row=row, column=column)
        if cell.data_type == "f":
            cell.data_type = "s"


def status_label(status: str) -> str:
    """on_time/late/missing → 按时/逾期/未报送 (anything else is shown as given)."""
    return STATUS_LABELS.get(status, status)


def item_heading(column: SummaryColumn) -> str:
    """The header of a work-item column: 一、完善乡村振兴工作体系机制."""
    return f"{chinese_numeral(column.number)}、{column.title}"


def render_summary_xlsx(table: SummaryTable) -> bytes:
    """Render the summary table as an .xlsx workbook (sheets 汇总, 指标, 未报送单位) and return its bytes."""
    wb = Workbook()
    summary = wb.active
    summary.title = "汇总"
    styles = _CellStyles()
    _fill_summary(summary, table, styles)
    _fill_figures(wb.create_sheet("指标"), table)
    _fill_not_reported(wb.create_sheet("未报送单位"), table.not_reported, styles)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def _style_header(ws: Worksheet, row: int, ncols: int) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=row, column=col)
        cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEADER_FILL, _CENTER, _BORDER


def _fill_summary(ws: Worksheet, table: SummaryTable, styles: _CellStyles) -> None:
    headers = [*FIXED_HEADERS, *(item_heading(c) for c in table.columns)]
    ncols, last = len(headers), get_column_letter(len(headers))
    ws.append([table.title])
    _as_text(ws, 1, 1)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    ws.append([f"{table.plan_title}　　{table.period}　　报送截止：{chinese_date(table.due_at)}"])
    _as_text(ws, 2, 1)
    ws.merge_cells(f"A2:{last}2")
    ws["A2"].alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.row_dimensions[2].height = 20 if len(ws["A2"].value) < 90 else 36

    ws.append(headers)
    _as_text(ws, HEADER_ROW, *range(1, ncols + 1))
    _style_header(ws, HEADER_ROW, ncols)
    longest = max((len(h) for h in headers[len(FIXED_HEADERS):]), default=4)
    ws.row_dimensions[HEADER_ROW].height = 16 * math.ceil(longest / (ITEM_WIDTH // 2 - 1)) + 6

    for index, row in enumerate(table.rows, start=1):
        _append_school(ws, index, row, len(table.columns), styles)
    _append_totals(ws, table)

    for col, width in enumerate([*FIXED_WIDTHS, *([ITEM_WIDTH] * len(table.columns))], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=3)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _append_school(ws: Worksheet, index: int, row: SummaryRow, ncolumns: int, styles: _CellStyles) -> None:
    submitted = chinese_datetime(row.submitted_at) if row.submitted_at else ""
    if row.extended_to is not None:
        submitted = f"{submitted}（延期至{chinese_datetime(row.extended_to)}）".lstrip()
    statuses = [row.status, *(row.cells[i].status if i < len(row.cells) else row.status for i in range(ncolumns))]
    ws.append([index, row.school, status_label(row.status), submitted, *map(status_label, statuses[1:])])
    r = HEADER_ROW + index  # the row just appended (ws.max_row would scan every cell of the sheet)
    _as_text(ws, r, 2)  # the school's name; the other cells are numbers, dates and fixed labels
    kinds = dict.fromkeys(range(1, 5 + ncolumns), "center")
    kinds[2] = "school"
    for col, status in zip([3, *range(5, 5 + ncolumns)], statuses, strict=True):
        if status in _STATUS_FILLS:
            kinds[col] = status
    for col, kind in kinds.items():
        styles.apply(ws.cell(row=r, column=col), kind)


def _append_totals(ws: Worksheet, table: SummaryTable) -> None:
    schools = table.counts.get("schools", len(table.rows))
    for key, label in (*STATUS_LABELS.items(), ("schools", "合计")):
        overall = schools if key == "schools" else table.counts.get(key, 0)
        per_item = [
            len(table.rows) if key == "schools"
            else sum(1 for row in table.rows if i < len(row.cells) and row.cells[i].status == key)
            for i in range(len(table.columns))
        ]
        ws.append(["", label, overall, "", *per_item])
        r = ws.max_row
        for col in range(1, 5 + len(table.columns)):
            cell = ws.cell(row=r, column=col)
            cell.font, cell.border, cell.alignment = _BOLD, _BORDER, _CENTER


def _fill_figures(ws: Worksheet, table: SummaryTable) -> None:
    headings = {c.number: item_heading(c) for c in table.columns}
    ws.append(["工作重点", "指标", "合计"])
    _style_header(ws, 1, 3)
    for total in table.totals:
        ws.append([headings.get(total.work_item, f"{chinese_numeral(total.work_item)}、"), total.label,
                   _number(total.total)])
        _as_text(ws, ws.max_row, 1, 2)
        _style_body(ws)
    if table.department_totals:
        ws.append([])
        ws.append(["部门", "指标", "合计"])
        _style_header(ws, ws.max_row, 3)
        for department, figures in table.department_totals.items():
            for label, value in figures.items():
                ws.append([department, label, _number(value)])
                _as_text(ws, ws.max_row, 1, 2)
                _style_body(ws)
    for col, width in zip("ABC", (36, 30, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"


def _style_body(ws: Worksheet) -> None:
    r = ws.max_row
    for col in range(1, 4):
        cell = ws.cell(row=r, column=col)
        cell.border = _BORDER
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _fill_not_reported(ws: Worksheet, names: tuple[str, ...], styles: _CellStyles) -> None:
    ws.append(["序号", "单位"])
    _style_header(ws, 1, 2)
    for index, name in enumerate(names, start=1):
        ws.append([index, name])
        _as_text(ws, 1 + index, 2)
        styles.apply(ws.cell(row=1 + index, column=1), "center")
        styles.apply(ws.cell(row=1 + index, column=2), "bordered")
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 36
    ws.freeze_panes = "A2"
