"""Real HTTP receivers on loopback for the integrations tests: a thread serving 127.0.0.1 on a
free port, checking what a 钉钉 robot, a 企业微信 robot or an integrator checks, and recording each
request. The checks are written here from the platforms' documentation, independently of
integrations.signing, so a wrong signature in our code fails the test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw: bytes
    body: Any
    signature_ok: bool
    answered: int


@dataclass
class Receiver:
    """`kind`: "dingtalk", "wecom", "webhook", "dingtalk_api" (DingTalk's server API for
    工作通知: gettoken with `app_key`/`secret`, getbymobile over `users`, asyncsend_v2) or
    "wecom_api" (WeCom's: gettoken with the CorpID and Secret, user/getuserid, message/send); the first
    `fail_first` requests get a 500."""

    kind: str
    secret: str = ""
    fail_first: int = 0
    requests: list[Received] = field(default_factory=list)
    app_key: str = ""
    users: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the http.server API
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                headers = {k.lower(): v for k, v in self.headers.items()}
                ok = receiver.check(query, headers, raw)
                failing = len(receiver.requests) < receiver.fail_first
                status = 500 if failing else 200
                if failing:
                    reply: dict[str, Any] = {"errcode": -1, "errmsg": "system busy"}
                elif receiver.kind in ("dingtalk_api", "wecom_api"):
                    reply = receiver.api_reply(parts.path, query, raw, ok)
                elif receiver.kind != "webhook" and not ok:
                    reply = {"errcode": 310000, "errmsg": "sign not match"}
                else:
                    reply = {"errcode": 0, "errmsg": "ok"}
                receiver.requests.append(Received(parts.path, query, headers, raw, json.loads(raw or b"null"), ok,
                                                  status))
                out = json.dumps(reply).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST  # the http.server API (gettoken is a GET)

            def log_message(self, format: str, *args: Any) -> None:  # the http.server API
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        base = f"http://{host!s}:{port}"
        if self.kind == "dingtalk":
            return f"{base}/robot/send?access_token=tok123"
        if self.kind == "wecom":
            return f"{base}/cgi-bin/webhook/send?key=key456"
        if self.kind in ("dingtalk_api", "wecom_api"):
            return base
        return f"{base}/hooks/jiaoyan"

    def check(self, query: dict[str, str], headers: dict[str, str], raw: bytes) -> bool:
        if self.kind == "dingtalk":
            # DingTalk: sign = urlencode(base64(HmacSHA256(secret, timestamp + "\n" + secret))),
            # the timestamp within an hour of now.
            ts, sign = query.get("timestamp", ""), query.get("sign", "")
            if not ts.isdigit() or abs(time.time() * 1000 - int(ts)) > 3600_000:
                return False
            mac = hmac.new(self.secret.encode(), f"{ts}\n{self.secret}".encode(), hashlib.sha256).digest()
            # parse_qs already undid the URL encoding once.
            return query.get("access_token") == "tok123" and hmac.compare_digest(base64.b64encode(mac).decode(), sign)
        if self.kind == "wecom":
            return query.get("key") == "key456"
        if self.kind == "dingtalk_api":
            if "appkey" in query:
                return query.get("appkey") == self.app_key and query.get("appsecret") == self.secret
            return query.get("access_token") == "work-token-1"
        if self.kind == "wecom_api":
            if "corpid" in query:
                return query.get("corpid") == self.app_key and query.get("corpsecret") == self.secret
            return query.get("access_token") == "work-token-1"
        expected = "sha256=" + hmac.new(self.secret.encode(), raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, headers.get("x-jiaoyan-signature", ""))

    def api_reply(self, path: str, query: dict[str, str], raw: bytes, ok: bool) -> dict[str, Any]:
        if path in ("/gettoken", "/cgi-bin/gettoken"):
            return {"errcode": 0, "access_token": "work-token-1", "expires_in": 7200} if ok else \
                {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
        if not ok:
            return {"errcode": 40014, "errmsg": "不合法的access_token"}
        body = json.loads(raw or b"{}")
        if path == "/topapi/v2/user/getbymobile":
            userid = self.users.get(body.get("mobile", ""))
            return {"errcode": 0, "result": {"userid": userid}} if userid else {"errcode": 60121, "errmsg": "找不到该用户"}
        if path == "/cgi-bin/user/getuserid":
            userid = self.users.get(body.get("mobile", ""))
            return {"errcode": 0, "userid": userid} if userid else {"errcode": 46004, "errmsg": "mobile not found"}
        if path == "/cgi-bin/message/send":
            return {"errcode": 0, "errmsg": "ok", "msgid": "m1"}
        if path == "/topapi/message/corpconversation/asyncsend_v2":
            return {"errcode": 0, "task_id": 1001}
        return {"errcode": 404, "errmsg": "unknown api"}

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.server.shutdown()
        self.server.server_close()
