"""The one HTTP request a delivery makes, by channel kind: build the signed request, send it with
the standard library, and read the receiver's answer. No Django models here: it takes plain
values, so the signing code path is the same for a test message and a queued delivery."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from integrations import signing

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Outcome:
    ok: bool
    status: int | None
    error: str
    duration_ms: int
    # False when trying again cannot help (no such person at DingTalk, no mobile number).
    retry: bool = True


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


def send(*, kind: str, url: str, secret: str, payload: dict[str, Any], event: str, delivery_id: int,
         app_key: str = "", agent_id: str = "") -> Outcome:
    if kind in WORK_APIS:
        return send_work_message(api=WORK_APIS[kind], base=url, app_key=app_key, app_secret=secret, agent_id=agent_id,
                                 mobile=str(payload.get("mobile", "")), text=str(payload.get("text", "")))
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


class _ApiRefused(Exception):
    def __init__(self, status: int | None, error: str) -> None:
        self.status, self.error = status, error
        super().__init__(error)


def _api(request: urllib.request.Request) -> dict[str, Any]:
    """One call of the DingTalk server API: its JSON answer, or _ApiRefused (HTTP error, no
    connection, `errcode` not 0)."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # an admin-entered http(s) base address
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as e:
        raise _ApiRefused(e.code, f"HTTP {e.code}") from e
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        raise _ApiRefused(None, f"无法连接：{getattr(e, 'reason', e)}"[:300]) from e
    ok, error = signing.robot_reply_ok(status, body)
    if not ok:
        raise _ApiRefused(status, error)
    data = json.loads(body.decode())
    assert isinstance(data, dict)
    return data


@dataclass(frozen=True)
class WorkApi:
    """How one platform's server API sends a message to one person found by mobile number:
    the token call (GET, the app's key and secret as query parameters), the lookup of the
    person's userid (POST {"mobile"}), the send, and the error code of "no such user"."""

    name: str
    token_path: str
    key_param: str
    secret_param: str
    lookup_path: str
    send_path: str
    not_found: str
    userid: Callable[[dict[str, Any]], str]
    body: Callable[[str, str, str], dict[str, Any]]


DINGTALK_WORK_API = WorkApi("钉钉", "/gettoken", "appkey", "appsecret", "/topapi/v2/user/getbymobile",
                            "/topapi/message/corpconversation/asyncsend_v2", "60121",
                            lambda found: str((found.get("result") or {}).get("userid") or ""),
                            signing.dingtalk_work_message)
WECOM_WORK_API = WorkApi("企业微信", "/cgi-bin/gettoken", "corpid", "corpsecret", "/cgi-bin/user/getuserid",
                         "/cgi-bin/message/send", "46004", lambda found: str(found.get("userid") or ""),
                         signing.wecom_app_message)
WORK_APIS = {"dingtalk_work": DINGTALK_WORK_API, "wecom_work": WECOM_WORK_API}


def send_work_message(*, api: WorkApi, base: str, app_key: str, app_secret: str, agent_id: str, mobile: str,
                      text: str) -> Outcome:
    """A message to one person from the region's app, found by the mobile number of their
    record: the app's access token, the person's userid, then the send. DingTalk: GET /gettoken,
    POST /topapi/v2/user/getbymobile, POST /topapi/message/corpconversation/asyncsend_v2;
    WeCom: GET /cgi-bin/gettoken, POST /cgi-bin/user/getuserid, POST /cgi-bin/message/send."""
    started = time.monotonic()
    if not mobile:
        return Outcome(False, None, "收件人档案中没有手机号，无法发工作消息", 0, retry=False)
    base = base.rstrip("/")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    try:
        token_url = f"{base}{api.token_path}?{urlencode({api.key_param: app_key, api.secret_param: app_secret})}"
        token = str(_api(urllib.request.Request(token_url, method="GET"))["access_token"])
        q = urlencode({"access_token": token})
        found = _api(urllib.request.Request(f"{base}{api.lookup_path}?{q}", method="POST", headers=headers,
                                            data=signing.body_bytes({"mobile": mobile})))
        userid = api.userid(found)
        if not userid:
            return Outcome(False, 200, f"{api.name}中没有找到该手机号的用户", _ms(started), retry=False)
        _api(urllib.request.Request(f"{base}{api.send_path}?{q}", method="POST", headers=headers,
                                    data=signing.body_bytes(api.body(agent_id, userid, text))))
    except _ApiRefused as e:
        # The platform has no user with that number: asking again will not find one.
        return Outcome(False, e.status, e.error, _ms(started), retry=not e.error.startswith(f"errcode {api.not_found}"))
    return Outcome(True, 200, "", _ms(started))
