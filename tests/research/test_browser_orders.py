"""Browser test of a 送教 order: a school's principal posts an order on a phone; the county's
researcher at a desk runs the matching, reads the reasons, edits the match to another teacher,
accepts, and the 送教 activity exists; after the day he records it delivered, and the school and
the teacher each rate it on their phones. Screenshots go to test-artifacts/research/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "research"


def test_school_posts_organiser_matches_edits_and_accepts(browser: Any, live_server: Any,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone

    from core.models import Subject
    from research.models.activities import Activity, ActivityForm
    from research.models.orders import OrderStatus, SongjiaoOrder
    from tests.research.order_setup import candidates

    cast = build_cast()
    master, star = candidates(cast)
    start = max(timezone.localdate() + dt.timedelta(days=7), cast.term.start)
    end = min(start + dt.timedelta(days=10), cast.term.end)
    errors: list[str] = []

    ctx = logged_in_context(browser, live_server, cast.users["principal"], phone=True)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server.url + "/research/orders/")
    page.click("[data-testid=order-new]")
    page.select_option("select[name=org]", cast.school_a1.code)
    page.select_option("select[name=subject]", str(Subject.objects.get(code="math").pk))
    page.select_option("select[name=stage]", "junior")
    page.fill("input[name=topic]", "分数的意义")
    page.fill("textarea[name=problem]", "学生对单位“1”理解困难，希望示范课和研讨")
    page.fill("input[name=preferred_from]", start.isoformat())
    page.fill("input[name=preferred_to]", end.isoformat())
    page.click("[data-testid=order-form] button[type=submit]")
    page.wait_for_selector("[data-testid=order-status]:has-text('待匹配')")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, ARTIFACTS, "order-posted-phone")
    order = SongjiaoOrder.objects.get(topic="分数的意义")
    ctx.close()

    ctx = logged_in_context(browser, live_server, cast.users["county_researcher"], phone=False)
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(live_server.url + "/research/orders/match/")
    page.select_option("select[name=region]", cast.county_a.code)
    page.click("[data-testid=run-match]")
    page.wait_for_selector("[data-testid=match-summary]")
    row = page.locator("[data-testid=match-row]").first.inner_text()
    assert "韩能手" in row and "擅长“分数教学研究”" in row and "约0.0公里" in row
    assert "对照（逐单就近分配）" in page.locator("[data-testid=match-summary]").inner_text()
    screenshot(page, ARTIFACTS, "order-matching-desk")
    page.click(f"a[href='/research/orders/{order.pk}/']")
    page.wait_for_selector("[data-testid=match]:has-text('韩能手')")
    # The organiser prefers the city 名师.
    page.fill("[data-testid=edit-form] input[name=teacher]", master.code)
    page.fill("[data-testid=edit-form] input[name=date]", (start + dt.timedelta(days=2)).isoformat())
    page.click("[data-testid=edit-form] button[type=submit]")
    page.wait_for_selector("[data-testid=match]:has-text('梁名师')")
    assert "组织者指定" in page.locator("[data-testid=match-why]").inner_text()
    page.click("[data-testid=accept]")
    page.wait_for_selector("[data-testid=activity]")
    assert "已确认" in page.locator("[data-testid=order-status]").inner_text()
    screenshot(page, ARTIFACTS, "order-accepted-desk")
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED
    activity = Activity.objects.get(songjiao_orders=order)
    assert activity.form == ActivityForm.SONGJIAO and activity.host == master
    assert activity.start.date() == start + dt.timedelta(days=2)

    # The day after the activity (the clock, a process boundary, moved on).
    after = start + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "localdate", lambda *a: after)
    page.reload()
    page.click("[data-testid=deliver]")
    page.wait_for_selector("[data-testid=order-status]:has-text('已送教')")
    ctx.close()

    from core.models import User

    teacher_user = User.objects.create_user("sj_master", "pw-Sj-2026!", name=master.name, person=master)
    for user, score, text in ((cast.users["principal"], "5", "示范课贴近学情"), (teacher_user, "4", "学校准备充分")):
        ctx = logged_in_context(browser, live_server, user, phone=True)
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server.url + f"/research/orders/{order.pk}/")
        page.select_option("[data-testid=rate-form] select[name=score]", score)
        page.fill("[data-testid=rate-form] textarea[name=comment]", text)
        page.click("[data-testid=rate-form] button[type=submit]")
        page.wait_for_selector(f"[data-testid=rating]:has-text('{text}')")
        assert page.locator("[data-testid=rate-form]").count() == 0
        ctx.close()
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED
    assert errors == []
