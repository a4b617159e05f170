"""The attribute import (good and bad rows), the 分群体分析 page and its export: aggregates
only, small cells and their complements hidden, the export hiding exactly what the page hides."""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quality.models import Exam, Student
from tests.conftest import Cast, browser_login, screenshot
from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

A1_ROWS = clean_rows(24, seed=3)
A2_ROWS = clean_rows(12, seed=4, prefix="A2")
HIDDEN = "—（少于10人不显示）"


def _exam(cast: Cast) -> Exam:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(A1_ROWS, school="小店第一中学")))
    apply(upload(exam, messy_xlsx(A2_ROWS, school="北格镇中心小学")))
    return exam


def _sheet(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = book.add_worksheet("学生信息")
    ws.write_string(0, 0, "八年级学生基本信息")  # a title row above the header
    ws.write_row(1, 0, header)
    for r, row in enumerate(rows, start=2):
        for c, v in enumerate(row):
            ws.write_string(r, c, v)
    book.close()
    return buf.getvalue()


def _post(cast: Cast, role: str, exam: Exam, content: bytes) -> Any:
    return cast.client(role).post(reverse("quality:student_attributes", args=[exam.pk]),
                                  {"file": SimpleUploadedFile("学生信息.xlsx", content)}, follow=True)


def _good_sheet(cast: Cast) -> bytes:
    """A1: 14 男 and 10 女; 4 留守儿童 and 20 not; 12 随迁子女 and 12 not; 住宿 left blank (not
    recorded). A2: only 随迁, 3 yes and 9 no."""
    rows = [[cast.school_a1.code, r[0], "男" if i < 14 else "女", "", "是" if i < 4 else "否", "否" if i % 2 else "是"]
            for i, r in enumerate(A1_ROWS)]
    rows += [[cast.school_a2.code, r[0], "", "", "", "是" if i < 3 else "否"] for i, r in enumerate(A2_ROWS)]
    return _sheet(["学校标识码", "学号", "性别", "住宿", "是否留守", "随迁"], rows)


def _mean(rows: list[list[Any]]) -> float:
    return float(np.mean([r[-1] for r in rows]))


def test_attributes_import_and_the_page_and_export_show_only_large_enough_groups(cast: Cast) -> None:
    exam = _exam(cast)
    r = _post(cast, "county_researcher", exam, _good_sheet(cast))
    assert "已导入 36 名学生的群体信息：更新 36 名" in r.content.decode()
    a1 = Student.objects.filter(school=cast.school_a1)
    assert a1.filter(gender="m").count() == 14 and a1.filter(gender="f").count() == 10
    assert a1.filter(left_behind=True).count() == 4 and a1.filter(boarding__isnull=True).count() == 24
    assert not Student.objects.filter(school=cast.school_a2).exclude(gender="").exists()
    assert Student.objects.filter(school=cast.school_a2, migrant=True).count() == 3

    url = reverse("quality:exam_subgroups", args=[exam.pk])
    c = cast.client("county_researcher")
    body = c.get(url).content.decode()  # the county (A1 + A2 with 12 not recorded)
    assert "任一单元格（范围×学科×群体）实考人数少于10人时" in body and "互补隐藏" in body
    male_mean = _mean(A1_ROWS[:14])
    assert f"<td class=\"num\">14</td><td class=\"num\">{male_mean:.2f}</td>" in body
    # 留守儿童 (4) is hidden, and with it the smallest other cell, 未登记 (A2's 12 students).
    assert body.count("data-suppressed") == 2
    assert f"{_mean(A1_ROWS[:4]):.2f}" not in body
    assert f"{_mean(A2_ROWS):.2f}" in body  # A2's 12 未登记 are shown in the other partitions
    assert "两组差异（男 − 女）" in body and "Hedges g" in body
    assert A1_ROWS[0][0] not in body and "学生0" not in body  # no student is ever listed

    # The county shows 随迁 15 and 非随迁 21 (A2's 3 and 9 are hidden on A2's page) ...
    assert f"{_mean(A1_ROWS[0::2] + A2_ROWS[:3]):.2f}" in body

    body = c.get(url, {"scope": cast.school_a1.code}).content.decode()
    # At A1: 留守儿童 4 and its only complement 非留守儿童 20 are both hidden; and A1's 12 随迁 and
    # 12 非随迁, else county − A1 would give away A2's hidden 3 and 9.
    assert body.count("data-suppressed") == 4 and f"{_mean(A1_ROWS[4:]):.2f}" not in body
    assert f"{_mean(A1_ROWS[0::2]):.2f}" not in body

    x = c.get(url, {"scope": cast.school_a1.code, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert ws is not None
    cells = [[v for v in row] for row in ws.iter_rows(values_only=True)]
    assert "少于10人" in str(cells[0][0])
    by_label = {(row[0], row[1]): row for row in cells[2:]}
    assert by_label[("性别", "男")][2:4] == [14, pytest.approx(male_mean)]
    for label in ("留守儿童", "非留守儿童"):
        assert set(by_label[("留守儿童", label)][2:9]) == {HIDDEN}
    assert ("留守儿童", "两组差异（留守儿童−非留守儿童）") not in by_label  # no gap for hidden groups
    gap = by_label[("性别", "两组差异（男−女）")]
    assert gap[9] == pytest.approx(male_mean - _mean(A1_ROWS[14:]), abs=1e-3) and gap[10] < gap[9] < gap[11]

    # A teacher of A2 sees only A2, whatever scope is asked for.
    body = cast.client("teacher_a2").get(url, {"scope": cast.school_a1.code}).content.decode()
    assert "北格镇中心小学" in body and "小店第一中学" not in body and body.count("data-suppressed") == 2


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(cast: Cast) -> None:
    exam = _exam(cast)
    a1, a2, b1 = cast.school_a1.code, cast.school_a2.code, cast.school_b1.code
    rows = [[a1, A1_ROWS[0][0], "男女", "是"], [a1, "99999999", "女", "否"], [b1, "123", "男", ""],
            [a1, A1_ROWS[1][0], "女", "可能"], [a1, A1_ROWS[2][0], "女", "否"], [a1, A1_ROWS[2][0], "男", "否"],
            [a2, A2_ROWS[0][0], "男", "否"]]
    body = _post(cast, "principal", exam, _sheet(["学校标识码", "考号", "性别", "随迁子女"], rows)).content.decode()
    assert "整个文件都没有导入" in body
    for row, column, reason in [
            (3, "C（性别）", "性别“男女”无法识别：应填“男”或“女”，不详可留空"),
            (4, "B（考号）", "小店第一中学没有学号/考号为“99999999”的学生（请先导入该校成绩）"),
            (5, "A（学校标识码）", "不在本次考试范围内"),
            (6, "D（随迁子女）", "随迁子女“可能”无法识别：应填“是”或“否”，不详可留空"),
            (8, "B（考号）", "与第7行重复：同一学校的同一学生只能填一行"),
            (9, "A（学校标识码）", "无权为北格镇中心小学（1140105002）导入学生信息")]:
        assert f"<td class=\"num\">{row}</td><td>{column}</td><td>" in body, row
        assert reason in body, reason
    assert not Student.objects.exclude(gender="").exists()
    assert not Student.objects.filter(migrant__isnull=False).exists()

    body = _post(cast, "principal", exam, _sheet(["学校标识码", "学号"], [[a1, A1_ROWS[0][0]]])).content.decode()
    assert "缺少“性别、是否住校、留守儿童、随迁子女”列" in body


def test_header_synonyms_and_values() -> None:
    from quality.importing.student_attributes import parse_flag, parse_gender, read_student_attributes

    sheet = read_student_attributes([["学校代码", "学籍号", "性别", "是否住校", "留守", "是否随迁"],
                                     ["1", "2", "女", "走读", "√", "否"]])
    assert set(sheet.columns) == {"school", "id", "gender", "boarding", "left_behind", "migrant"}
    assert sheet.rows[0].values == {"gender": "女", "boarding": "走读", "left_behind": "√", "migrant": "否"}
    assert parse_gender("女") == "f" and parse_gender("") == "" and parse_gender("不详") == ""
    assert parse_flag("boarding", "走读") == (True, False) and parse_flag("boarding", "住校") == (True, True)
    assert parse_flag("migrant", "") == (True, None) and parse_flag("migrant", "也许") == (False, None)


# ---------------------------------------------------------------- in the browser


@pytest.mark.browser
def test_subgroup_page_in_the_browser(cast: Cast, live_server: Any, page: Any) -> None:
    exam = _exam(cast)
    body = _post(cast, "county_researcher", exam, _good_sheet(cast)).content.decode()
    assert "已导入 36 名" in body, body[-3000:]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server.url, cast.users["county_researcher"].username)
    page.goto(f"{live_server.url}{reverse('quality:exam_detail', args=[exam.pk])}")
    page.click("text=分群体分析")
    page.wait_for_selector("[data-chart=subgroup-chart] canvas")
    assert "少于10人" in page.inner_text("[data-suppression-rule]")
    page.select_option("select[name=scope]", cast.school_a1.code)
    page.click("button:has-text('查看')")
    page.wait_for_url(f"**scope={cast.school_a1.code}**")
    page.wait_for_selector("[data-chart=subgroup-chart] canvas")
    assert page.locator("table[data-attribute=left_behind] [data-suppressed]").count() == 2
    assert page.locator("table[data-attribute=gender] [data-suppressed]").count() == 0
    screenshot(page, "quality-subgroups")
    assert errors == []
