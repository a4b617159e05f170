"""The teacher teaching archive (TEACHER.ARCHIVE, 004 (一)4): every registered source's entries
in time order, and the same as a Word document (the format bureaus exchange)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from core.documents import SONG_FONT, document_bytes, docx_response, new_document
from core.http import AuthedRequest
from core.models import Person
from observe.access import get_archive_person_for_user
from observe.archive import ArchiveEntry, archive_entries


@login_required
def archive(request: AuthedRequest, code: str) -> HttpResponse:
    person = get_archive_person_for_user(request.user, code)
    entries = archive_entries(request.user, person)
    counts: dict[str, int] = {}
    for e in entries:
        counts[e.kind_label] = counts.get(e.kind_label, 0) + 1
    return render(request, "observe/archive.html", {"person": person, "entries": entries, "counts": counts})


@login_required
def archive_docx(request: AuthedRequest, code: str) -> HttpResponse:
    person = get_archive_person_for_user(request.user, code)
    data = archive_document(person, archive_entries(request.user, person))
    return docx_response(data, f"{person.name}教学档案.docx")


def archive_document(person: Person, entries: list[ArchiveEntry]) -> bytes:
    """A Word document: heading, the teacher's facts, then one section per entry, oldest first
    (an archive reads as a history)."""
    doc = new_document(font=SONG_FONT, size_pt=11)
    doc.add_heading(f"{person.name} 教学档案", level=0)
    facts = [("工作单位", person.org.name), ("职称", person.get_title_display()),
             ("主教学科", person.main_subject.name if person.main_subject else "—"),
             ("从教年份", str(person.teaching_since or "—")),
             ("导出时间", timezone.localtime().strftime("%Y-%m-%d %H:%M"))]
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in facts:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph(f"共 {len(entries)} 条记录（依据《清远市基础教育教学质量提升计划》：每位教师建立教学档案，"
                      "记录成长与问题）。")
    for e in sorted(entries, key=lambda x: (x.date, x.sort_key)):
        doc.add_heading(f"{e.date:%Y-%m-%d} {e.kind_label}：{e.title}", level=2)
        for label, text in e.lines:
            p = doc.add_paragraph()
            p.add_run(f"{label}：").bold = True
            p.add_run(text)
        if e.tags:
            doc.add_paragraph("、".join(e.tags)).runs[0].italic = True
    return document_bytes(doc)
