"""Browser test of a project from application to completion: a teacher files it (申报) on a phone,
the county's admin approves it (立项) and assigns a 结题 reviewer, the reviewer scores the review on
a phone, the admin concludes it, and the teacher's archive shows the project. Screenshots go to
test-artifacts/projects/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser_session import logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "projects"
TITLE = "初中语文整本书阅读教学的行动研究"


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


# A form sent back with its errors answers 400, which Chromium logs as a failed resource; that
# answer is the one the test provokes, so only other console errors count.
REFUSED_FORM = "the server responded with a status of 400"


def _watch(page: Any, errors: list[str]) -> None:
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text)
            if m.type == "error" and REFUSED_FORM not in m.text else None)


def test_a_project_from_application_to_completion(browser: Any, live_server: Any) -> None:
    from projects import services as svc
    from projects.models import Project

    cast = build_cast()
    errors: list[str] = []
    end = (timezone.localdate() + dt.timedelta(days=700)).isoformat()

    # The teacher files the project on a phone; a mistake comes back with what was typed.
    ctx = logged_in_context(browser, live_server, cast.users["teacher"], phone=True)
    page = ctx.new_page()
    _watch(page, errors)
    page.goto(live_server.url + "/projects/")
    page.click("[data-testid=new-project]")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=level]", "county")
    page.fill("textarea[name=application]", "以整本书阅读为抓手，开展三轮课例研究。")
    page.click("[data-testid=submit-project]")
    page.wait_for_selector("text=计划结题日期：请填写")
    assert page.input_value("input[name=title]") == TITLE
    page.fill("input[name=planned_end]", end)
    page.click("[data-testid=submit-project]")
    page.wait_for_selector(f"[data-testid=project-title]:has-text('{TITLE}')")
    assert page.locator("[data-testid=project-status]").inner_text() == "申报"
    assert _fits(page)
    screenshot(page, ARTIFACTS, "filed-phone")
    ctx.close()
    project = Project.objects.get(title=TITLE)
    assert project.approver == cast.county_a and project.documents.filter(kind="application").exists()

    # The county's admin approves it and assigns the 结题 reviewer.
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = ctx.new_page()
    _watch(page, errors)
    page.goto(live_server.url + f"/projects/{project.pk}/")
    page.click("[data-testid=advance-box] summary")
    page.select_option("[data-testid=advance-form] select[name=target]", "approved")
    page.fill("[data-testid=advance-form] input[name=number]", "XD2026-07")
    page.check("[data-testid=advance-form] input[name=is_key]")
    page.click("[data-testid=advance-submit]")
    page.wait_for_selector("text=课题已进入“立项”阶段。")
    assert page.locator("[data-testid=project-status]").inner_text() == "立项"
    assert "done" in (page.locator("[data-testid=timeline] [data-status=approved]").get_attribute("class") or "")
    page.click("[data-testid=review-box] summary")
    page.select_option("[data-testid=review-assign-form] select[name=stage]", "concluded")
    reviewer = cast.people["city_researcher"]
    page.fill("[data-testid=review-assign-form] input[name=expert]", f"{reviewer.name}（{reviewer.code}）")
    page.click("[data-testid=review-assign-submit]")
    page.wait_for_selector(f"text=已指派{reviewer.name}进行结题评审。")
    screenshot(page, ARTIFACTS, "approved-desk")
    ctx.close()

    # 开题 and 中期检查 happen in between (their reports are in).
    project = Project.objects.get(pk=project.pk)
    for stage, kind in (("opened", "opening"), ("midterm", "midterm")):
        svc.document_add(actor=None, project=project, kind=kind, title=f"{kind}报告", text="正文")
        project = svc.project_advance(actor=None, project=project, target=stage)
    svc.document_add(actor=None, project=project, kind="final", title="结题报告", text="研究总结")

    # The reviewer scores the 结题 review on a phone.
    ctx = logged_in_context(browser, live_server, cast.users["city_researcher"], phone=True)
    page = ctx.new_page()
    _watch(page, errors)
    page.goto(live_server.url + "/projects/reviews/")
    page.click(f"[data-testid=reviews-todo] a:has-text('{TITLE}')")
    page.fill("input[name=score]", "91.5")
    page.select_option("select[name=verdict]", "pass")
    page.fill("textarea[name=comments]", "研究扎实，课例可推广，同意结题。")
    assert _fits(page)
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("text=评审意见已提交。")
    assert "91.5分" in page.locator("[data-testid=reviews]").inner_text()
    screenshot(page, ARTIFACTS, "reviewed-phone")
    ctx.close()

    # The admin concludes it.
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = ctx.new_page()
    _watch(page, errors)
    page.goto(live_server.url + f"/projects/{project.pk}/")
    page.click("[data-testid=advance-box] summary")
    page.select_option("[data-testid=advance-form] select[name=target]", "concluded")
    page.click("[data-testid=advance-submit]")
    page.wait_for_selector("text=课题已进入“结题”阶段。")
    assert page.locator("[data-testid=project-status]").inner_text() == "结题"
    ctx.close()

    # The teacher's archive shows the project with its stages.
    ctx = logged_in_context(browser, live_server, cast.users["teacher"], phone=True)
    page = ctx.new_page()
    _watch(page, errors)
    page.goto(live_server.url + f"/observe/archive/{cast.people['teacher'].code}/")
    page.wait_for_selector(f"text=县级课题：{TITLE}")
    assert _fits(page)
    screenshot(page, ARTIFACTS, "archive-phone")
    ctx.close()
    assert not errors, errors
