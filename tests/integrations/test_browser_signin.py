"""Browser test on a real headless Chromium (phone viewport) against a real OIDC provider
(django-oauth-toolkit in tests/idp/, a process on loopback): the login page → “使用省级统一身份认证
登录” → the provider's login form → its consent page → back on the workbench signed in as the
mapped person; an identity that maps to nobody gets the Chinese refusal page. Screenshots go to
test-artifacts/integrations/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from integrations.signin.models import LoginEvent
from integrations.signin.services import provider_create
from tests.browser_session import PHONE, screenshot
from tests.conftest import build_cast
from tests.idp.harness import running_idp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "integrations"
IDP_PASSWORD = "idp-pass-2026"


def _through_the_idp(page: Any, live_server: Any, username: str) -> None:
    page.goto(live_server.url + "/login/")
    page.click("text=使用省级统一身份认证登录")
    page.wait_for_selector("text=省统一身份认证平台")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", IDP_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=allow]")
    page.click("input[name=allow]")


def test_a_county_admin_signs_in_with_the_provincial_identity(browser: Any, live_server: Any,
                                                              tmp_path: Path) -> None:
    cast = build_cast()
    users = {"zhou.min": {"password": IDP_PASSWORD, "claims": {"staff_code": cast.people["county_admin"].code}},
             "stranger": {"password": IDP_PASSWORD, "claims": {"staff_code": "X99999"}}}
    with running_idp(tmp_path / "idp", users=users, redirect_uris=[live_server.url + "/signin/callback/"]) as idp:
        provider_create(actor=None, region=cast.county_a, kind="oidc", name="省级统一身份认证", issuer=idp.issuer,
                        client_id=idp.client_id, client_secret=idp.client_secret, claim="staff_code")
        errors: list[str] = []
        ctx = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page = ctx.new_page()
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(live_server.url + "/login/")
        screenshot(page, ARTIFACTS, "signin-login-page")
        _through_the_idp(page, live_server, "zhou.min")
        page.wait_for_url(live_server.url + "/")
        assert "周敏" in page.inner_text("header")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"page scrolls sideways ({width}px)"
        screenshot(page, ARTIFACTS, "signin-signed-in")
        assert LoginEvent.objects.get(user=cast.users["county_admin"]).method == "oidc"

        # The region's admin sees the sign-in in the log.
        page.goto(live_server.url + "/signin/log/")
        assert "统一身份认证（省级统一身份认证）" in page.inner_text("[data-testid=login-table]")
        page.wait_for_selector("[data-testid=active-chart] canvas")
        screenshot(page, ARTIFACTS, "signin-log")
        ctx.close()

        other = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
        page = other.new_page()
        _through_the_idp(page, live_server, "stranger")
        page.wait_for_selector("[data-testid=signin-refused]")
        text = page.inner_text("[data-testid=signin-refused]")
        assert "没有找到对应的人员" in text and "平台不会自动创建账号" in text
        screenshot(page, ARTIFACTS, "signin-unmapped")
        page.goto(live_server.url + "/signin/callback/?state=forged&code=x")
        assert "登录请求无效或已过期" in page.inner_text("[data-testid=signin-refused]")
        other.close()
    assert not errors
