"""Browser test (issue 10): the S-T settings the observer set survive a reload and a server
round trip, and the chart's time axis uses them. The observer types the teacher's plain name,
sets 逐次记录 at 2 s, codes, reloads, saves, submits with an incomplete rubric after confirming,
and the S-T curve's axis runs to N × 2 seconds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import logged_in_context
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "observe"
CODES = "TTTSSTTTTS"


def _context(browser: Any, live_server: Any, user: Any) -> Any:
    return logged_in_context(browser, live_server, user)


def test_st_interval_and_mode_survive_reload_and_drive_the_chart(browser: Any, live_server: Any) -> None:
    from observe.models import CodingSession, Observation

    cast = build_cast()
    errors: list[str] = []
    ctx = _context(browser, live_server, cast.users["principal"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/observe/new/")
    page.fill("[data-testid=teacher]", "何静")  # the plain name, as typed
    page.fill("input[name=topic]", "背影")
    page.fill("textarea[name=strengths]", "朗读指导细致")
    page.click(".rubric-item[data-code='1.1.1'] .seg-item:has-text('优')")
    page.select_option("[data-testid=coding-mode]", "tap")
    page.fill("[data-testid=coding-interval]", "2")
    page.dispatch_event("[data-testid=coding-interval]", "change")
    for code in CODES:
        page.click(f"[data-testid=code-{code}]")
    page.wait_for_function("() => Object.values(localStorage).some(v => v.includes('st_interval')"
                           f" && v.includes('{CODES}'))")

    page.reload()  # the device's copy restores the settings with the codes
    assert page.input_value("[data-testid=coding-mode]") == "tap"
    assert page.input_value("[data-testid=coding-interval]") == "2"
    assert page.input_value("input[name=coding_st]") == CODES

    page.click("[data-testid=save]")
    page.wait_for_url("**/observe/*/edit/?saved=*")
    obs = Observation.objects.get(topic="背影")
    assert obs.teacher == cast.people["teacher"]
    assert obs.coding_settings["st_interval"] == 2 and obs.coding_settings["mode"] == "tap"
    page.evaluate("localStorage.clear()")
    page.reload()  # the server's copy restores them too
    assert page.input_value("[data-testid=coding-mode]") == "tap"
    assert page.input_value("[data-testid=coding-interval]") == "2"

    page.click("[data-testid=submit]")
    page.wait_for_selector("[data-testid=rubric-incomplete]")  # 1 of 22 items rated: asked first
    page.check("[data-testid=confirm-incomplete]")
    page.click("[data-testid=submit]")
    page.wait_for_url("**/observe/*/?saved=*")
    session = CodingSession.objects.get(observation=obs)
    assert session.interval_seconds == 2 and session.n == len(CODES)
    assert page.inner_text("[data-testid=coding-interval]") == "2"
    option = json.loads(page.inner_text(f"#chart-{session.pk}-st"))
    assert option["xAxis"]["max"] == len(CODES) * 2 and option["xAxis"]["name"] == "教师行为 T（秒）"
    page.wait_for_selector("[data-chart-ready]")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "coding-settings-detail.png"), full_page=True)
    ctx.close()
    assert not errors, errors
