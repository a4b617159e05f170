"""The two attachments of 002 (附件1 教研员联系乡镇学校名单, 附件2 骨干教师联系乡镇学校名单) as Excel
and Word, and the round's report as Word. No database here: the caller passes plain rows
(`ListRow`) and the report's figures (`ReportData`).

The attachments' layout is that of a notice's annex: "附件1" at the top left, the title centred,
then one table — 序号, 县（区）, 联系学校, 学段, 学科, the linker and their unit (for backbone
teachers, also the researcher whose team they are in), 备注.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

from core.documents import SONG_FONT, document_bytes, new_document


@dataclass(frozen=True)
class ListRow:
    county: str
    school: str
    stage: str
    subjects: str
    person: str
    unit: str
    leader: str = ""
    note: str = ""


RESEARCHER, BACKBONE = "researcher", "backbone"


def attachment_title(kind: str, institution: str) -> tuple[str, str]:
    """(附件N, title) of the attachment of `kind`."""
    if kind == RESEARCHER:
        return "附件1", f"{institution}教研员联系乡镇学校名单"
    return "附件2", f"{institution}骨干教师联系乡镇学校名单"


def attachment_headers(kind: str) -> list[str]:
    if kind == RESEARCHER:
        return ["序号", "县（区）", "联系学校", "学段", "学科", "教研员", "所在单位", "备注"]
    return ["序号", "县（区）", "联系学校", "学段", "学科", "骨干教师", "所在学校", "所在团队教研员", "备注"]


def _cells(kind: str, i: int, r: ListRow) -> list[str | int]:
    base: list[str | int] = [i, r.county, r.school, r.stage, r.subjects, r.person, r.unit]
    if kind == BACKBONE:
        base.append(r.leader)
    base.append(r.note)
    return base


def attachment_xlsx(kind: str, institution: str, rows: list[ListRow]) -> bytes:
    annex, title = attachment_title(kind, institution)
    headers = attachment_headers(kind)
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = annex
    ws.append([annex])
    ws.append([title])
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(headers))
    ws.cell(row=2, column=1).font = Font(name=SONG_FONT, size=16, bold=True)
    ws.cell(row=2, column=1).alignment = Alignment(horizontal="center")
    ws.append(headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for col in range(1, len(headers) + 1):
        c = ws.cell(row=3, column=col)
        c.font, c.border, c.alignment = Font(bold=True), border, Alignment(horizontal="center")
    for i, r in enumerate(rows, start=1):
        ws.append(_cells(kind, i, r))
        for col in range(1, len(headers) + 1):
            ws.cell(row=3 + i, column=col).border = border
    widths = {"序号": 6, "县（区）": 12, "联系学校": 26, "学段": 8, "学科": 12, "所在单位": 22, "所在学校": 22,
              "备注": 16}
    for col, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=3, column=col).column_letter].width = widths.get(h, 12)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table(doc: Any, headers: list[str], rows: list[list[str]]) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def attachment_docx(kind: str, institution: str, rows: list[ListRow]) -> bytes:
    annex, title = attachment_title(kind, institution)
    doc = new_document(font=SONG_FONT)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = Cm(2)
    p = doc.add_paragraph()
    p.add_run(annex).bold = True
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold, run.font.size = True, Pt(16)
    _table(doc, attachment_headers(kind), [[str(c) for c in _cells(kind, i, r)] for i, r in enumerate(rows, start=1)])
    if not rows:
        doc.add_paragraph("（本轮尚无确定的联系）")
    return document_bytes(doc)


@dataclass
class ReportData:
    institution: str
    title: str
    phases: list[tuple[str, dt.date, dt.date]]
    links: int
    researchers: int
    backbone: int
    schools: int
    weak_covered: tuple[int, int]
    rural_covered: tuple[int, int]
    onsite: list[tuple[str, float, bool]]  # person, days, meets, for the semesters counted
    tasks: list[tuple[str, int, int]]  # task, links done, links
    meetings: list[tuple[dt.date, str]]
    cases: list[tuple[str, str, str]]  # teacher, school, case
    summary: str = ""
    outcomes: str = ""
    next_round: str = ""
    onsite_target: float = 5.0


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def report_docx(data: ReportData, today: dt.date) -> bytes:
    """The round's report: 一、基本情况, 二、驻校工作, 三、工作任务落实, 四、工作交流, 五、跟进式指导案例,
    六、工作总结与成果, 七、下一轮次安排."""
    doc = new_document(font=SONG_FONT)
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(f"{data.title}工作总结报告")
    run.bold, run.font.size = True, Pt(18)
    doc.add_paragraph(data.institution).alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_heading("一、基本情况", level=2)
    doc.add_paragraph(
        f"本轮次共确定定点联系{data.links}项，教研员{data.researchers}人、骨干教师{data.backbone}人联系学校"
        f"{data.schools}所；薄弱学校覆盖{data.weak_covered[0]}/{data.weak_covered[1]}所，乡村学校覆盖"
        f"{data.rural_covered[0]}/{data.rural_covered[1]}所。")
    _table(doc, ["阶段", "开始", "结束"], [[name, _date(a), _date(b)] for name, a, b in data.phases])
    doc.add_heading("二、驻校工作", level=2)
    short = [name for name, _, ok in data.onsite if not ok]
    doc.add_paragraph(f"每学期驻校工作不少于{data.onsite_target:g}个工作日（按已开展的学期累计）。"
                      f"{len(data.onsite) - len(short)}人达到要求"
                      + (f"，{len(short)}人未达到：{'、'.join(short)}。" if short else "。"))
    _table(doc, ["联系人", "驻校工作日", "是否达到"], [[n, f"{d:g}", "是" if ok else "否"] for n, d, ok in data.onsite])
    doc.add_heading("三、工作任务落实", level=2)
    _table(doc, ["工作任务", "已完成", "联系项数"], [[t, str(done), str(n)] for t, done, n in data.tasks])
    doc.add_heading("四、工作交流", level=2)
    if data.meetings:
        for d, title in data.meetings:
            doc.add_paragraph(f"{_date(d)}　{title}")
    else:
        doc.add_paragraph("本轮次尚未召开工作交流会。")
    doc.add_heading("五、跟进式指导案例", level=2)
    if data.cases:
        for teacher, school, case in data.cases:
            p = doc.add_paragraph()
            p.add_run(f"{teacher}（{school}）：").bold = True
            p.add_run(case)
    else:
        doc.add_paragraph("尚未形成跟进式指导案例。")
    doc.add_heading("六、工作总结与成果", level=2)
    doc.add_paragraph(data.summary or "（待填写）")
    if data.outcomes:
        doc.add_paragraph(data.outcomes)
    doc.add_heading("七、下一轮次安排", level=2)
    doc.add_paragraph(data.next_round or "（待填写）")
    foot = doc.add_paragraph(f"{data.institution}\n{_date(today)}")
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document_bytes(doc)
