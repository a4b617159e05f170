"""The teacher archive's page: the problems found and their follow-up, notes written by the
teacher or the school's leaders (audited, forms keeping input), and the Word file a school files
(opened with python-docx: cover, sections in a fixed order with a table each, the problems, page
numbers)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from core.models import AuditEvent, Subject
from growth.services.records import training_record
from observe import services
from observe.archive_document import PROBLEMS_HEADING, SECTIONS
from observe.models import ArchiveNote, Observation

pytestmark = pytest.mark.django_db


def _low_lesson(cast: Any, date: dt.date = dt.date(2026, 10, 12)) -> Observation:
    data = services.ObservationData(
        teacher=cast.people["teacher"], school=cast.school_a1, date=date, subject=Subject.objects.get(code="chinese"),
        grade=8, class_name="2班", topic="背影", period=2, kind="push_in", purpose="evaluative", strengths="语言生动",
        problems="学生活动少，目标达成度低", suggestions="", overall_grade="poor")
    return services.observation_record(actor=cast.users["principal"], observer=cast.people["principal"], data=data,
                                       version=None, ratings=None, submit=True)


def _url(cast: Any) -> str:
    return reverse("observe:archive", args=[cast.people["teacher"].code])


def _post_url(cast: Any) -> str:
    return reverse("observe:archive_note_create", args=[cast.people["teacher"].code])


def test_the_page_lists_the_problems_and_a_leader_records_a_follow_up(cast: Any) -> None:
    low = _low_lesson(cast)
    c = cast.client("principal")
    page = c.get(_url(cast)).content.decode()
    assert "教学问题与整改跟进" in page and "听课评价偏低" in page and "学生活动少" in page
    assert "未跟进" in page and 'data-testid="archive-note-form"' in page
    r = c.post(_post_url(cast), {"kind": "follow_up", "problem": f"observe.low:{low.pk}", "date": "2026-10-14",
                                 "text": "安排师徒结对，每周跟踪听课", "deadline": "2026-11-30"})
    assert r.status_code == 302
    note = ArchiveNote.objects.get(person=cast.people["teacher"])
    assert note.problem_id == low.pk and note.created_by == cast.users["principal"]
    assert AuditEvent.objects.filter(model="observe.ArchiveNote", action="create", object_id=str(note.pk)).exists()
    page = c.get(_url(cast)).content.decode()
    assert "安排师徒结对，每周跟踪听课" in page and "整改期限2026-11-30" in page and "已跟进" in page


def test_a_follow_up_needs_a_deadline_and_the_form_keeps_the_input(cast: Any) -> None:
    low = _low_lesson(cast)
    r = cast.client("principal").post(_post_url(cast), {"kind": "follow_up", "problem": f"observe.low:{low.pk}",
                                                        "date": "2026-10-14", "text": "留着的整改措施"})
    page = r.content.decode()
    assert r.status_code == 200 and "整改期限：问题跟进须限定整改期限" in page and "留着的整改措施" in page
    r = cast.client("principal").post(_post_url(cast), {"kind": "follow_up", "problem": "", "date": "2026-10-14",
                                                        "text": "没有选问题", "deadline": "2026-11-01"})
    assert "跟进的问题：请选择一个问题" in r.content.decode()
    assert not ArchiveNote.objects.exists()


def test_who_writes_and_who_deletes(cast: Any) -> None:
    teacher = cast.client("teacher")
    r = teacher.post(_post_url(cast), {"kind": "growth", "problem": "", "date": "2026-11-01", "text": "学期反思"})
    assert r.status_code == 302
    mine = ArchiveNote.objects.get(text="学期反思")
    # A researcher over the school reads the archive but writes nothing into it.
    researcher = cast.client("county_researcher")
    page = researcher.get(_url(cast)).content.decode()
    assert "学期反思" in page and 'data-testid="archive-note-form"' not in page
    assert researcher.post(_post_url(cast), {"kind": "growth", "date": "2026-11-01", "text": "x"}).status_code == 404
    # The principal's note is not the teacher's to delete; her own is.
    principal_note = ArchiveNote.objects.create(person=cast.people["teacher"], kind="growth", date=dt.date(2026, 11, 2),
                                                text="校长谈话记录", created_by=cast.users["principal"])
    assert teacher.post(reverse("observe:archive_note_delete", args=[principal_note.pk])).status_code == 404
    assert teacher.post(reverse("observe:archive_note_delete", args=[mine.pk])).status_code == 302
    assert cast.client("principal").post(reverse("observe:archive_note_delete",
                                                 args=[principal_note.pk])).status_code == 302
    assert not ArchiveNote.objects.exists()
    assert AuditEvent.objects.filter(model="observe.ArchiveNote", action="delete").count() == 2


def test_the_page_sums_up_by_school_year_and_kind(cast: Any) -> None:
    for end in (dt.date(2025, 10, 20), dt.date(2026, 10, 20)):
        training_record(actor=None, person=cast.people["teacher"], course=f"研修{end.year}", provider="县教师发展中心",
                        level="county", hours="12", start=end - dt.timedelta(days=1), end=end)
    page = cast.client("teacher").get(_url(cast)).content.decode()
    assert 'data-testid="archive-summary"' in page
    assert "<td>2025—2026学年</td>" in page and "<td>2026—2027学年</td>" in page


def _docx(cast: Any, role: str = "principal") -> Any:
    r = cast.client(role).get(reverse("observe:archive_docx", args=[cast.people["teacher"].code]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    return Document(io.BytesIO(r.content))


def test_the_word_archive_has_a_cover_sections_in_order_problems_and_page_numbers(cast: Any) -> None:
    training_record(actor=None, person=cast.people["teacher"], course="新课标解读", provider="县教师发展中心",
                    level="county", hours="12", start=dt.date(2026, 10, 18), end=dt.date(2026, 10, 20))
    training_record(actor=None, person=cast.people["teacher"], course="作业设计", provider="市教研室",
                    level="city", hours="6", start=dt.date(2026, 11, 3), end=dt.date(2026, 11, 4))
    low = _low_lesson(cast)
    cast.client("principal").post(_post_url(cast), {
        "kind": "follow_up", "problem": f"observe.low:{low.pk}", "date": "2026-10-14", "text": "每周跟踪听课一节",
        "deadline": "2026-11-30"})
    doc = _docx(cast)
    texts = [p.text for p in doc.paragraphs]
    assert "教师教学档案" in texts
    cover = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cover["姓名"] == "何静" and cover["工作单位"] == "小店第一中学"
    assert cover["任教学科"] == "语文" and cover["职称"] == "二级教师"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    expected = [t for t, _ in SECTIONS] + [PROBLEMS_HEADING]
    assert [h.split("（")[0] for h in headings] == expected  # every section, in the fixed order
    assert headings[0] == "一、培训学习（2条）" and headings[1] == "二、听课与评课（1条）"
    tables = doc.tables[1:]
    training = tables[0]
    assert [c.text for c in training.rows[0].cells] == ["日期", "类别", "事项", "内容"]
    assert [r.cells[2].text for r in training.rows[1:]] == ["新课标解读（12学时）", "作业设计（6学时）"]  # oldest first
    problems = tables[-1]
    assert [c.text for c in problems.rows[0].cells] == ["发现日期", "问题", "整改与跟进", "结论"]
    assert len(problems.rows) == 2 and "听课评价偏低" in problems.rows[1].cells[1].text
    assert "每周跟踪听课一节" in problems.rows[1].cells[2].text and problems.rows[1].cells[3].text == "已跟进"
    footer = doc.sections[0].footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "第 " in doc.sections[0].footer.paragraphs[0].text


def test_the_word_archive_of_an_empty_archive_says_so(cast: Any) -> None:
    doc = _docx(cast, "teacher")
    texts = [p.text for p in doc.paragraphs]
    assert "本项暂无记录。" in texts and "未发现需整改的教学问题。" in texts
    assert len(doc.tables) == 1  # the cover only


def test_earlier_school_years_are_counted_and_load_on_demand(cast: Any) -> None:
    teacher = cast.people["teacher"]
    for course, end in (("二〇二三年秋季研修", dt.date(2023, 10, 20)), ("本学年新课标研修", dt.date(2026, 10, 20))):
        training_record(actor=None, person=teacher, course=course, provider="县教师发展中心", level="county",
                        hours="12", start=end - dt.timedelta(days=1), end=end)
    c = cast.client("principal")
    page = c.get(_url(cast)).content.decode()
    # The current school year in full; 2023—2024 collapsed with its count and the URL it loads from.
    assert "2026—2027学年" in page and "本学年新课标研修" in page and "二〇二三年秋季研修" not in page
    year_url = reverse("observe:archive_year", args=[teacher.code, 2023])
    assert 'data-testid="archive-year-2023"' in page and "2023—2024学年</strong>（1条：培训1）" in page
    assert f'hx-get="{year_url}"' in page
    fragment = c.get(year_url, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert fragment.status_code == 200 and "二〇二三年秋季研修（12学时）" in body and "本学年新课标研修" not in body
    assert "<html" not in body
    # Without htmx the same URL opens the page with that year expanded.
    r = c.get(year_url)
    assert r.status_code == 302 and r["Location"].endswith("?year=2023#year-2023")
    opened = c.get(r["Location"]).content.decode()
    assert "二〇二三年秋季研修（12学时）" in opened and "本学年新课标研修" in opened
    # The same readers as the archive: a colleague at the school gets nothing.
    assert cast.client("group_leader").get(year_url, headers={"HX-Request": "true"}).status_code == 404


def test_the_word_archive_holds_every_record_past_a_sources_cap(cast: Any) -> None:
    from growth.archive_sources import ARCHIVE_LIMIT
    from growth.models import TrainingRecord

    n = ARCHIVE_LIMIT + 5  # more than one read of the source returns: ten busy years
    TrainingRecord.objects.bulk_create(
        TrainingRecord(person=cast.people["teacher"], course=f"研修{i}", provider="县教师发展中心", level="county",
                       hours=2, start=dt.date(2016, 9, 1) + dt.timedelta(days=12 * i),
                       end=dt.date(2016, 9, 1) + dt.timedelta(days=12 * i)) for i in range(n))
    doc = _docx(cast)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0] == f"一、培训学习（{n}条）" and len(doc.tables[1].rows) == n + 1
