"""The API never needs a write to answer a read, and answers JSON for every error (issue 8,
finding 10): a bearer-token GET wrote the token's last use (a 500 after the SQLite busy
timeout while an import held the lock), and 404/405/500 inside /api/ came back as HTML."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path

from api.tokens import token_create
from tests.conftest import Cast

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: list[dict[str, Any]]) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_a_token_read_does_not_write(cast: Cast) -> None:
    _, plain = token_create(actor=None, user=cast.users["county_researcher"], name="对接系统")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    for target in ("/api/v1/me", "/api/v1/people", "/api/v1/schools", "/api/v1/groups"):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(target).status_code == 200
        assert _writes(ctx.captured_queries) == [], target


def _json(response: Any) -> dict[str, Any]:
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body: dict[str, Any] = response.json()
    return body


def test_unknown_api_path_is_json_404(cast: Cast) -> None:
    r = cast.client("teacher").get("/api/v1/no-such-endpoint")
    assert r.status_code == 404 and "没有找到" in _json(r)["detail"]


def test_wrong_method_is_json_405(cast: Cast) -> None:
    r = cast.client("teacher").patch("/api/v1/me")
    assert r.status_code == 405 and _json(r)["detail"] == "不支持该请求方法"
    assert "GET" in r["Allow"]


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a programming error")


# A URLconf for this module only: the real project's URLs plus one view that fails, mounted
# inside /api/ the way a failing endpoint would be.
urlpatterns = [path("api/broken", _broken), path("", include("jiaoyan.urls"))]


@override_settings(ROOT_URLCONF=__name__)
def test_programming_error_is_json_500_and_logged(cast: Cast, caplog: Any) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(cast.users["teacher"])
    r = client.get("/api/broken")
    assert r.status_code == 500 and "服务器内部错误" in _json(r)["detail"]
    assert "a programming error" not in r.content.decode()
    assert any("a programming error" in str(rec.exc_info) for rec in caplog.records if rec.exc_info)
    # Pages keep their HTML error page.
    assert not cast.client("teacher").get("/no-such-page/").get("Content-Type", "").startswith("application/json")


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Any) -> None:
    """A reader never waits for the writer (WAL), and a writer waits for the lock rather than
    failing at once (busy timeout). Checked on a real database file, as a server opens it."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "JIAOYAN_DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "jiaoyan.settings"}
    code = ("import django; django.setup(); from django.db import connection; c = connection.cursor();"
            "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA busy_timeout').fetchone()[0])")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True)
    mode, timeout_ms = out.stdout.split()
    assert mode == "wal" and int(timeout_ms) >= 5000
