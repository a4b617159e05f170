"""The yearly report's figures as a workbook (openpyxl): a summary sheet, then one sheet per
section with its tables, the same rows the page and the Word document show.

Every text cell is written as a string (a school named "=…" stays text, never a formula).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font, PatternFill

from appraisal.yearly_figures import YearFigures, summary_rows, tables
from appraisal.yearly_text import SECTION_KEYS, SECTION_TITLES

HEAD_FILL = PatternFill("solid", fgColor="EEF2F6")


def _put(ws: Any, row: int, col: int, value: Any, *, bold: bool = False) -> None:
    cell: Cell = ws.cell(row=row, column=col)
    if isinstance(value, bool) or not isinstance(value, int | float):
        cell.value = str(value)
        cell.data_type = "s"
    else:
        cell.value = value
    if bold:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL


def build_workbook(*, title: str, figures: YearFigures) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = "主要数据"
    _put(ws, 1, 1, title, bold=True)
    _put(ws, 2, 1, "项目", bold=True)
    _put(ws, 2, 2, "数量", bold=True)
    for i, (item, value) in enumerate(summary_rows(figures), start=3):
        _put(ws, i, 1, item)
        _put(ws, i, 2, value)
    ws.column_dimensions["A"].width = 28
    for key, ts in tables(figures).items():
        if key == "overview" or not ts:
            continue
        sheet = book.create_sheet(SECTION_TITLES[key][:31])
        row = 1
        for t in ts:
            _put(sheet, row, 1, t.title, bold=True)
            row += 1
            for col, h in enumerate(t.headers, start=1):
                _put(sheet, row, col, h, bold=True)
            row += 1
            for values in t.rows:
                for col, v in enumerate(values, start=1):
                    _put(sheet, row, col, v)
                row += 1
            row += 1
        sheet.column_dimensions["A"].width = 24
    assert set(tables(figures)) <= set(SECTION_KEYS)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
