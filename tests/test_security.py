"""Security basics: password hashing, login throttling, headers, CSP-clean templates, admin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def test_argon2_is_the_default_hasher() -> None:
    """Tests use a fast hasher; the settings a server starts with must use argon2."""
    env = {k: v for k, v in os.environ.items() if k != "JIAOYAN_FAST_HASHER"}
    out = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'jiaoyan.settings');"
         "django.setup(); from django.contrib.auth.hashers import make_password; print(make_password('x')[:7])"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "argon2$"


def _login(client: Client, username: str, password: str) -> int:
    return int(client.post(reverse("login"), {"username": username, "password": password}).status_code)


def test_login_works_and_lands_on_the_workbench(cast: Any) -> None:
    c = Client()
    r = c.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == reverse("workbench")
    assert "工作台" in c.get(reverse("workbench")).content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_lockout_after_repeated_failures(cast: Any) -> None:
    c = Client()
    for _ in range(3):
        r = c.post(reverse("login"), {"username": "teacher", "password": "wrong-password"})
        assert "用户名或密码不正确" in r.content.decode()
    # Even the right password is refused while locked out.
    r = c.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()
    # Another account from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other, "principal", PASSWORD) == 302


def test_pages_require_login(db: None) -> None:
    r = Client().get(reverse("people_list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_security_headers(cast: Any) -> None:
    r = cast.client("teacher").get(reverse("workbench"))
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only(cast: Any) -> None:
    c = Client()
    c.post(reverse("login"), {"username": "teacher", "password": PASSWORD})
    cookie = c.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_templates_have_no_inline_scripts_or_styles() -> None:
    """The CSP forbids inline code; a template that carries some would break in the browser."""
    offenders = []
    for path in ROOT.glob("*/templates/**/*.html"):
        offenders += _inline(path)
    for path in (ROOT / "templates").glob("**/*.html"):
        offenders += _inline(path)
    assert not offenders, offenders


def _inline(path: Path) -> list[str]:
    text = path.read_text()
    bad = []
    for m in re.finditer(r"<script(?P<attrs>[^>]*)>", text):
        attrs = m.group("attrs")
        if "src=" not in attrs and "application/json" not in attrs:
            bad.append(f"{path}: inline <script>")
    if re.search(r"\sstyle\s*=", text) or re.search(r"\son[a-z]+\s*=\s*\"", text):
        bad.append(f"{path}: inline style or event handler")
    return bad


def test_django_admin_is_for_system_admins_only(cast: Any) -> None:
    assert cast.client("sysadmin").get("/admin/").status_code == 200
    for role in ("county_admin", "principal", "institute_head"):
        r = cast.client(role).get("/admin/")
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
