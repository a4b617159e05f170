"""The Word report's written analysis (issue 10): generated from the figures, editable before
download, and the download prints the edited text; class rows named by school, not code."""

from __future__ import annotations

import io
from typing import Any

from django.urls import reverse
from docx import Document

from quality.analysis.written import generate, parse_text, to_text
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _summary() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    units = [
        {"level": "region", "key": "r:1", "name": "小店区", "parent": "", "sat": 200, "mean": 60.0,
         "excellent_rate": 0.05, "pass_rate": 0.5, "low_rate": 0.25},
        {"level": "school", "key": "s:A", "name": "甲校", "parent": "r:1", "sat": 100, "mean": 70.0,
         "excellent_rate": 0.1, "pass_rate": 0.7, "low_rate": 0.1},
        {"level": "school", "key": "s:B", "name": "乙校", "parent": "r:1", "sat": 100, "mean": 50.0,
         "excellent_rate": 0.0, "pass_rate": 0.3, "low_rate": 0.4},
    ]
    items = [
        {"label": "1", "kp": "数与代数", "difficulty": 0.9, "d": 0.35, "d_band": "good"},
        {"label": "2", "kp": "数与代数", "difficulty": 0.75, "d": 0.41, "d_band": "very_good"},
        {"label": "3", "kp": "图形与几何", "difficulty": 0.3, "d": 0.12, "d_band": "discard"},
        {"label": "4", "kp": "图形与几何", "difficulty": 0.45, "d": 0.33, "d_band": "good"},
    ]
    data = {"top": "r:1", "full_mark": 100, "units": units, "items": items,
            "items_by_school": {"s:A": [0.9, 0.7, 0.45, 0.6], "s:B": [0.9, 0.8, 0.15, 0.3]},
            "blueprint": {"kp": {"labels": ["图形与几何", "数与代数"], "total": [0.38, 0.82],
                                 "schools": {"s:A": [0.52, 0.8], "s:B": [0.22, 0.85]}}}}
    return data, units


def test_region_analysis_names_strengths_weaknesses_and_suggestions() -> None:
    data, rows = _summary()
    text = to_text(generate("数学", data, rows))
    assert "【总体情况】" in text and "【优势】" in text and "【不足】" in text and "【建议】" in text
    assert "小店区数学实考 200 人，平均分 60" in text
    assert "第1题（数与代数）得分率 90%，掌握较好" in text
    assert "第3题（图形与几何）得分率仅 30%" in text
    assert "知识点“图形与几何”得分率最低（38%）" in text
    assert "第3题 区分度偏低" in text
    assert "围绕“图形与几何”组织专题复习" in text and "低分率达 25%" in text
    assert "甲校（70）" in text and "相差 20 分" in text


def test_school_analysis_compares_with_the_region() -> None:
    data, rows = _summary()
    text = to_text(generate("数学", data, rows, school_key="s:A"))
    assert "甲校数学实考 100 人" in text and "平均分高 10 分" in text
    assert "第3题（图形与几何）得分率 45%，高于区域 15%" in text
    assert "知识点“图形与几何”得分率 52%，高于区域 14%" in text
    weak = to_text(generate("数学", data, rows, school_key="s:B"))
    assert "第4题（图形与几何）得分率 30%，低于区域 15%" in weak


def test_edited_text_round_trips() -> None:
    sections = parse_text("前言一句\n【优势】\n  计算题扎实 \n\n【建议】\n加强几何\r\n")
    assert [(s.title, s.lines) for s in sections] == [("", ["前言一句"]), ("优势", ["计算题扎实"]),
                                                      ("建议", ["加强几何"])]


def test_report_page_shows_the_generated_text_and_the_download_prints_the_edit(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(20, seed=4, prefix="A2"), school="北格镇中心小学")))
    c = cast.client("county_researcher")
    page = c.get(reverse("quality:exam_report_edit", args=[exam.pk])).content.decode()
    assert "【优势】" in page and "【建议】" in page and 'name="analysis_0"' in page
    generated = Document(io.BytesIO(c.get(reverse("quality:exam_report", args=[exam.pk])).content))
    assert any(p.text == "分析与建议" for p in generated.paragraphs)
    r = c.post(reverse("quality:exam_report", args=[exam.pk]),
               {"analysis_0": "【教研组意见】\n几何证明的书写规范需要统一要求。"})
    assert r.status_code == 200
    text = _text(r.content)
    assert "教研组意见" in text and "几何证明的书写规范需要统一要求。" in text
    assert "【优势】" not in text and "掌握较好" not in text
    # A principal edits the school's report the same way; class rows are named by school, not code.
    p = cast.client("principal")
    url = reverse("quality:school_report_edit", args=[exam.pk, cast.school_a1.code])
    assert "与" in p.get(url).content.decode()
    r = p.post(reverse("quality:school_report", args=[exam.pk, cast.school_a1.code]), {"analysis_0": "本校意见"})
    text = _text(r.content)
    assert "本校意见" in text and "小店第一中学 8(1)班" in text and cast.school_a1.code not in text
