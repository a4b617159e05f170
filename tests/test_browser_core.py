"""The core pages in a real headless Chromium: three roles log in, browse the tree, search by
pinyin initials, and a principal forms the school's groups on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser


def test_county_researcher_browses_the_tree(cast: Any, live_server: Any, page: Any) -> None:
    base = live_server.url
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser_login(page, base, "county_researcher")
    assert page.locator("[data-testid=stat-schools]").inner_text() == "2"
    screenshot(page, "core-workbench-county-researcher")
    page.click("nav >> text=组织机构")
    page.wait_for_url(f"{base}/org/{cast.county_a.code}/")
    assert "小店测试区" in page.locator("h1").inner_text()
    page.click("text=北格镇中心小学")
    assert page.locator("h1").inner_text() == "北格镇中心小学"
    assert page.locator(".tag-weak").count() == 1
    screenshot(page, "core-school-page")
    # Nothing on these pages breaks the content security policy (or fails to load).
    assert not errors, errors
    # Schools of another county are not reachable.
    resp = page.goto(f"{base}/org/{cast.school_b1.code}/")
    assert resp is not None and resp.status == 404


def test_admin_searches_people_by_pinyin_initials(cast: Any, live_server: Any, page: Any) -> None:
    base = live_server.url
    browser_login(page, base, "sysadmin")
    page.goto(f"{base}/people/")
    page.fill("input[name=q]", "zwh")
    # htmx swaps the rows in as the user types.
    expect(page.locator("#people-rows tbody tr")).to_have_count(1)
    assert "张文华" in page.locator("#people-rows tbody tr").inner_text()
    # The address bar follows the search, so the result can be shared or reloaded.
    assert "q=zwh" in page.url
    screenshot(page, "core-people-search-zwh")


def test_principal_forms_groups_on_a_phone(cast: Any, live_server: Any, phone: Any) -> None:
    base = live_server.url
    browser_login(phone, base, "principal")
    phone.click("button.menu-toggle")
    phone.click("nav >> text=工作台")
    phone.goto(f"{base}/org/{cast.school_a1.code}/groups/")
    phone.once("dialog", lambda d: d.accept())
    phone.click("text=按规则生成建议方案")
    phone.wait_for_selector("text=待确认")
    phone.click("text=确认本学期教研组")
    phone.wait_for_selector("text=本学期教研组已确认")
    assert phone.locator("h2:has-text('数学教研组')").count() == 1
    screenshot(phone, "core-groups-phone")
