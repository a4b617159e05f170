"""One throttle for every way to authenticate (issue 8, findings 4, 6, 7): both login pages and
API tokens, keyed on the account as authentication normalises it and on the address the
trusted proxy saw, with a delay that grows instead of a lock of everyone behind one address."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client, override_settings
from django.urls import reverse

from api.tokens import token_create
from core.models import LoginAttempt
from tests.conftest import PASSWORD, Cast

PROXY = "172.16.0.1"
GUESSER = "10.4.0.1"


def _login(client: Client, username: str, password: str, *, admin: bool = False, **extra: Any) -> Any:
    target = "/admin/login/?next=/admin/" if admin else reverse("login")
    return client.post(target, {"username": username, "password": password}, **extra)


def _logged_in(response: Any) -> bool:
    return bool(response.status_code == 302)


@override_settings(LOGIN_MAX_FAILURES=3)
def test_admin_login_is_throttled_like_ours(cast: Cast) -> None:
    """Finding 4: /admin/login/ recorded no failure and accepted the right password from an
    account /login/ had locked."""
    for _ in range(3):
        r = _login(Client(), "sysadmin", "wrong-password", admin=True)
        assert not _logged_in(r)
    r = _login(Client(), "sysadmin", PASSWORD, admin=True)
    assert not _logged_in(r) and "登录失败次数过多" in r.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3)
def test_failures_on_our_login_also_hold_the_admin_door(cast: Cast) -> None:
    for _ in range(3):
        _login(Client(REMOTE_ADDR="10.1.0.1"), "sysadmin", "wrong-password")
    assert not _logged_in(_login(Client(REMOTE_ADDR="10.1.0.2"), "sysadmin", PASSWORD, admin=True))


@override_settings(LOGIN_MAX_FAILURES=3)
def test_full_width_name_is_the_same_account(cast: Cast) -> None:
    """Finding 6: the throttle keyed on username.lower() while authentication normalises with
    NFKC, so the full-width name logged in after the account was locked."""
    for i in range(3):
        _login(Client(REMOTE_ADDR=f"10.2.0.{i}"), "teacher", "wrong-password")
    r = _login(Client(REMOTE_ADDR="10.2.0.99"), "ｔｅａｃｈｅｒ", PASSWORD)
    assert not _logged_in(r) and "登录失败次数过多" in r.content.decode()


@override_settings(LOGIN_MAX_FAILURES=3, LOGIN_ADDRESS_MAX_FAILURES=3, TRUSTED_PROXY_COUNT=1,
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_fresh_forwarded_for_does_not_reset_the_address_count(cast: Cast) -> None:
    """Finding 6: behind the proxy the first X-Forwarded-For entry (the client's own words) was
    the address, so a fresh header per attempt reset the count."""
    for i, name in enumerate(["nobody1", "nobody2", "nobody3"]):
        # The client forges an entry; our proxy appends the address it really saw.
        r = _login(Client(REMOTE_ADDR=PROXY), name, "wrong-password", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}, 203.0.113.7")
        assert not _logged_in(r)
    r = _login(Client(REMOTE_ADDR=PROXY), "principal", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.200, 203.0.113.7")
    assert not _logged_in(r) and "登录失败次数过多" in r.content.decode()
    # Someone else behind the same proxy, at another address, is not affected.
    r = _login(Client(REMOTE_ADDR=PROXY), "teacher", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert _logged_in(r)


def test_one_users_failures_do_not_lock_the_school_out(cast: Cast) -> None:
    """Finding 7: five failures from one address locked every account from it (a school behind
    one NAT, or the whole site behind a proxy)."""
    nat = "10.3.0.1"
    for _ in range(5):
        assert not _logged_in(_login(Client(REMOTE_ADDR=nat), "teacher", "wrong-password"))
    assert _logged_in(_login(Client(REMOTE_ADDR=nat), "principal", PASSWORD))
    assert _logged_in(_login(Client(REMOTE_ADDR=nat), "vice_principal", PASSWORD))
    # The guessed account itself waits.
    assert not _logged_in(_login(Client(REMOTE_ADDR="10.3.0.2"), "teacher", PASSWORD))


@override_settings(LOGIN_MAX_FAILURES=2, LOGIN_BACKOFF_SECONDS=60, LOGIN_MAX_DELAY_SECONDS=900)
def test_the_delay_grows_with_each_failure_and_passes(cast: Cast) -> None:
    def let_time_pass(seconds: int) -> None:
        # As time would: move the recorded failures into the past.
        for attempt in LoginAttempt.objects.filter(username="teacher"):
            attempt.at -= dt.timedelta(seconds=seconds)
            attempt.save(update_fields=["at"])

    def refusal() -> str:
        return str(_login(Client(), "teacher", PASSWORD).content.decode())

    _login(Client(), "teacher", "wrong-password")
    _login(Client(), "teacher", "wrong-password")
    assert "请在1分钟后再试" in refusal()
    let_time_pass(61)
    _login(Client(), "teacher", "wrong-password")
    assert "请在2分钟后再试" in refusal()
    let_time_pass(121)
    _login(Client(), "teacher", "wrong-password")
    assert "请在4分钟后再试" in refusal()
    let_time_pass(241)
    # The wait has passed: the right password logs in and forgets the failures.
    assert _logged_in(_login(Client(), "teacher", PASSWORD))
    assert not LoginAttempt.objects.filter(username="teacher").exists()


@override_settings(LOGIN_ADDRESS_MAX_FAILURES=3)
def test_token_guessing_shares_the_address_throttle(cast: Cast) -> None:
    _, plain = token_create(actor=None, user=cast.users["teacher"], name="对接系统")
    for i in range(3):
        assert Client(REMOTE_ADDR=GUESSER).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer jy_guess{i}").status_code == 401
    # Even the right token is refused from the guessing address for a while ...
    assert Client(REMOTE_ADDR=GUESSER).get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 401
    # ... and works from anywhere else.
    assert Client(REMOTE_ADDR="10.4.0.2").get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plain}").status_code == 200
