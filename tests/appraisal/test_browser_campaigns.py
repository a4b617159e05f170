"""Browser test on a real headless Chromium: a district runs a 教研组 evaluation. The county admin
creates it (学校自评 → 区县评审), generates the groups and names the county researcher; the
principal self-assesses the school's 数学组 from the values the records pre-filled (a changed
value without a reason is refused and the form keeps what was typed); the county researcher
scores it; the admin publishes; the group leader objects on a phone; the admin upholds the
objection with a changed score; the district selects its excellent groups.
Screenshots go to test-artifacts/appraisal/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "appraisal"


def _fill_unrated(page: Any, value: str) -> None:
    for box in page.locator("[data-testid=score-form] input[type=number]").all():
        if not box.input_value():
            box.fill(value)


def test_a_district_evaluates_its_groups_and_selects_the_excellent(browser: Any, live_server: Any) -> None:
    from appraisal.models.campaigns import Campaign, CampaignSubject, Objection, Selection
    from appraisal.services import campaigns as svc
    from tests.appraisal.campaign_setup import full_ratings
    from tests.research.group_fixtures import activity, make_groups

    cast = build_cast()
    groups = make_groups(cast, cast.term.key)
    activity(cast, groups["数学组"], dt.date(2026, 9, 3))
    errors: list[str] = []

    # ---- the county admin creates the evaluation
    admin = logged_in_context(browser, live_server, cast.users["county_admin"], phone=False)
    page = admin.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/appraisal/")
    page.click("text=考评活动")
    page.click("[data-testid=campaign-new]")
    page.fill("input[name=title]", "小店区2026年教研组建设评价")
    page.fill("input[name=start]", "2026-09-01")
    page.fill("input[name=end]", "2026-11-30")
    page.select_option("select[name=version]", label="中小学教研组建设评价细则（第1版）")
    page.fill("textarea[name=stages]", "school 学校自评 school\ndistrict 区县评审 assigned")
    page.click("[data-testid=campaign-create]")
    page.wait_for_selector("[data-testid=campaign-info]")
    assert "学校自评 → 区县评审" in page.locator("[data-testid=campaign-info]").inner_text()
    page.click("[data-testid=campaign-generate]")
    page.wait_for_selector("text=已生成3个考评对象")
    page.select_option("[data-testid=assessor-form] select[name=person]", value=str(cast.people["county_researcher"].pk))
    page.click("[data-testid=assessor-form] button")
    page.wait_for_selector("[data-testid=assessor-list]")
    page.click("[data-testid=campaign-open]")
    page.wait_for_selector("text=已开始评审")
    screenshot(page, ARTIFACTS, "campaign-opened")
    c = Campaign.objects.get()
    math = CampaignSubject.objects.get(campaign=c, label="数学组")

    # ---- the principal: the school's self-assessment of 数学组, pre-filled from the records
    principal = logged_in_context(browser, live_server, cast.users["principal"], phone=False)
    pp = principal.new_page()
    pp.on("pageerror", lambda e: errors.append(str(e)))
    pp.goto(f"{live_server.url}/appraisal/campaigns/{c.pk}/")
    pp.click("[data-subject=数学组] a")
    pp.click("[data-testid=score-link]")
    pp.wait_for_selector("[data-testid=score-form]")
    assert "集中教研：" in pp.locator("[data-testid='prefill-4.1.1']").inner_text()
    prefilled = pp.locator("input[name='r_4.1.1']").input_value()
    _fill_unrated(pp, "2")
    pp.fill("input[name='r_4.1.1']", "6" if prefilled != "6" else "5")
    pp.fill("textarea[name=comments]", "本组教研活动扎实。")
    pp.click("[data-testid=score-submit]")
    pp.wait_for_selector("[data-testid=form-errors]")
    assert "4.1.1：与预填值" in pp.locator("[data-testid=form-errors]").first.inner_text()
    assert pp.locator("textarea[name=comments]").input_value() == "本组教研活动扎实。"
    assert pp.locator("input[name='r_1.1.1']").input_value() == "2"
    pp.fill("input[name='reason_4.1.1']", "另有校外联合教研两次，有签到记录")
    screenshot(pp, ARTIFACTS, "self-assessment")
    pp.click("[data-testid=score-submit]")
    pp.wait_for_selector("[data-testid=stage-school]")
    assert "另有校外联合教研两次" in pp.locator("[data-testid=stage-school]").inner_text()

    # ---- the county researcher scores it; the other two groups were scored through the services
    researcher = logged_in_context(browser, live_server, cast.users["county_researcher"], phone=False)
    rp = researcher.new_page()
    rp.on("pageerror", lambda e: errors.append(str(e)))
    rp.goto(f"{live_server.url}/appraisal/campaigns/subjects/{math.pk}/")
    rp.click("[data-testid=score-link]")
    rp.wait_for_selector("[data-testid=score-form]")
    rp.click("[data-testid=score-submit]")
    rp.wait_for_selector("[data-testid=stage-district]")
    for label, share in (("语文组", 0.95), ("英语组", 0.6)):
        s = CampaignSubject.objects.get(campaign=c, label=label)
        for st in c.stages:
            _, prefill = svc.stage_initial(s, st)
            svc.stage_score_save(actor=None, subject=s, stage=st["key"], ratings=full_ratings(c.version, share),
                                 reasons={k: "据实评定" for k in prefill}, submit=True)

    # ---- the admin publishes
    page.goto(f"{live_server.url}/appraisal/campaigns/{c.pk}/")
    page.click("[data-testid=campaign-publish]")
    page.wait_for_selector("text=结果已公示")
    table = page.locator("[data-testid=subject-list]").inner_text()
    assert "语文组" in table and "优秀" in table and "待改进" in table
    math.refresh_from_db()
    before = math.final_score

    # ---- the group leader objects, on a phone
    leader = logged_in_context(browser, live_server, cast.users["group_leader"])
    lp = leader.new_page()
    lp.on("pageerror", lambda e: errors.append(str(e)))
    lp.goto(f"{live_server.url}/appraisal/campaigns/")
    lp.click("text=小店区2026年教研组建设评价")
    assert "英语组" not in lp.locator("[data-testid=subject-list]").inner_text()  # only its own group
    lp.click("[data-subject=数学组] a")
    assert f"第{math.rank}名" in lp.locator("[data-testid=subject-result]").inner_text()
    lp.fill("textarea[name=reason]", "本组校本资源库已建成，资源建设一项漏评。")
    screenshot(lp, ARTIFACTS, "objection-phone")
    lp.click("[data-testid=objection-submit]")
    lp.wait_for_selector("text=申诉已提交")
    assert "待处理" in lp.locator("[data-testid=subject-objections]").inner_text()

    # ---- the admin upholds it with a changed score
    page.goto(f"{live_server.url}/appraisal/campaigns/{c.pk}/")
    page.click("[data-testid=objection-list] a")
    page.check("input[name=decision][value=upheld]")
    page.fill("textarea[name=response]", "复核属实，资源建设加分。")
    page.click("[data-testid=handle-submit]")
    page.wait_for_selector("[data-testid=handle-form] .errorlist")  # no score typed: refused
    assert "改后得分" in page.locator("[data-testid=handle-form]").inner_text()
    assert page.locator("textarea[name=response]").input_value() == "复核属实，资源建设加分。"
    new = min(100.0, (before or 0) + 4)
    page.fill("input[name=new_score]", f"{new:g}")
    page.click("[data-testid=handle-submit]")
    page.wait_for_selector("text=申诉已处理")
    assert Objection.objects.get().status == "upheld"
    math.refresh_from_db()
    assert math.final_score == new
    lp.reload()
    assert "申诉成立" in lp.locator("[data-testid=subject-objections]").inner_text()
    assert f"{new:g}" in lp.locator("[data-testid=subject-result]").inner_text()

    # ---- the district selects its excellent groups
    page.goto(f"{live_server.url}/appraisal/campaigns/{c.pk}/")
    page.click("[data-testid=selection-new]")
    page.wait_for_selector("[data-testid=selection-form]")
    page.click("[data-testid=selection-submit]")
    page.wait_for_selector("[data-testid=selection-entries]")
    entries = page.locator("[data-testid=selection-entries]").inner_text()
    assert "语文组" in entries and "英语组" not in entries
    screenshot(page, ARTIFACTS, "selection")
    sel = Selection.objects.get()
    assert sel.kind == "groups" and sel.entries.filter(subject__label="语文组").exists()
    assert not errors, errors
