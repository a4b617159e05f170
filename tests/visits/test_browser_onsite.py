"""Browser test on a real headless Chromium, phone-sized: a team member records a routine check
at school, loses the network, writes the forum's notes, and when the network is back the notes
arrive on the server exactly once. Screenshots go to test-artifacts/visits/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.conftest import build_cast
from tests.visits.onsite_setup import make_visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visits"
PHONE = {"width": 390, "height": 844}


def _context(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    return context


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_team_member_records_on_a_phone_offline_and_back(browser: Any, live_server: Any) -> None:
    from visits.models import CheckRecord, VisitNote

    cast = build_cast()
    visit = make_visit(cast)
    errors: list[str] = []
    ctx = _context(browser, live_server, cast.users["part_time_researcher"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)

    page.goto(f"{live_server.url}/visits/{visit.pk}/onsite/")
    page.wait_for_selector("[data-testid=onsite-stop]")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "onsite-1-day")

    # A routine-check record, online.
    page.click("[data-testid=go-check]")
    page.select_option("select[name=item]", "marking")
    page.select_option("select[name=teacher]", str(cast.people["teacher"].pk))
    page.check("input[name=level][value=fail]")
    page.fill("textarea[name=problems]", "批改只打勾，无评语")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(page, "onsite-2-check")
    page.click("[data-testid=save]")
    page.wait_for_url("**/onsite/?saved=*")
    assert page.locator("text=检查记录已保存").count() == 1
    assert CheckRecord.objects.filter(visit=visit, level="fail", teacher=cast.people["teacher"]).count() == 1

    # The forum's notes, written with the network gone.
    page.click("[data-testid=go-note]")
    page.wait_for_selector("[data-testid=note-form]")
    ctx.set_offline(True)
    page.wait_for_function("() => !navigator.onLine")
    page.select_option("select[name=kind]", "teacher_forum")
    page.fill("input[name=title]", "青年教师座谈")
    page.fill("textarea[name=text]", "教师希望增加同课异构的机会")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=sync-status]:has-text('待发送')")
    _shot(page, "onsite-3-offline-queued")
    assert VisitNote.objects.count() == 0
    assert page.input_value("textarea[name=text]") == ""

    # Back online: the queued note is sent once, and loading another page sends nothing more.
    ctx.set_offline(False)
    page.wait_for_selector("[data-testid=sync-status]:has-text('已全部发送')")
    _shot(page, "onsite-4-sent")
    assert list(VisitNote.objects.values_list("title", "text")) == [("青年教师座谈", "教师希望增加同课异构的机会")]
    page.goto(f"{live_server.url}/visits/{visit.pk}/onsite/")
    page.wait_for_selector("[data-testid=my-counts]")
    assert "座谈记录 1 条" in page.inner_text("[data-testid=my-counts]")
    assert page.evaluate("localStorage.getItem('jiaoyan.visits.outbox')") == "[]"
    assert VisitNote.objects.count() == 1
    assert not errors, errors
    ctx.close()
