"""Browser test of the yearly report: a city researcher who also heads the city's institution
opens the appraisal overview, generates this year's report from the records, edits a section,
issues it, then downloads Word and Excel and finds the figures in both. Screenshots go to
test-artifacts/appraisal/."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from tests.browser_session import logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appraisal"


def test_generate_edit_issue_and_download_the_city_report(browser: Any, live_server: Any) -> None:
    from appraisal.models import YearlyReport
    from core.models import Role
    from core.services import post_create
    from growth.services import regional

    cast = build_cast()
    year = timezone.localdate().year  # the form offers the current year first
    researcher = cast.people["city_researcher"]
    post_create(actor=None, person=researcher, role=Role.INSTITUTE_HEAD, org=cast.city, start=dt.date(year - 3, 9, 1))
    regional.competition_create(actor=None, region=cast.city, name="全市初中数学优质课比赛", kind="quality_lesson",
                                level="city", held_on=dt.date(year, 1, 10), entrants=89)
    errors: list[str] = []
    ctx = logged_in_context(browser, live_server, cast.users["city_researcher"], phone=False, accept_downloads=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/appraisal/")
    page.click("text=年度报告")
    page.select_option("select[name=region]", cast.city.code)
    page.click("[data-testid=generate]")
    page.wait_for_selector("[data-testid=report-form]")
    overview = page.locator("textarea[name=overview]").input_value()
    assert f"{year}年度" in overview and "组织教学竞赛1场次" in overview
    assert "参赛教师89人" in page.locator("textarea[name=competitions]").input_value()
    page.fill("textarea[name=plans]", "下一年度继续坚持每周一、周三下校视导，周二、周四学科教研。")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=saved]")
    screenshot(page, ARTIFACTS, "report-edit")
    page.click("[data-testid=issue]")
    status = page.locator("[data-testid=report-status]")
    status.wait_for()
    assert "已发布" in status.inner_text() and researcher.name in status.inner_text()
    assert "下一年度继续坚持每周一" in page.locator("[data-testid=section-plans]").inner_text()
    screenshot(page, ARTIFACTS, "report-issued")
    report = YearlyReport.objects.get(region=cast.city, year=year)
    assert report.status == "issued" and report.issued_by_id == cast.users["city_researcher"].pk

    with page.expect_download() as d:
        page.click("[data-testid=download-docx]")
    word = Document(io.BytesIO(Path(d.value.path()).read_bytes()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert report.title in text and "参赛教师89人" in text and "下一年度继续坚持每周一" in text
    assert "89" in {c.text for t in word.tables for row in t.rows for c in row.cells}
    assert d.value.suggested_filename.endswith(".docx")
    with page.expect_download() as d:
        page.click("[data-testid=download-xlsx]")
    book = load_workbook(io.BytesIO(Path(d.value.path()).read_bytes()))
    rows = {r[0]: r[1] for r in book["主要数据"].iter_rows(min_row=3, values_only=True)}
    assert rows["参赛教师（人）"] == 89 and rows["举办教学竞赛（场次）"] == 1
    ctx.close()
    assert not errors, errors
