"""The sign-in code rules (research.activity_signin), with fixed clocks: no Django, no database."""

from __future__ import annotations

import datetime as dt

from research.activity_signin import (
    PERIOD,
    Verdict,
    check_code,
    is_late,
    make_code,
    signin_closed_message,
    signin_open,
    window_of,
)

SECRET = "test-secret"
# 2026-12-03 06:00:00 UTC, at the very start of a window (a multiple of PERIOD).
T0 = 1_796_277_600.0
assert T0 % PERIOD == 0


def test_the_current_code_counts() -> None:
    code = make_code(SECRET, 7, window_of(T0))
    assert check_code(SECRET, code, activity_id=7, now=T0).ok
    assert check_code(SECRET, code, activity_id=7, now=T0 + PERIOD - 0.001).ok


def test_the_previous_window_still_counts_but_not_the_one_before() -> None:
    code = make_code(SECRET, 7, window_of(T0))
    # Scanned in the last second of its window, opened in the next one: accepted.
    assert check_code(SECRET, code, activity_id=7, now=T0 + PERIOD + 5).ok
    # Two windows later (a photograph used a minute later): refused as expired.
    late = check_code(SECRET, code, activity_id=7, now=T0 + 2 * PERIOD)
    assert late.verdict is Verdict.EXPIRED and "已过期" in late.message


def test_a_code_of_another_activity_does_not_count() -> None:
    code = make_code(SECRET, 8, window_of(T0))
    result = check_code(SECRET, code, activity_id=7, now=T0)
    assert result.verdict is Verdict.OTHER_ACTIVITY and "另一项活动" in result.message


def test_forged_and_malformed_codes() -> None:
    w = window_of(T0)
    good = make_code(SECRET, 7, w)
    # A window moved forward by hand breaks the MAC.
    forged = f"7.{w + 100}.{good.split('.')[2]}"
    assert check_code(SECRET, forged, activity_id=7, now=T0).verdict is Verdict.FORGED
    assert check_code("other-secret", good, activity_id=7, now=T0).verdict is Verdict.FORGED
    for bad in ("", "7", "7.x.abc", "a.1.0123456789abcdef0123", f"7.{w}.short"):
        assert check_code(SECRET, bad, activity_id=7, now=T0).verdict is Verdict.MALFORMED, bad


def test_a_code_from_the_future_is_refused() -> None:
    code = make_code(SECRET, 7, window_of(T0) + 3)
    assert check_code(SECRET, code, activity_id=7, now=T0).verdict is Verdict.NOT_YET


def test_signin_opens_half_an_hour_before_and_closes_half_an_hour_after() -> None:
    start = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
    end = start + dt.timedelta(hours=2)
    assert not signin_open(start, end, start - dt.timedelta(minutes=31))
    assert signin_open(start, end, start - dt.timedelta(minutes=30))
    assert signin_open(start, end, end + dt.timedelta(minutes=30))
    assert not signin_open(start, end, end + dt.timedelta(minutes=31))
    assert "尚未开始" in signin_closed_message(start, end, start - dt.timedelta(hours=1))
    assert "已结束" in signin_closed_message(start, end, end + dt.timedelta(hours=1))


def test_late_after_ten_minutes() -> None:
    start = dt.datetime(2026, 12, 3, 14, 0, tzinfo=dt.UTC)
    assert not is_late(start, start - dt.timedelta(minutes=20))
    assert not is_late(start, start + dt.timedelta(minutes=10))
    assert is_late(start, start + dt.timedelta(minutes=10, seconds=1))


def test_a_code_first_seen_is_held_on_that_device_for_five_minutes() -> None:
    from research.activity_signin import HOLD_SECONDS, held

    assert held(T0, T0 + HOLD_SECONDS) and held(T0, T0)
    assert not held(T0, T0 + HOLD_SECONDS + 1)
    assert not held(None, T0)
    assert not held(T0 + 10, T0)  # a time in the session after now: not trusted
