"""Browser test on a real headless Chromium (phone viewport): a county admin adds a 钉钉 robot
channel pointing at a loopback robot, presses "发送测试消息", and the robot receives a correctly
signed message; the delivery log shows it sent. Screenshots go to test-artifacts/integrations/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser_session import PHONE, logged_in_context, screenshot
from tests.conftest import build_cast
from tests.integrations.receivers import Receiver

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "integrations"
SECRET = "SECbrowser0123456789abcdefghij"


def test_county_admin_adds_a_dingtalk_robot_and_sends_a_test_message(browser: Any, live_server: Any) -> None:
    cast = build_cast()
    errors: list[str] = []
    ctx = logged_in_context(browser, live_server, cast.users["county_admin"])
    page = ctx.new_page()
    page.on("pageerror", lambda e: errors.append(str(e)))
    with Receiver("dingtalk", secret=SECRET) as rx:
        page.goto(live_server.url + "/integrations/channels/")
        assert "还没有渠道" in page.content()
        page.click("[data-testid=channel-new]")
        page.wait_for_selector("[data-testid=channel-form]")
        page.select_option("select[name=region]", label="小店测试区")
        page.select_option("select[name=kind]", "dingtalk_robot")
        page.fill("input[name=name]", "小店区教研群")
        page.fill("input[name=url]", rx.url)
        page.fill("input[name=secret]", SECRET)
        page.check("input[name=events][value='warning.raised']")
        page.click("[data-testid=channel-form] button[type=submit]")
        page.wait_for_selector("[data-testid=channel-test]")
        assert "已添加渠道“小店区教研群”" in page.content()
        assert SECRET not in page.content() and page.inner_text("[data-testid=secret-masked]") == "SEC…******"
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"page scrolls sideways ({width}px)"
        screenshot(page, ARTIFACTS, "channel-added")
        page.click("[data-testid=channel-test]")
        page.wait_for_selector("text=测试消息已送达")
        screenshot(page, ARTIFACTS, "test-sent")
    [req] = rx.requests
    assert req.signature_ok, "the robot could not verify the DingTalk signature"
    assert req.body["msgtype"] == "text" and "测试消息：渠道“小店区教研群”已接通" in req.body["text"]["content"]
    page.goto(live_server.url + "/integrations/deliveries/")
    row = page.locator("[data-testid=delivery-row]").first
    assert "测试消息（周敏）" in row.inner_text()
    assert row.locator("[data-testid=delivery-status]").inner_text() == "已送达"
    assert "第1次" in row.inner_text() and "200" in row.inner_text()
    screenshot(page, ARTIFACTS, "delivery-log")
    assert not errors
    ctx.close()


def test_a_teacher_chooses_the_robot_and_their_next_notification_reaches_it(browser: Any, live_server: Any,
                                                                            settings: Any) -> None:
    from integrations.services import channel_create
    from observe.services import notify
    from tests.integrations.worker import run_queued

    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 0
    cast = build_cast()
    teacher = cast.people["teacher"]
    teacher.phone = "13900000001"
    teacher.save(update_fields=["phone"])
    ctx = logged_in_context(browser, live_server, cast.users["teacher"])
    page = ctx.new_page()
    with Receiver("dingtalk", secret=SECRET) as rx:
        channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="小店区教研群", url=rx.url,
                       secret=SECRET, events=["notification"])
        page.goto(live_server.url + "/integrations/preferences/")
        assert page.is_checked("input[name=mode][value=in_app]")
        page.check("input[name=mode][value=robot]")
        page.click("[data-testid=preference-form] button[type=submit]")
        page.wait_for_selector("text=通知设置已保存")
        assert page.is_checked("input[name=mode][value=robot]")
        screenshot(page, ARTIFACTS, "preferences")
        notify(recipient=teacher, title="张文华对《荷塘月色》的评课意见已送达")
        assert run_queued() == 1
    [req] = rx.requests
    assert req.signature_ok and req.body["at"]["atMobiles"] == ["13900000001"]
    assert req.body["text"]["content"] == "【教研平台】何静：张文华对《荷塘月色》的评课意见已送达"
    ctx.close()
