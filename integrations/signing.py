"""Signatures and message bodies the receivers require, as pure functions (no Django).

- 钉钉 group robot with 加签: `sign = urlencode(base64(HMAC-SHA256(key=secret,
  msg=f"{timestamp}\\n{secret}")))`, timestamp in milliseconds, both appended to the robot's
  webhook URL as `&timestamp=…&sign=…`; DingTalk refuses a timestamp more than an hour off.
- 企业微信 group robot: the key is in the URL; body `{"msgtype": "text", "text": {"content": …}}`.
- Our outgoing webhooks: `X-Jiaoyan-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed
  with the channel's secret>` (docs/webhooks.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

SIGNATURE_HEADER = "X-Jiaoyan-Signature"
EVENT_HEADER = "X-Jiaoyan-Event"
DELIVERY_HEADER = "X-Jiaoyan-Delivery"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The `sign` query value of a signed DingTalk robot request (already URL-encoded)."""
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot's webhook URL with `timestamp` and `sign` added (unchanged without a secret)."""
    if not secret:
        return url
    sep = "&" if urlsplit(url).query else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={dingtalk_sign(secret, timestamp_ms)}"


def dingtalk_text(content: str, at_mobiles: list[str] | None = None) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": content},
            "at": {"atMobiles": list(at_mobiles or []), "isAtAll": False}}


def wecom_text(content: str, mentioned_mobiles: list[str] | None = None) -> dict[str, Any]:
    text: dict[str, Any] = {"content": content}
    if mentioned_mobiles:
        text["mentioned_mobile_list"] = list(mentioned_mobiles)
    return {"msgtype": "text", "text": text}


def dingtalk_work_message(agent_id: str, userid: str, content: str) -> dict[str, Any]:
    """The body of a DingTalk 工作通知 (corpconversation/asyncsend_v2) to one user."""
    return {"agent_id": int(agent_id), "userid_list": userid, "msg": {"msgtype": "text", "text": {"content": content}}}


def wecom_app_message(agent_id: str, userid: str, content: str) -> dict[str, Any]:
    """The body of a WeCom 应用消息 (cgi-bin/message/send) to one member."""
    return {"touser": userid, "msgtype": "text", "agentid": int(agent_id), "text": {"content": content}}


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, Chinese kept as UTF-8."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_signature_valid(secret: str, body: bytes, header: str) -> bool:
    """What an integrator runs on receipt (constant-time comparison)."""
    return hmac.compare_digest(webhook_signature(secret, body), header)


def robot_reply_ok(status: int, body: bytes) -> tuple[bool, str]:
    """Whether a robot accepted the message: HTTP 200 and `errcode` 0 (DingTalk and WeCom both
    answer 200 with an error code for a bad signature or an unknown key)."""
    if status != 200:
        return False, f"HTTP {status}"
    try:
        data = json.loads(body.decode() or "{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False, "接收方返回的不是 JSON"
    code = data.get("errcode", 0) if isinstance(data, dict) else 0
    if code != 0:
        return False, f"errcode {code}：{data.get('errmsg', '')}"[:300]
    return True, ""


def backoff_seconds(attempt: int, base: float = 30.0, cap: float = 3600.0) -> float:
    """Wait before try `attempt + 1` after `attempt` failed: base, 2·base, 4·base … capped."""
    return float(min(cap, base * 2 ** max(0, attempt - 1)))


def mask_query(url: str) -> str:
    """The URL with every query value hidden (for logs: a WeCom key, a DingTalk token)."""
    parts = urlsplit(url)
    masked = urlencode([(k, "***") for k, _ in parse_qsl(parts.query, keep_blank_values=True)])
    return urlunsplit((parts.scheme, parts.netloc, parts.path, masked, ""))
