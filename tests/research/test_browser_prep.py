"""Browser test of collective preparation on a phone: the group leader opens a session, drafts,
opens the discussion, comments on a paragraph, writes two shared versions, compares them side
by side, signs off, derives a personal version and reflects; the other member does the same;
the principal checks and evaluates. Screenshots go to test-artifacts/research/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "research"


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_group_leader_takes_a_session_through_the_five_steps_on_a_phone(browser: Any, live_server: Any) -> None:
    from research.models.prep import PrepSession, PrepStep
    from research.services import prep as svc
    from tests.research.prep_setup import PLAN_V1, PLAN_V2, math_group

    cast = build_cast()
    group = math_group(cast)
    errors: list[str] = []
    ctx = logged_in_context(browser, live_server, cast.users["group_leader"], phone=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(live_server.url + "/research/prep/")
    page.click("[data-testid=prep-new]")
    page.select_option("select[name=group]", str(group.pk))
    page.fill("input[name=topic]", "分数的意义")
    page.fill("input[name=teach_on]", "2026-10-09")
    page.fill("input[name=place]", "数学组办公室")
    page.click("[data-testid=prep-form] button[type=submit]")
    page.wait_for_selector("[data-testid=prep-status]:has-text('个人初备')")
    session = PrepSession.objects.get(topic="分数的意义")
    _fits(page)

    # 1. 个人初备
    page.fill("[data-testid=draft-form] textarea[name=body]", PLAN_V1)
    page.click("[data-testid=draft-form] button[type=submit]")
    page.wait_for_selector("text=初备稿 第1版")
    page.click("[data-testid=open-discussion]")
    page.wait_for_selector("[data-testid=prep-status]:has-text('集体研讨')")
    # 2. 集体研讨: a comment in place, on the second paragraph.
    page.click("[data-testid=para-1] summary")
    page.select_option("[data-testid=comment-form-1] select[name=mode]", "meeting")
    page.fill("[data-testid=comment-form-1] textarea[name=body]", "目标要可检测")
    page.click("[data-testid=comment-form-1] button[type=submit]")
    page.wait_for_selector("[data-testid=para-1] [data-testid=comment]:has-text('目标要可检测')")
    screenshot(page, ARTIFACTS, "prep-discussion-phone")
    # 3. 教案生成: two versions, compared side by side, then signed off.
    page.fill("[data-testid=shared-form] textarea[name=body]", PLAN_V1)
    page.click("[data-testid=shared-form] button[type=submit]")
    page.wait_for_selector("[data-testid=shared-versions]:has-text('共案 第1版')")
    page.fill("[data-testid=shared-form] textarea[name=body]", PLAN_V2)
    page.fill("[data-testid=shared-form] input[name=note]", "按研讨意见修改目标")
    page.click("[data-testid=shared-form] button[type=submit]")
    page.wait_for_selector("[data-testid=shared-versions]:has-text('共案 第2版')")
    page.click("[data-testid=compare-link]")
    page.wait_for_selector("[data-testid=diff]")
    assert "修改2段" in page.locator("[data-testid=diff-counts]").inner_text()
    changed = page.locator("[data-testid=diff-replace]").first.inner_text()
    assert "理解分数的意义" in changed and "会用分数表示部分与整体" in changed
    _fits(page)
    screenshot(page, ARTIFACTS, "prep-compare-phone")
    page.go_back()
    page.click("[data-testid=sign-off]")
    page.wait_for_selector("[data-testid=signed-off]:has-text('冯志刚')")
    # 4. 个性彰显 and 5. 课后反思, by the leader here and by the other member (the principal).
    page.fill("[data-testid=personal-form] textarea[name=body]", PLAN_V2 + "\n（七(3)班：增加动手折纸）")
    page.click("[data-testid=personal-form] button[type=submit]")
    page.wait_for_selector("[data-testid=members]:has-text('冯志刚：已交个案')")
    principal = cast.users["principal"]
    session.refresh_from_db()
    svc.prep_personal_save(actor=principal, session=session, body=PLAN_V2 + "\n（个案）")
    svc.prep_reflection_save(actor=principal, session=session, taught_on=dt.date(2026, 10, 9), body="折纸活动有效")
    page.reload()
    page.fill("[data-testid=reflect-form] input[name=taught_on]", "2026-10-09")
    page.fill("[data-testid=reflect-form] textarea[name=body]", "学生对单位“1”理解较好，开放题完成率偏低")
    page.click("[data-testid=reflect-form] button[type=submit]")
    page.wait_for_selector("[data-testid=prep-status]:has-text('已完成')")
    session.refresh_from_db()
    assert session.step == PrepStep.CLOSED
    _fits(page)
    screenshot(page, ARTIFACTS, "prep-closed-phone")
    ctx.close()

    # The principal checks and evaluates on his phone.
    ctx = logged_in_context(browser, live_server, principal, phone=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + f"/research/prep/{session.pk}/")
    page.fill("[data-testid=check-form] textarea[name=check_note]", "五个环节记录齐全")
    page.click("[data-testid=check-form] button[type=submit]")
    page.wait_for_selector("[data-testid=checked]")
    page.select_option("[data-testid=evaluate-form] select[name=rating]", "优")
    page.click("[data-testid=evaluate-form] button[type=submit]")
    page.wait_for_selector("[data-testid=evaluated]:has-text('优')")
    assert "五环节齐全并经检查评价" in page.locator("[data-testid=prep-status]").inner_text()
    # The group's preparation archive lists it.
    page.goto(live_server.url + f"/research/prep/?group={group.pk}")
    assert "分数的意义" in page.locator("[data-testid=prep-list]").inner_text()
    ctx.close()
    assert errors == []
