"""The teacher archive as the Word document a school files (python-docx): a cover with the
teacher's name, school, subject and title; one section per kind of record in a fixed order, each
a table (日期 · 事项 · 内容); the problems found and their follow-up; page numbers in the footer."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Sequence
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from core.documents import SONG_FONT, document_bytes, new_document
from core.models import Person
from observe.archive import ArchiveEntry, ArchiveProblem
from observe.models import ArchiveNote

# The sections in the order a school files them, each with the archive sources it holds; a source
# registered later and not named here goes to the last section.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("一、培训学习", ("growth.training",)),
    ("二、听课与评课", ("observe.received", "observe.given")),
    ("三、教研活动", ("research.activities",)),
    ("四、课题研究", ("projects.projects",)),
    ("五、获奖与证书", ("growth.awards",)),
    ("六、人才培养与名师工作室", ("growth.programmes", "growth.studios")),
    ("七、定点联系与跟进式指导", ("liaison.links", "liaison.guidance")),
    ("八、成长记录", ("observe.notes",)),
    ("九、视导发现", ("visits.findings",)),
    ("十、其他记录", ()),
)
PROBLEMS_HEADING = "十一、教学问题与整改跟进"
TABLE_HEADER = ("日期", "类别", "事项", "内容")
PROBLEM_HEADER = ("发现日期", "问题", "整改与跟进", "结论")


def section_of(source: str) -> str:
    for title, sources in SECTIONS:
        if source in sources:
            return title
    return SECTIONS[-1][0]


def _field(run: Any, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) inside a run: begin, instruction, end."""
    for kind, text in (("begin", None), (None, code), ("end", None)):
        if kind is None:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _page_numbers(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    _field(p.add_run(), "PAGE")
    p.add_run(" 页，共 ")
    _field(p.add_run(), "NUMPAGES")
    p.add_run(" 页")


def _set_text(r: Any, text: str) -> None:
    """A run's text as Word's own elements (w:t, with w:br for a line break and w:tab for a tab),
    built directly: python-docx's Run.text appends the text one character at a time."""
    for old in r.findall(qn("w:t")):
        r.remove(old)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(OxmlElement("w:br"))
        for j, part in enumerate(line.split("\t")):
            if j:
                r.append(OxmlElement("w:tab"))
            if part:
                t = OxmlElement("w:t")
                t.set(qn("xml:space"), "preserve")
                t.text = part
                r.append(t)


def _style_id(doc: Any, name: str) -> str:
    return str(doc.styles[name].style_id)


def _table(doc: Any, header: tuple[str, ...], rows: Sequence[tuple[str, ...]], style_id: str) -> Any:
    """A grid table with a bold header row. The body rows are copies of one prepared row with
    their texts set (python-docx's add_row and cell.text cost ten times more: a ten-year archive
    has hundreds of rows), and the style is set by its id, looked up once per document (each
    lookup by name walks every style)."""
    table = doc.add_table(rows=2, cols=len(header))
    table._tbl.tblStyle_val = style_id
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    proto = table.rows[1]
    for cell in proto.cells:
        cell.paragraphs[0].add_run("-")
    tr, tbl = proto._tr, table._tbl
    tbl.remove(tr)
    for values in rows:
        new = copy.deepcopy(tr)
        for run, text in zip(new.iter(qn("w:r")), values, strict=True):
            if "\n" in text or "\t" in text:
                _set_text(run, text)
            else:
                run.find(qn("w:t")).text = text
        tbl.append(new)
    return table


def _heading(doc: Any, text: str, style_id: str) -> None:
    p = doc.add_paragraph()
    p._p.style = style_id
    p.add_run(text)


def _entry_text(e: ArchiveEntry) -> str:
    bits = [f"{label}：{text}" for label, text in e.lines if text]
    if e.tags:
        bits.append("（" + "、".join(e.tags) + "）")
    return "\n".join(bits)


def _follow_up(p: ArchiveProblem, notes: list[ArchiveNote]) -> str:
    lines = [f"{d:%Y-%m-%d} {text}" if d else text for d, text in p.actions]
    for n in notes:
        who = n.created_by.name if n.created_by else ""
        lines.append(f"{n.date:%Y-%m-%d} {who}记录：{n.text}（整改期限{n.deadline:%Y-%m-%d}）" if n.deadline
                     else f"{n.date:%Y-%m-%d} {who}记录：{n.text}")
    return "\n".join(lines) or "尚无跟进"


def archive_document(person: Person, entries: list[ArchiveEntry], problems: list[ArchiveProblem],
                     notes_by_problem: dict[tuple[str, int], list[ArchiveNote]], *,
                     exported: dt.datetime) -> bytes:
    doc = new_document(font=SONG_FONT, size_pt=10.5)
    first = doc.sections[0]
    _page_numbers(first)
    # The cover.
    for _ in range(4):
        doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("教师教学档案")
    run.bold, run.font.size = True, Pt(26)
    doc.add_paragraph()
    facts = (("姓名", person.name), ("工作单位", person.org.name),
             ("任教学科", person.main_subject.name if person.main_subject else "—"),
             ("职称", person.get_title_display()), ("从教年份", str(person.teaching_since or "—")),
             ("导出日期", f"{exported:%Y-%m-%d}"))
    grid, heading_1 = _style_id(doc, "Table Grid"), _style_id(doc, "Heading 1")
    cover = doc.add_table(rows=0, cols=2)
    cover._tbl.tblStyle_val = grid
    for label, value in facts:
        cells = cover.add_row().cells
        cells[0].text, cells[1].text = label, value
    note = doc.add_paragraph("依据《清远市基础教育教学质量提升计划》（一）4：为每一位教师建立教学档案，对其成长过程做好记录，"
                             "对教学中出现的问题及时确定整改措施、限定整改期限。")
    note.runs[0].font.size = Pt(9)
    note.add_run().add_break(WD_BREAK.PAGE)
    # One section per kind of record, oldest first within it (an archive reads as a history).
    grouped: dict[str, list[ArchiveEntry]] = {t: [] for t, _ in SECTIONS}
    for e in entries:
        grouped[section_of(e.source)].append(e)
    for heading, _ in SECTIONS:
        items = sorted(grouped[heading], key=lambda x: (x.date, x.sort_key))
        _heading(doc, f"{heading}（{len(items)}条）", heading_1)
        if items:
            _table(doc, TABLE_HEADER, [(f"{e.date:%Y-%m-%d}", e.kind_label, e.title, _entry_text(e)) for e in items],
                   grid)
        else:
            doc.add_paragraph("本项暂无记录。")
    # The problems and what was done about each.
    _heading(doc, f"{PROBLEMS_HEADING}（{len(problems)}个）", heading_1)
    if problems:
        rows = []
        for p in sorted(problems, key=lambda x: (x.date, x.problem_id)):
            notes = notes_by_problem.get((p.source, p.problem_id), [])
            done = p.followed or bool(notes)
            rows.append((f"{p.date:%Y-%m-%d}", f"{p.kind_label}：{p.title}" + (f"\n{p.detail}" if p.detail else ""),
                         _follow_up(p, notes), "已跟进" if done else "未跟进"))
        _table(doc, PROBLEM_HEADER, rows, grid)
    else:
        doc.add_paragraph("未发现需整改的教学问题。")
    return document_bytes(doc)
