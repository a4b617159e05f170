"""Browser test on a real headless Chromium: the principal answers a finding on a phone, the
organiser reopens it, the principal answers again, the organiser accepts; the chain shows all four
steps; the teacher the finding is about sees it but no verification form. Screenshots go to
test-artifacts/visits/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visits"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


def _page(browser: Any, live_server: Any, user: Any, *, phone: bool, errors: list[str]) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=PHONE if phone else DESK, is_mobile=phone, has_touch=phone,
                                  locale="zh-CN")
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    page = context.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    return page


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_answer_reopen_answer_accept(browser: Any, live_server: Any) -> None:
    from tests.visits.findings_fixtures import make_finding, make_visit

    cast = build_cast()
    finding = make_finding(cast, make_visit(cast))
    url = f"{live_server.url}/visits/findings/{finding.pk}/"
    errors: list[str] = []

    principal = _page(browser, live_server, cast.users["principal"], phone=True, errors=errors)
    principal.goto(f"{live_server.url}/visits/findings/")
    assert principal.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    _shot(principal, "1-principal-list-phone")
    principal.click("text=作业批改不及时")
    principal.fill("[data-testid=answer-form] textarea[name=text]", "建立作业检查制度，每周抽查")
    principal.fill("[data-testid=answer-form] textarea[name=evidence]", "检查记录表")
    principal.click("[data-testid=answer-form] button[type=submit]")
    assert principal.inner_text("[data-testid=finding-status]") == "待验收"
    assert principal.locator("[data-testid=verify-form]").count() == 0
    _shot(principal, "2-principal-answered")

    organiser = _page(browser, live_server, cast.users["county_researcher"], phone=False, errors=errors)
    organiser.goto(url)
    organiser.check("[data-testid=verify-form] input[name=accept][value='0']")
    organiser.fill("[data-testid=verify-form] textarea[name=comment]", "缺少学生作业样本")
    organiser.click("[data-testid=verify-form] button[type=submit]")
    assert organiser.inner_text("[data-testid=finding-status]") == "重新整改"

    principal.goto(url)
    principal.fill("[data-testid=answer-form] textarea[name=text]", "补充了三个班的作业样本")
    principal.click("[data-testid=answer-form] button[type=submit]")
    assert principal.inner_text("[data-testid=finding-status]") == "待验收"

    organiser.goto(url)
    organiser.check("[data-testid=verify-form] input[name=accept][value='1']")
    organiser.click("[data-testid=verify-form] button[type=submit]")
    assert organiser.inner_text("[data-testid=finding-status]") == "已销号"
    steps = organiser.locator("[data-testid=chain-step] .step").all_inner_texts()
    assert steps == ["整改反馈", "退回重改", "整改反馈", "验收通过"]
    chain = organiser.inner_text("[data-testid=chain]")
    assert "缺少学生作业样本" in chain and "补充了三个班的作业样本" in chain
    _shot(organiser, "3-organiser-closed")

    teacher = _page(browser, live_server, cast.users["teacher"], phone=True, errors=errors)
    teacher.goto(url)
    assert "作业批改不及时" in teacher.inner_text("[data-testid=finding-description]")
    assert teacher.locator("[data-testid=chain-step]").count() == 4
    assert teacher.locator("[data-testid=verify-form]").count() == 0
    assert teacher.locator("[data-testid=answer-form]").count() == 0
    _shot(teacher, "4-teacher-sees-chain")
    assert not errors, errors
