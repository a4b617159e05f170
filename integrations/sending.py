"""The one HTTP request a delivery makes, by channel kind: build the signed request, send it with
the standard library, and read the receiver's answer. No Django models here: it takes plain
values, so the signing code path is the same for a test message and a queued delivery."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from integrations import signing

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str
    duration_ms: int


def build_request(*, kind: str, url: str, secret: str, payload: dict[str, Any], event: str,
                  delivery_id: int, now_ms: int) -> urllib.request.Request:
    body = signing.body_bytes(payload)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Jiaoyan-Integrations/1"}
    if kind == "dingtalk_robot":
        url = signing.dingtalk_url(url, secret, now_ms)
    elif kind == "webhook":
        headers[signing.EVENT_HEADER] = event
        headers[signing.DELIVERY_HEADER] = str(delivery_id)
        if secret:
            headers[signing.SIGNATURE_HEADER] = signing.webhook_signature(secret, body)
    return urllib.request.Request(url, data=body, headers=headers, method="POST")


def send(*, kind: str, url: str, secret: str, payload: dict[str, Any], event: str, delivery_id: int) -> Outcome:
    request = build_request(kind=kind, url=url, secret=secret, payload=payload, event=event,
                            delivery_id=delivery_id, now_ms=int(time.time() * 1000))
    started = time.monotonic()
    status: int | None = None
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # the URL is an admin-entered http(s) address (the form refuses other schemes)
            status = response.status
            body = response.read(65536)
    except urllib.error.HTTPError as e:
        return Outcome(False, e.code, f"HTTP {e.code}", _ms(started))
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        return Outcome(False, None, f"无法连接：{reason}"[:300], _ms(started))
    if kind == "webhook":
        ok = 200 <= status < 300
        return Outcome(ok, status, "" if ok else f"HTTP {status}", _ms(started))
    ok, error = signing.robot_reply_ok(status, body)
    return Outcome(ok, status, error, _ms(started))


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
