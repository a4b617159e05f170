"""Exports of list pages to .xlsx: what the page shows, with its filters, all pages."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Every workbook we write: a text that starts with "=" (an exam named "=HYPERLINK(…)") stays text.
# xlsxwriter's write() would turn it into a formula, so every writer also uses write_string for
# user text; the option is the second wall (issue 8, finding 12).
WORKBOOK_OPTIONS: dict[str, bool] = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                  *, note: str = "") -> HttpResponse:
    """A workbook with one sheet: an optional note line (the filters used), headers, rows."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS | {"constant_memory": True})
    ws = book.add_worksheet(sheet[:31])
    bold = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    row = 0
    if note:
        ws.write_string(row, 0, note)
        row += 1
    for col, title in enumerate(headers):
        ws.write_string(row, col, title, bold)
        ws.set_column(col, col, max(10, len(title) * 2 + 2))
    row += 1
    for values in rows:
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_string(row, col, "是" if value else "否")
            elif isinstance(value, int | float):
                ws.write_number(row, col, value)
            else:
                # Codes stay text so that Excel keeps every digit.
                ws.write_string(row, col, str(value))
        row += 1
    book.close()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    name = f"{filename}-{stamp}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
