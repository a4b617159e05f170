"""The visit report as a Word document, in the layout Chinese bureaus exchange.

A red-head issuing body (发文机关) and the document number (文号) above a rule, the title, then
the numbered sections — 一、视导概况, 二、视导所见 (with the table of lessons observed by stage,
grade and subject, the dimension scores as a table and a bar chart, the routine checks), 三、主要
亮点, 四、存在问题, 五、意见建议 — the rectification list (school, problem, measure, owner,
deadline), and the issuing body and date at the foot. No database here: the caller passes the
edited sections and the figures (visits.report_draft.ReportFigures).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

from core.documents import SONG_FONT, document_bytes, new_document
from quality import chart_png
from visits.report_draft import (
    LEVEL_ORDER,
    SECTION_KEYS,
    SECTION_TITLES,
    ReportFigures,
    check_table,
    lesson_table,
)

RED = RGBColor(0xC0, 0x00, 0x00)
NUMERALS = "一二三四五六七八九十"


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _para(doc: Any, text: str, *, size: float | None = None, bold: bool = False, align: Any = None,
          color: RGBColor | None = None, indent: bool = False) -> Any:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(21)
    return p


def _table(doc: Any, headers: list[str], rows: list[list[str]]) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for r in cell.paragraphs[0].runs:
            r.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _body(doc: Any, text: str) -> None:
    for line in (text or "").splitlines():
        if line.strip():
            _para(doc, line.strip(), indent=True)


def build_report(*, title: str, issuer: str, number: str, issued_on: dt.date | None,
                 sections: dict[str, str], figures: ReportFigures) -> bytes:
    """The report's .docx bytes."""
    doc = new_document(font=SONG_FONT, size_pt=12)
    for s in doc.sections:
        s.top_margin, s.bottom_margin, s.left_margin, s.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    _para(doc, issuer, size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, color=RED)
    if number:
        _para(doc, number, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "—" * 24, color=RED, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, title, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    for i, key in enumerate(SECTION_KEYS):
        _para(doc, f"{NUMERALS[i]}、{SECTION_TITLES[key]}", bold=True, size=14)
        _body(doc, sections.get(key, ""))
        if key == "seen":
            _seen_figures(doc, figures)

    if figures.rectifications:
        _para(doc, f"{NUMERALS[len(SECTION_KEYS)]}、整改清单", bold=True, size=14)
        _table(doc, ["序号", "学校", "问题", "整改措施", "责任人", "整改期限"],
               [[str(i + 1), r.school, r.problem, r.measure or "—", r.owner or "—",
                 _date(r.deadline) if r.deadline else "—"] for i, r in enumerate(figures.rectifications)])

    doc.add_paragraph()
    _para(doc, issuer, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, _date(issued_on) if issued_on else "（印发日期）", align=WD_ALIGN_PARAGRAPH.RIGHT)
    return document_bytes(doc)


def _seen_figures(doc: Any, f: ReportFigures) -> None:
    lessons = lesson_table(f.lessons)
    if lessons:
        _para(doc, f"表1 听课情况（按学段、年级、学科，共{len(f.lessons)}节）", bold=True,
              align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(doc, ["学段", "年级", "学科", "节数"], [[s, g or "—", subj or "—", str(n)] for s, g, subj, n in lessons])
    dims = [d for d in f.dimensions if d.count]
    if dims:
        _para(doc, "表2 课堂评价各维度平均得分", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(doc, ["维度", "平均分", "满分", "评分节数"],
               [[d.title, f"{d.mean:.1f}", f"{d.max:g}" if d.max else "—", str(d.count)] for d in dims])
        png = chart_png.bars([d.title for d in dims], [d.mean for d in dims], "各维度平均得分", "分")
        doc.add_picture(io.BytesIO(png), width=Cm(14))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    checks = check_table(f.checks)
    if checks:
        levels = [lvl for lvl in (*LEVEL_ORDER, "未评定") if any(lvl in c for _i, c, _n in checks)]
        _para(doc, "表3 常规检查情况", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _table(doc, ["检查项目", *levels, "合计"],
               [[item, *[str(c.get(lvl, 0)) for lvl in levels], str(n)] for item, c, n in checks])
