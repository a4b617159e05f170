"""Sign-in codes of an activity (pure: no Django, no database), shown as a QR code at the venue.

A code names the activity and a time window and carries an HMAC of both under the site's secret:
`<activity id>.<window>.<mac>`. Windows are `PERIOD` seconds long, counted from the Unix epoch;
the page at the venue shows the current window's code and replaces it as the window turns, so a
photograph of the code is worth at most two windows (the current one and the one before, which
covers a phone that scanned just before the turn). A code of another activity, a forged one and
an old one are told apart so the phone can say why it did not count.

Whether the activity is on at all (its time, with a margin) and whether the person came late are
decided here too, from plain datetimes, so the rules are tested with fixed clocks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from enum import Enum

# Seconds a code is shown before the next one replaces it.
PERIOD = 30
# Codes accepted: the current window's and the previous one's.
ACCEPTED_WINDOWS = 2
# Sign-in opens this long before the start and closes this long after the end.
MARGIN = dt.timedelta(minutes=30)
# Signing in later than this after the start counts as late.
GRACE = dt.timedelta(minutes=10)
MAC_CHARS = 20
# A code that was current when this device first opened it stays good on that device for this
# long: logging in on a phone, or reading the page before tapping the button, takes longer than
# a window. The device keeps the time it first saw the code in its session (server side), so a
# photograph opened later on another device gains nothing.
HOLD_SECONDS = 300


class Verdict(Enum):
    OK = "ok"
    MALFORMED = "malformed"
    FORGED = "forged"
    OTHER_ACTIVITY = "other_activity"
    EXPIRED = "expired"
    NOT_YET = "not_yet"  # a window in the future: a clock far ahead, or a forged window


MESSAGES = {
    Verdict.MALFORMED: "签到码无效：请重新扫描现场显示的二维码",
    Verdict.FORGED: "签到码无效：请重新扫描现场显示的二维码",
    Verdict.OTHER_ACTIVITY: "这是另一项活动的签到码，不能用于本活动签到",
    Verdict.EXPIRED: "签到码已过期：二维码每30秒更新一次，请扫描现场屏幕上正在显示的二维码",
    Verdict.NOT_YET: "签到码无效：请重新扫描现场显示的二维码",
}


def window_of(now: float) -> int:
    """The window a Unix time falls in."""
    return int(now // PERIOD)


def window_ends(window: int) -> float:
    return float((window + 1) * PERIOD)


def _mac(secret: str, activity_id: int, window: int) -> str:
    msg = f"research.activity.signin:{activity_id}:{window}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:MAC_CHARS]


def make_code(secret: str, activity_id: int, window: int) -> str:
    return f"{activity_id}.{window}.{_mac(secret, activity_id, window)}"


@dataclass(frozen=True)
class Check:
    verdict: Verdict
    window: int | None = None

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK

    @property
    def message(self) -> str:
        return MESSAGES.get(self.verdict, "")


def check_code(secret: str, code: str, *, activity_id: int, now: float) -> Check:
    """Whether `code` signs in to `activity_id` at Unix time `now`."""
    parts = code.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[2]) != MAC_CHARS:
        return Check(Verdict.MALFORMED)
    code_activity, window = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(parts[2], _mac(secret, code_activity, window)):
        return Check(Verdict.FORGED)
    if code_activity != activity_id:
        return Check(Verdict.OTHER_ACTIVITY, window)
    current = window_of(now)
    if window > current:
        return Check(Verdict.NOT_YET, window)
    if current - window >= ACCEPTED_WINDOWS:
        return Check(Verdict.EXPIRED, window)
    return Check(Verdict.OK, window)


def held(first_seen: float | None, now: float) -> bool:
    """Whether a code first seen (valid) at `first_seen` on this device still counts at `now`."""
    return first_seen is not None and 0 <= now - first_seen <= HOLD_SECONDS


def signin_open(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> bool:
    """Sign-in is open from MARGIN before the start to MARGIN after the end."""
    return start - MARGIN <= now <= end + MARGIN


def signin_closed_message(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> str:
    if now < start - MARGIN:
        return "活动尚未开始：开始前30分钟起可以签到"
    return "活动已结束，签到已关闭"


def is_late(start: dt.datetime, signed_at: dt.datetime) -> bool:
    return signed_at > start + GRACE
