"""Browser test on a real headless Chromium, phone-sized: a county researcher plans a research
activity on a phone, invites a teacher and shows the sign-in QR code; the teacher's phone (a
second browser context, not logged in) opens the code read from a picture of the screen, logs
in and is signed in; an old code (a window long gone, as a photograph used later would carry) is
refused; the researcher writes the minutes in place and closes the activity. Screenshots go to
test-artifacts/research/."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from django.conf import settings
from django.utils import timezone
from PIL import Image

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import PASSWORD, build_cast

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "research"


def _shot(page: Any, name: str) -> None:
    screenshot(page, ARTIFACTS, name)


def _fits(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_organiser_runs_an_activity_with_qr_signin_from_a_phone(browser: Any, live_server: Any) -> None:
    from research import activity_signin
    from research.models import Activity, ActivityStatus, Attendance

    cast = build_cast()
    errors: list[str] = []
    desk = logged_in_context(browser, live_server, cast.users["county_researcher"])
    page = desk.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))

    # Plan the activity: it started five minutes ago (the researcher records it at the venue).
    page.goto(f"{live_server.url}/research/")
    page.click("[data-testid=new-activity]")
    page.wait_for_selector("[data-testid=activity-form]")
    _fits(page)
    now = timezone.localtime()
    page.select_option("select[name=form]", "regional")
    page.select_option("select[name=level]", "county")
    page.fill("input[name=title]", "小店区初中语文区域教研")
    page.fill("input[name=theme]", "大单元教学设计")
    page.fill("textarea[name=plan]", "一、展示课\n二、评课研讨")
    page.fill("input[name=start]", (now - dt.timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=end]", (now - dt.timedelta(minutes=5) + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    # No place yet: refused, and what was typed stays.
    page.click("[data-testid=save]")
    page.wait_for_selector(".errorlist:has-text('请填写地点或线上链接')")
    assert page.input_value("input[name=title]") == "小店区初中语文区域教研"
    page.fill("input[name=place]", "小店区教研室三楼会议室")
    _shot(page, "activity-1-plan")
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=activity-title]")
    activity = Activity.objects.get(title="小店区初中语文区域教研")

    # Invite the teacher by name.
    page.fill("textarea[name=people]", "何静")
    page.click("[data-testid=invite]")
    page.wait_for_selector(f"[data-testid=participant-{cast.people['teacher'].code}]")
    _fits(page)

    # Show the sign-in code; the teacher's phone reads it from the screen.
    page.click("[data-testid=show-code]")
    page.wait_for_selector("[data-testid=signin-qr] svg")
    _fits(page)
    _shot(page, "activity-2-code")
    picture = Image.open(io.BytesIO(page.locator("[data-testid=signin-qr]").screenshot()))
    scanned = [r.text for r in zxingcpp.read_barcodes(picture)]
    assert len(scanned) == 1 and scanned[0].startswith(f"{live_server.url}/research/activities/{activity.pk}/signin/")

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    mobile = phone.new_page()
    mobile.on("pageerror", lambda e: errors.append(str(e)))
    mobile.goto(scanned[0])
    # Not logged in on this phone: the login page, which comes back to the code.
    mobile.wait_for_selector("input[name=username]")
    mobile.fill("input[name=username]", "teacher")
    mobile.fill("input[name=password]", PASSWORD)
    mobile.click("button[type=submit]")
    mobile.wait_for_selector("[data-testid=signin-button]")
    assert "小店区初中语文区域教研" in mobile.inner_text("main")
    _fits(mobile)
    mobile.click("[data-testid=signin-button]")
    mobile.wait_for_selector("[data-testid=signin-done]")
    assert "签到成功：出席" in mobile.inner_text("[data-testid=signin-done]")
    _shot(mobile, "activity-3-signed-in")
    part = activity.participants.get(person=cast.people["teacher"])
    assert part.attendance == Attendance.PRESENT

    # A photograph of the code used later: its window is long past, so it is refused.
    old = activity_signin.make_code(settings.SECRET_KEY, activity.pk, activity_signin.window_of(time.time()) - 4)
    mobile.goto(f"{live_server.url}/research/activities/{activity.pk}/signin/{old}/")
    mobile.wait_for_selector("[data-testid=signin-refused]")
    assert "签到码已过期" in mobile.inner_text("[data-testid=signin-refused]")
    _shot(mobile, "activity-4-replay-refused")
    # The teacher's own calendar on the phone shows the activity in the month grid.
    mobile.goto(f"{live_server.url}/research/calendar/")
    mobile.wait_for_selector("[data-testid=calendar-month] .ra-ev")
    assert "小店区初中语文" in mobile.inner_text("[data-testid=calendar-month]")
    _fits(mobile)
    _shot(mobile, "activity-5-calendar")
    phone.close()

    # The organiser's code page counts the sign-in when it refreshes itself.
    page.wait_for_selector("[data-testid=signed-count]:has-text('已签到 1 人')", timeout=20000)

    # Closing needs the outcome: refused first, then the minutes written in place, then closed.
    page.goto(f"{live_server.url}/research/activities/{activity.pk}/")
    page.click("[data-testid=close]")
    page.wait_for_selector(".messages:has-text('结束活动前请先填写或上传活动成果')")
    page.select_option("select[name=kind]", "minutes")
    page.fill("#outcome input[name=title]", "区域教研纪要")
    page.fill("textarea[name=text]", "展示课后分组研讨，形成三条改进建议。")
    page.click("[data-testid=save-outcome]")
    page.wait_for_selector("[data-testid=outcome]:has-text('区域教研纪要')")
    page.click("[data-testid=close]")
    page.wait_for_selector("[data-testid=status]:has-text('已结束')")
    _fits(page)
    _shot(page, "activity-6-closed")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.CLOSED
    assert activity.participants.get(person=cast.people["teacher"]).attendance == Attendance.PRESENT
    assert not errors, errors
    desk.close()
