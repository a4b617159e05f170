"""What every browser test needs: a Chromium context logged in as a cast user (the session
cookie of Django's test client handed to the browser) on a phone or a desk, and screenshots in
test-artifacts/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def logged_in_context(browser: Any, live_server: Any, user: Any, *, phone: bool = True, **options: Any) -> Any:
    client = Client()
    client.force_login(user)
    if phone:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN", **options)
    else:
        context = browser.new_context(viewport=DESK, locale="zh-CN", **options)
    host = live_server.url.split("//")[1].split(":")[0]
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host,
                          "path": "/"}])
    return context


def screenshot(page: Any, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
