"""Browser test of the researcher appraisal: the province's institute head starts the yearly
appraisal (computed as a background task), follows a figure to the records behind it, adjusts
another with a reason and opens the ratings; a teacher rates on a phone (once); the head
publishes and the county researcher sees their own result. Screenshots go to
test-artifacts/appraisal/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.appraisal.test_researcher_appraisal import YEAR, records
from tests.browser_session import logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appraisal"


def _page(browser: Any, live_server: Any, user: Any, errors: list[str], *, phone: bool = False) -> Any:
    ctx = logged_in_context(browser, live_server, user, phone=phone)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def test_head_starts_adjusts_teacher_rates_researcher_sees_result(browser: Any, live_server: Any,
                                                                   settings: Any) -> None:
    # The worker's place: the task runs as soon as the start is committed.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    cast = build_cast()
    records(cast)
    errors: list[str] = []
    researcher = cast.people["county_researcher"]

    head = _page(browser, live_server, cast.users["institute_head"], errors)
    head.goto(live_server.url + "/appraisal/")
    head.get_by_role("link", name="教研员考核").click()
    form = head.locator("[data-testid=start-form]")
    form.locator("input[name=year]").fill(str(YEAR))
    form.locator("button[type=submit]").click()
    table = head.locator("[data-testid=entries]")
    table.wait_for()
    assert "已计算" in head.locator("[data-testid=status]").inner_text()
    assert researcher.name in table.inner_text()
    screenshot(head, ARTIFACTS, "appraisal-computed")

    head.get_by_role("link", name=researcher.name).click()
    head.locator("[data-testid=fig-observations]").click()
    listed = head.locator("[data-testid=records]")
    listed.wait_for()
    assert listed.locator("tbody tr").count() == 3 and cast.school_a1.name in listed.inner_text()
    head.go_back()
    adjust = head.locator("[data-testid=adjust-form]")
    adjust.locator("select[name=figure]").select_option("songjiao")
    adjust.locator("input[name=value]").fill("2")
    adjust.locator("textarea[name=reason]").fill("赴娄烦送教两次，订单未在平台登记")
    adjust.locator("button[type=submit]").click()
    head.locator("[data-testid=adjustments]").wait_for()
    assert "赴娄烦送教两次" in head.locator("[data-testid=adjustments]").inner_text()
    assert "已调整" in head.locator("[data-testid=dim-teaching]").inner_text()
    screenshot(head, ARTIFACTS, "entry-adjusted")
    head.get_by_role("link", name="← " + f"{cast.province.name}{YEAR}年度教研员考核").click()
    head.get_by_role("button", name="开放教师和学校评价").click()
    head.wait_for_selector("text=评价问卷已开放")

    teacher = _page(browser, live_server, cast.users["teacher"], errors, phone=True)
    teacher.goto(live_server.url + "/appraisal/researchers/")
    teacher.locator("[data-testid=to-rate] a").click()
    rate = teacher.locator("[data-testid=rate-form]")
    for dim in ("教育教学", "教研科研", "教学管理", "教育服务"):
        rate.get_by_label(f"{researcher.name}{dim}").select_option("5")
    screenshot(teacher, ARTIFACTS, "rating-phone")
    rate.locator("button[type=submit]").click()
    teacher.wait_for_selector("text=评价已提交")
    assert teacher.locator("[data-testid=to-rate]").count() == 1
    teacher.locator("[data-testid=to-rate] a").click()
    assert "已经提交过" in teacher.locator("[data-testid=done]").inner_text()

    head.reload()
    assert "已收到评价表 1 份" in head.content()
    head.locator("[data-testid=publish]").click()
    head.wait_for_selector("text=已公布")

    me = _page(browser, live_server, cast.users["county_researcher"], errors)
    me.goto(live_server.url + "/appraisal/researchers/")
    mine = me.locator("[data-testid=my-results]")
    assert f"{YEAR}年度教研员考核" in mine.inner_text()
    mine.locator("a").click()
    result = me.locator("[data-testid=result]").inner_text()
    assert "教师评价 1/" in result and any(lv in result for lv in ("优秀", "合格", "基本合格", "不合格"))
    assert "已调整" in me.locator("[data-testid=dim-teaching]").inner_text()
    assert me.locator("[data-testid=adjust-form]").count() == 0
    screenshot(me, ARTIFACTS, "researcher-result")
    assert not errors, errors
