"""In the browser: a researcher links an exam to the bank, assembles a paper and reads its prediction."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import Cast, browser_login
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


@pytest.mark.browser
def test_researcher_assembles_a_paper_from_the_bank_and_sees_its_prediction(cast: Cast, live_server: Any,
                                                                            page: Any) -> None:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30, seed=7), school="小店第一中学")))
    paper = math_paper(exam)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    browser_login(page, live_server.url, cast.users["county_researcher"].username)
    page.goto(f"{live_server.url}{reverse('quality:paper_items', args=[paper.pk])}")
    page.click("text=加入题库")
    page.click("button:has-text('加入题库')")
    expect(page.locator(".messages")).to_contain_text("已加入题库：新建 7 题")

    page.goto(f"{live_server.url}{reverse('quality:bank_list')}")
    expect(page.locator("table tbody tr")).to_have_count(7)
    page.click("text=按双向细目表组卷")
    page.select_option("select[name=org]", str(cast.county_a.pk))
    page.select_option("select[name=subject]", label="数学")
    page.select_option("select[name=stage]", "junior")
    page.fill("input[name=name]", "八年级数学单元卷")
    page.fill("input[name=target]", "0.6")
    page.fill("textarea[name=blueprint]", "数与代数, 了解, 2, 2\n图形与几何, 理解, 1\n数与代数, 应用, 1, 5")
    page.click("button[value=assemble]")
    prediction = page.locator("#prediction")
    expect(prediction).to_contain_text("4 题 / 8.0 分")
    expect(prediction).to_contain_text("预测难度 P̂")
    expect(prediction).to_contain_text("预测信度 α̂")
    expect(page.locator("[data-chart=p-chart] canvas")).to_have_count(1)  # ECharts drew the chart
    page.click("button[value=save]")
    expect(page.locator(".messages")).to_contain_text("已保存组卷草稿：八年级数学单元卷")
    assert errors == []
