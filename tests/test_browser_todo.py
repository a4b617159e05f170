"""Each role walks its to-do list on a phone (390×844): the first screen shows the actions, the
first to-do opens a working page, no console errors, no page-wide horizontal scroll."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import browser_login, screenshot

pytestmark = pytest.mark.browser

ROLES = ("teacher", "principal", "vice_principal", "middle_manager", "group_leader", "county_researcher",
         "province_researcher", "county_admin", "bureau_viewer", "no_post")
NO_SCROLL = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def test_every_role_walks_its_to_do_list_on_a_phone(cast: Any, live_server: Any, browser: Any) -> None:
    from core import services as core_services
    from tests.access_cases_observe import _record

    _record(cast)  # feedback for the teacher to read
    _record(cast, submit=False, observer="principal")  # a draft for the principal to finish
    core_services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    base = live_server.url
    walked = []
    for role in ROLES:
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                      has_touch=True, device_scale_factor=2)
        pg = context.new_page()
        pg.set_default_timeout(15000)
        errors: list[str] = []
        pg.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        try:
            browser_login(pg, base, role)
            assert pg.evaluate(NO_SCROLL), f"{role}: the workbench scrolls sideways"
            todo = pg.locator("[data-testid=todo]")
            if role == "no_post":
                assert todo.count() == 0 and pg.locator("text=还没有任何岗位").count() == 1
                continue
            assert pg.locator("[data-testid=todo-list]").count() == 1, role
            if todo.count() == 0:
                assert pg.locator("[data-testid=todo-empty]").is_visible(), role
                continue
            box = todo.first.bounding_box()
            assert box is not None and box["y"] + box["height"] <= 844, f"{role}: the first to-do is below the fold"
            screenshot(pg, f"todo-phone-{role}")
            title = todo.first.inner_text()
            with pg.expect_navigation():
                todo.first.click()
            assert pg.locator("[data-testid=error-page]").count() == 0, f"{role}: «{title}» opens an error page"
            assert pg.evaluate(NO_SCROLL), f"{role}: «{title}» opens a page that scrolls sideways"
            assert not errors, f"{role}: {errors}"
            walked.append(role)
        finally:
            context.close()
    assert {"teacher", "principal", "county_researcher"} <= set(walked), walked
