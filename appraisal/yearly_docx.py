"""The yearly report as a Word document (python-docx): the title, each section's text as edited,
then its tables and charts from the figures snapshot. Charts are drawn server-side with the same
Pillow code as the quality reports (quality.chart_png), so a city's report renders in a second.

No Django here beyond core.documents' document set-up.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from appraisal.yearly_figures import Table, YearFigures, charts, tables
from appraisal.yearly_text import NO_DATA, SECTION_KEYS, SECTION_TITLES
from core.documents import SONG_FONT, document_bytes, new_document
from quality import chart_png

NUMERALS = "一二三四五六七八九十"


def _para(doc: Any, text: str, *, size: float | None = None, bold: bool = False, align: Any = None,
          indent: bool = False) -> Any:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    return p


def _table(doc: Any, t: Table) -> None:
    _para(doc, t.title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    table = doc.add_table(rows=1, cols=len(t.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, t.headers, strict=True):
        cell.text = text
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for values in t.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)


def build_document(*, title: str, institution: str, sections: dict[str, str], figures: YearFigures,
                   issued_on: dt.date | None, draft: bool) -> bytes:
    """The report's .docx bytes."""
    doc = new_document(font=SONG_FONT, size_pt=12)
    for s in doc.sections:
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.0), Cm(2.8), Cm(2.8), Cm(2.6)
    _para(doc, title, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if draft:
        _para(doc, "（草稿，未发布）", align=WD_ALIGN_PARAGRAPH.CENTER)
    all_tables, all_charts = tables(figures), charts(figures)
    for i, key in enumerate(SECTION_KEYS):
        _para(doc, f"{NUMERALS[i]}、{SECTION_TITLES[key]}", bold=True, size=14)
        text = sections.get(key, "")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if not lines and key != "plans" and not all_tables.get(key):
            lines = [NO_DATA]
        for line in lines:
            _para(doc, line, indent=True)
        for t in all_tables.get(key, []):
            _table(doc, t)
        for c in all_charts.get(key, []):
            png = chart_png.bars(c.labels, c.values, c.title, c.unit)
            doc.add_picture(io.BytesIO(png), width=Cm(14))
            doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph()
    _para(doc, institution, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if issued_on is not None:
        _para(doc, f"{issued_on.year}年{issued_on.month}月{issued_on.day}日", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document_bytes(doc)
