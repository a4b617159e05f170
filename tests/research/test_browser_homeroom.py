"""Browser test of homeroom meetings on a phone: the homeroom teacher records a student forum for
her class and sees the class's three norms; the principal sees the classes short. Screenshots go
to test-artifacts/research/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "research"


def test_homeroom_teacher_records_a_meeting_on_a_phone(browser: Any, live_server: Any) -> None:
    from core.models import Post, Role
    from research.models.homeroom import HomeroomMeeting

    cast = build_cast()
    post = Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=dt.date(2025, 9, 1))
    errors: list[str] = []
    ctx = logged_in_context(browser, live_server, cast.users["teacher"], phone=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/research/homeroom/?term=2025-2")
    page.click("a:has-text('7年级何静班')")
    page.wait_for_selector("[data-testid=meeting-form]")
    page.goto(live_server.url + f"/research/homeroom/{post.pk}/?term=2025-2")
    page.select_option("select[name=kind]", "student_forum")
    page.fill("input[name=held_on]", "2026-03-12")
    page.fill("input[name=attendance]", "0")
    page.fill("input[name=topic]", "学习方法交流")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector(".errorlist:has-text('出席人数：至少1人')")
    assert page.input_value("input[name=topic]") == "学习方法交流"
    page.fill("input[name=attendance]", "43")
    page.click("[data-testid=meeting-form] button[type=submit]")
    page.wait_for_selector("[data-testid=meeting-row]:has-text('学生座谈会')")
    assert HomeroomMeeting.objects.get().attendance == 43
    assert "6个月中1个月召开" in page.locator("[data-testid=norm-students]").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, ARTIFACTS, "homeroom-class-phone")
    ctx.close()

    ctx = logged_in_context(browser, live_server, cast.users["principal"], phone=True)
    page = ctx.new_page()
    page.goto(live_server.url + "/research/homeroom/?term=2025-2")
    assert "1个班未达标" in page.inner_text("main")
    ctx.close()
    assert errors == []
