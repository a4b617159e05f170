"""Browser test of planning: the organiser at a desk creates a visit, adds a school day with its
agenda and a member, and is warned of the member's clash; a team member on a phone opens the
visit and reads the day's agenda. Screenshots go to test-artifacts/visits/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "visits"


def _context(browser: Any, live_server: Any, user: Any, *, phone: bool) -> Any:
    return logged_in_context(browser, live_server, user, phone=phone)


def _shot(page: Any, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def test_organiser_plans_and_member_reads_on_phone(browser: Any, live_server: Any) -> None:
    from tests.access_cases_visits_plan import make_visit
    from visits.models import Visit

    cast = build_cast()
    make_visit(cast)  # the part-time researcher is already on a visit on 12 October
    errors: list[str] = []
    member = cast.people["part_time_researcher"]

    ctx = _context(browser, live_server, cast.users["county_admin"], phone=False)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/visits/")
    page.click("[data-testid=new-visit]")
    page.select_option("select[name=kind]", "diagnose")
    page.fill("input[name=title]", "北格镇中心小学诊断性视导")
    page.fill("input[name=start]", "2026-10-12")
    page.fill("input[name=end]", "2026-10-14")
    page.fill("textarea[name=purpose]", "课堂教学与作业设计")
    page.click("[data-testid=plan-form] button[type=submit]")
    page.wait_for_selector("[data-testid=visit-title]:has-text('北格镇中心小学诊断性视导')")
    visit = Visit.objects.get(title="北格镇中心小学诊断性视导")

    page.click("a:has-text('安排日程')")
    page.select_option("select[name=school]", str(cast.school_a2.pk))
    page.fill("input[name=date]", "2026-10-12")
    page.select_option("select[name=agenda-0-kind]", "lesson")
    page.fill("input[name=agenda-0-start]", "08:00")
    page.fill("input[name=agenda-0-end]", "08:45")
    page.fill("input[name=agenda-0-title]", "三年级数学推门听课")
    page.select_option("select[name=agenda-1-kind]", "teacher_forum")
    page.fill("input[name=agenda-1-start]", "14:00")
    page.fill("input[name=agenda-1-title]", "青年教师座谈")
    page.click("[data-testid=stop-form] button[type=submit]")
    page.wait_for_selector("text=已安排 2026-10-12 到北格镇中心小学")
    assert visit.stops.count() == 1

    page.goto(live_server.url + f"/visits/{visit.pk}/team/")
    page.fill("input[name=person]", f"{member.name}（{member.code}）")
    page.select_option("select[name=role]", "subject")
    page.click("[data-testid=member-form] button[type=submit]")
    page.wait_for_selector(f"text=已将{member.name}加入视导组")
    warning = page.locator(".messages li.msg-warning")
    assert "刘晓燕在10月12日已参加视导" in warning.inner_text()
    _shot(page, "plan-team-warning")
    page.goto(live_server.url + f"/visits/{visit.pk}/")
    assert "刘晓燕在10月12日已参加视导" in page.locator("[data-testid=warnings]").inner_text()
    _shot(page, "plan-detail-desk")
    ctx.close()

    # The organiser's forms also fit a phone.
    ctx = _context(browser, live_server, cast.users["county_admin"], phone=True)
    organiser_phone = ctx.new_page()
    for path in (f"/visits/{visit.pk}/schedule/", f"/visits/{visit.pk}/team/", "/visits/new/", "/visits/"):
        organiser_phone.goto(live_server.url + path)
        assert organiser_phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], path
    organiser_phone.goto(live_server.url + f"/visits/{visit.pk}/schedule/")
    _shot(organiser_phone, "plan-schedule-phone")
    ctx.close()

    ctx = _context(browser, live_server, cast.users["part_time_researcher"], phone=True)
    phone = ctx.new_page()
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.goto(live_server.url + "/visits/?side=mine")
    phone.click("a:has-text('北格镇中心小学诊断性视导')")
    day = phone.locator("[data-testid=day-2026-10-12]")
    day.wait_for()
    text = day.inner_text()
    assert "北格镇中心小学" in text and "三年级数学推门听课" in text and "08:00—08:45" in text and "青年教师座谈" in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert phone.locator("a:has-text('安排日程')").count() == 0
    _shot(phone, "plan-detail-phone")
    ctx.close()
    assert errors == []
