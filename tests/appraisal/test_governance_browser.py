"""Browser test of the governance paths: the county admin records the county's meeting on 教研
and turns a decision into a task for a school; a principal on a phone enters the school's
spending (below the training floor) and the county admin confirms it; the city's researcher
sees the city plan's completion rolled up level by level. Screenshots go to
test-artifacts/appraisal/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appraisal"


def _watch(page: Any, errors: list[str]) -> Any:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return page


def test_meeting_to_task_spending_checked_and_plan_rolled_up(browser: Any, live_server: Any) -> None:
    from appraisal.models.governance import GovTask, SchoolSpending, SpendingStatus
    from appraisal.services import governance as gov

    cast = build_cast()
    errors: list[str] = []

    # 1. The county records its meeting and turns a decision into a task for 小店第一中学.
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = _watch(ctx.new_page(), errors)
    page.goto(live_server.url + "/appraisal/")
    page.click("a:has-text('治理与经费')")
    page.click("[data-testid=gov-meetings] a.button")
    form = page.locator("[data-testid=meeting-form]")
    form.locator("input[name=title]").fill("小店区2026年教研工作专题会议")
    form.locator("input[name=held_on]").fill("2026-09-15")
    form.locator("input[name=convened_by]").fill("区教育局局长")
    form.locator("textarea[name=attendees]").fill("区教研室全体教研员、各校校长")
    form.locator("textarea[name=decisions]").fill("各校建立校本教研制度\n保障教研经费")
    form.locator("button[type=submit]").click()
    # No minutes and no file: refused, and what was typed stays.
    page.locator("text=会议纪要：请填写纪要或上传纪要文件").wait_for()
    assert form.locator("input[name=title]").input_value() == "小店区2026年教研工作专题会议"
    form.locator("textarea[name=minutes]").fill("研究部署本年度教研工作。")
    form.locator("button[type=submit]").click()
    page.locator("[data-testid=decisions]").wait_for()
    assert page.locator("[data-testid=decision]").count() == 2
    page.locator("[data-testid=decision]").first.locator("[data-testid=make-task]").click()
    task_form = page.locator("[data-testid=task-form]")
    task_form.locator("input[name=node]").fill("小店第一中学")
    task_form.locator("input[name=due]").fill("2026-12-31")
    task_form.locator("button[type=submit]").click()
    task = page.locator("[data-testid=decision-task]")
    task.wait_for()
    assert "小店第一中学，2026-12-31前完成" in task.inner_text()
    screenshot(page, ARTIFACTS, "meeting-task")
    ctx.close()
    assert GovTask.objects.get().node == cast.school_a1

    # 2. The school's principal, on a phone, enters the year's spending: training 3% of the funds.
    ctx = logged_in_context(browser, live_server, cast.users["principal"], phone=True)
    phone = _watch(ctx.new_page(), errors)
    phone.goto(live_server.url + "/appraisal/governance/")
    phone.click("[data-testid=gov-spending] a.button")
    form = phone.locator("[data-testid=spending-form]")
    form.locator("input[name=year]").fill("2026")
    form.locator("input[name=public_funds]").fill("1000000")
    form.locator("input[name=training]").fill("30000")
    form.locator("input[name=equipment]").fill("120000")
    form.locator("input[name=teaching]").fill("380000")
    form.locator("button[type=submit]").click()
    status = phone.locator("[data-testid=spending-status]")
    status.wait_for()
    assert "待审核" in status.inner_text()
    assert "未达标，差20,000.00元" in phone.locator("[data-testid=spending-shares]").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone, ARTIFACTS, "spending-phone")
    ctx.close()

    # The county confirms it from the county's table.
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = _watch(ctx.new_page(), errors)
    page.goto(live_server.url + "/appraisal/governance/spending/?year=2026")
    row = page.locator(f"[data-testid=spending-{cast.school_a1.code}]")
    assert "3.0% 未达标" in row.inner_text() and "待您审核" in row.inner_text()
    row.locator("a:has-text('待审核')").click()
    page.locator("[data-testid=confirm]").click()
    page.locator("[data-testid=spending-status]:has-text('已确认')").wait_for()
    screenshot(page, ARTIFACTS, "spending-confirmed")
    ctx.close()
    assert SchoolSpending.objects.get().status == SpendingStatus.CONFIRMED

    # 3. The city's plan pushed down to every school; county A and A1 done, the rest not yet.
    plan = gov.plan_create(actor=cast.users["institute_head"], region=cast.city, year=2026,
                           title="太原测试市2026年教研工作要点",
                           items=(("开展学科教学视导", dt.date(2026, 12, 20)), ("组织教研组评价", dt.date(2026, 12, 25))))
    first = plan.items.order_by("order").first()
    assert first is not None
    gov.item_push(actor=None, item=first, from_node=cast.city, through=True)
    for code in (cast.county_a.code, cast.school_a1.code):
        gov.task_complete(actor=None, task=GovTask.objects.get(item=first, node__code=code), on=dt.date(2026, 10, 9))
    ctx = logged_in_context(browser, live_server, cast.users["city_researcher"], phone=False)
    page = _watch(ctx.new_page(), errors)
    page.goto(live_server.url + "/appraisal/governance/plans/?year=2026")
    page.click("a:has-text('太原测试市2026年教研工作要点')")
    totals = page.locator("[data-testid=plan-totals]")
    totals.wait_for()
    assert "1/2（50%）" in totals.locator("[data-testid=total-county]").inner_text()
    assert "1/3（33%）" in totals.locator("[data-testid=total-school]").inner_text()
    items = page.locator("[data-testid=plan-item]")
    assert "开展学科教学视导" in items.first.inner_text() and "尚未下达" in items.nth(1).inner_text()
    screenshot(page, ARTIFACTS, "plan-rolled-up")
    ctx.close()
    assert errors == []
