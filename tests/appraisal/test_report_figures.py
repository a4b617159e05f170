"""The yearly report's pure parts: the figures snapshot round trip, the draft text in 001's words,
the tables, the Word document and the workbook (no database)."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from appraisal.yearly_docx import build_document
from appraisal.yearly_figures import YearFigures, from_json, summary_rows, tables, to_json
from appraisal.yearly_text import NO_DATA, SECTION_KEYS, draft_sections
from appraisal.yearly_xlsx import build_workbook


def _figures() -> YearFigures:
    return YearFigures(
        institution="乌鲁木齐市教育研究中心", node_code="650100", year=2023, collective_visits=5, school_visits=70,
        visits_by_stage=[("中学", 32), ("小学", 38)], visits_by_affiliation=[("市直属", 40), ("区县属", 30)],
        schools_covered=60, kindergartens_covered=12, visit_lessons=4365, visit_reports=44, lessons_observed=4400,
        lessons_by_stage=[("中学", 2400), ("小学", 2000)], activities=327, activities_by_form=[("学科教研", 327)],
        competitions=[("市级", 89, 10560, 120)], training_sessions=6, training_people=12310, training_hours=36.0,
        training_by_level=[("市级", 6, 12310)], programmes=[("红山教育人才项目", "市级", 600, 600)], studios=39,
        studios_by_level=[("市级", 39)], project_columns=["立项", "开题", "中期", "结题"],
        projects_by_level=[("市级", [10, 8, 5, 2], 3, 12), ("合计", [10, 8, 5, 2], 3, 12)],
        exams=4, exams_by_kind=[("市统考", 4)], papers=36, problems_found=20, problems_closed=15, problems_open=5,
        problems_by_area=[("课堂教学", 20, 15)])


def test_the_snapshot_reads_back_as_it_was_stored() -> None:
    f = _figures()
    back = from_json(to_json(f))
    assert back == f
    assert back.projects_approved == 10


def test_an_older_snapshot_missing_later_keys_still_opens() -> None:
    data = to_json(_figures())
    del data["warnings"]
    data["dropped_key"] = 1
    assert from_json(data).warnings == 0


def test_the_draft_says_what_001_says() -> None:
    s = draft_sections(_figures())
    assert "中学32校次、小学38校次" in s["visits"]
    assert "听评课4400节" in s["visits"] and "视导调研报告44份" in s["visits"]
    assert "对12所幼儿园进行教学视导" in s["visits"]
    assert "开展教研活动327次" in s["activities"]
    assert "业务竞赛89场次" in s["competitions"] and "参赛教师10560人" in s["competitions"]
    assert "共培训教师12310人" in s["training"]
    assert "名师工作室39个" in s["talent"]
    assert "立项10项" in s["projects"]
    assert "已整改销号15个" in s["problems"]


def test_sections_without_records_say_no_data() -> None:
    s = draft_sections(YearFigures(institution="某市教研室", node_code="1", year=2026))
    for key in ("visits", "activities", "competitions", "training", "talent", "projects", "quality", "problems"):
        assert s[key] == NO_DATA
    assert set(s) == set(SECTION_KEYS)


def test_tables_carry_the_figures() -> None:
    t = tables(_figures())
    assert ("中学", 32) in t["visits"][1].rows
    assert t["projects"][0].headers == ("级别", "立项", "开题", "中期", "结题", "重点课题", "年末在研")
    assert dict(summary_rows(_figures()))["培训教师（人）"] == 12310


def test_the_word_document_has_the_text_the_tables_and_the_charts() -> None:
    f = _figures()
    sections = draft_sections(f) | {"plans": "继续坚持每周一、周三下校视导。"}
    content = build_document(title="2023年度教研工作报告", institution=f.institution, sections=sections, figures=f,
                             issued_on=None, draft=True)
    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "2023年度教研工作报告" in text and "（草稿，未发布）" in text
    assert "继续坚持每周一、周三下校视导。" in text
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"12310", "4365", "10560"} <= cells
    assert len(doc.inline_shapes) >= 5  # the charts


def test_the_workbook_opens_with_every_section_sheet() -> None:
    book = load_workbook(io.BytesIO(build_workbook(title="报告", figures=_figures())))
    assert book.sheetnames[0] == "主要数据"
    rows = {r[0]: r[1] for r in book["主要数据"].iter_rows(min_row=3, values_only=True)}
    assert rows["培训教师（人）"] == 12310 and rows["集体视导（校次）"] == 70
    assert "下校视导与听评课" in book.sheetnames and "课题研究" in book.sheetnames


def test_a_name_starting_with_equals_stays_text_in_the_workbook() -> None:
    f = _figures()
    f.programmes = [("=HYPERLINK(\"x\")", "市级", 1, 1)]
    book = load_workbook(io.BytesIO(build_workbook(title="报告", figures=f)))
    cell = book["人才培养与名师工作室"]["A3"]
    assert cell.value == "=HYPERLINK(\"x\")" and cell.data_type == "s"
