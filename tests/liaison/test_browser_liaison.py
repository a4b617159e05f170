"""Browser tests of the liaison paths: the organiser at a desk opens a round, runs the optimiser,
writes its proposal, edits a link and accepts it; a researcher on a phone logs an on-site day and
ticks one of the nine tasks. Screenshots go to test-artifacts/liaison/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "liaison"


def _errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_organiser_runs_the_optimiser_edits_and_accepts(browser: Any, live_server: Any) -> None:
    from core.models import OrgNode, Subject
    from liaison.models import Link, LinkStatus
    from liaison.services import rounds as round_services
    from tests.liaison.factories import round_, school

    cast = build_cast()
    r = round_(cast.city, title="太原测试市定点联系第三轮")
    OrgNode.objects.filter(pk=cast.school_a1.pk).update(longitude=112.55, latitude=37.86)
    weak = school(cast.county_a, "1140105990", "刘家堡乡小学", weak=True, lat=37.70, lon=112.62)
    round_services.nomination_submit(actor=None, round_=r, school=weak, nominated_by=cast.county_a,
                                     needs=[(Subject.objects.get(code="math"), "junior", "作业设计")])
    ctx = logged_in_context(browser, live_server, cast.users["institute_head"], phone=False)
    page = ctx.new_page()
    errors = _errors(page)
    page.goto(live_server.url + "/liaison/")
    page.click(f"text={r.title}")
    page.wait_for_selector("[data-testid=timeline]")
    assert "落实阶段" in page.locator("[data-testid=timeline]").inner_text()
    page.click("[data-testid=run-optimiser]")
    proposal = page.locator("[data-testid=proposal]").inner_text()
    assert "赵丽华" in proposal and "刘家堡乡小学" in proposal and "薄弱学校、乡村学校优先" in proposal
    screenshot(page, ARTIFACTS, "optimiser-proposal")
    page.click("[data-testid=apply-proposal]")
    page.wait_for_selector("text=已生成1条拟联系")
    link = Link.objects.get(round=r)
    page.click("[data-testid=edit-link]")
    page.fill("textarea[name=reason]", "县区推荐，学校需求：初中数学作业设计")
    page.click("[data-testid=save-link]")
    page.wait_for_selector("text=已修改")
    page.click("[data-testid=accept-link]")
    page.wait_for_selector("text=已确定：赵丽华 → 刘家堡乡小学")
    link.refresh_from_db()
    assert link.status == LinkStatus.ACCEPTED and link.reason == "县区推荐，学校需求：初中数学作业设计"
    assert "已确定" in page.locator("[data-testid=links]").inner_text()
    screenshot(page, ARTIFACTS, "round-accepted")
    # The county's links drawn without map tiles: the chart renders (a canvas, no script error).
    page.click("text=联系示意图")
    page.wait_for_selector("[data-testid=map] canvas")
    screenshot(page, ARTIFACTS, "round-map")
    assert errors == []
    ctx.close()


def test_researcher_logs_a_day_and_ticks_a_task_on_a_phone(browser: Any, live_server: Any) -> None:
    from liaison.models import OnsiteDay, TaskCheck
    from tests.liaison.scenario import build

    cast = build_cast()
    s = build(cast)
    ctx = logged_in_context(browser, live_server, cast.users["city_researcher"], phone=True)
    page = ctx.new_page()
    errors = _errors(page)
    page.goto(live_server.url + "/liaison/")
    page.locator("[data-testid=my-links]").get_by_text("北格镇中心小学").click()
    page.click("[data-testid=log-day]")
    page.fill("input[name=date]", "2026-10-15")
    page.check("input[name=portion][value=half]")
    page.fill("textarea[name=work]", "听评课两节，与数学组研讨作业设计")
    screenshot(page, ARTIFACTS, "phone-day-form")
    page.click("[data-testid=save-day]")
    page.wait_for_selector("text=已记录10月15日的驻校工作")
    assert OnsiteDay.objects.get(link=s.link, date="2026-10-15").portion == "half"
    assert "共1.5个工作日" in page.inner_text("#days")
    page.fill("[data-testid=evidence-3]", "教学常规检查记录表")
    page.click("[data-testid=tick-3]")
    page.wait_for_selector("text=任务清单已更新")
    assert TaskCheck.objects.get(link=s.link, task=3).done
    assert "已完成1/9" in page.inner_text("#tasks")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the link's page scrolls sideways on a phone ({width}px)"
    screenshot(page, ARTIFACTS, "phone-link-detail")
    assert errors == []
    ctx.close()
