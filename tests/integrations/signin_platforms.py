"""A loopback HTTP server emulating 钉钉's and 企业微信's sign-in endpoints (a real thread serving
127.0.0.1 on a free port), written from their documentation independently of our client code:

- 钉钉: POST /v1.0/oauth2/userAccessToken {clientId, clientSecret, code, grantType} →
  {accessToken, refreshToken, expireIn}; GET /v1.0/contact/users/me with the header
  x-acs-dingtalk-access-token → {nick, unionId, openId, mobile, stateCode}.
- 企业微信: GET /cgi-bin/gettoken?corpid&corpsecret → {errcode: 0, access_token, expires_in};
  GET /cgi-bin/auth/getuserinfo?access_token&code → {errcode: 0, userid, user_ticket};
  POST /cgi-bin/auth/getuserdetail?access_token {user_ticket} → {errcode: 0, userid, mobile}.

`codes` maps an authorization code to the user it stands for; each code works once."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class PlatformServer:
    kind: str  # "dingtalk" or "wecom"
    client_id: str
    client_secret: str
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        server = self
        tokens: dict[str, dict[str, str]] = {}
        tickets: dict[str, dict[str, str]] = {}

        class Handler(BaseHTTPRequestHandler):
            def _reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> dict[str, Any]:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                parsed = json.loads(raw.decode() or "{}")
                assert isinstance(parsed, dict)
                return parsed

            def do_GET(self) -> None:  # the http.server API
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.calls.append(f"GET {parts.path}")
                if server.kind == "dingtalk" and parts.path == "/v1.0/contact/users/me":
                    user = tokens.get(self.headers.get("x-acs-dingtalk-access-token", ""))
                    if user is None:
                        return self._reply(401, {"code": "InvalidAuthentication", "message": "不合法的access_token"})
                    return self._reply(200, {"nick": user["nick"], "unionId": user["unionId"], "openId": "o-1",
                                             "mobile": user.get("mobile", ""), "stateCode": "86"})
                if server.kind == "wecom" and parts.path == "/cgi-bin/gettoken":
                    if (q.get("corpid"), q.get("corpsecret")) != (server.client_id, server.client_secret):
                        return self._reply(200, {"errcode": 40001, "errmsg": "invalid credential"})
                    tokens["app-token"] = {}
                    return self._reply(200, {"errcode": 0, "errmsg": "ok", "access_token": "app-token",
                                             "expires_in": 7200})
                if server.kind == "wecom" and parts.path == "/cgi-bin/auth/getuserinfo":
                    if q.get("access_token") not in tokens:
                        return self._reply(200, {"errcode": 40014, "errmsg": "invalid access_token"})
                    user = server.codes.pop(q.get("code", ""), None)
                    if user is None:
                        return self._reply(200, {"errcode": 40029, "errmsg": "invalid code"})
                    if "userid" not in user:
                        return self._reply(200, {"errcode": 0, "errmsg": "ok", "openid": "outsider-openid"})
                    reply = {"errcode": 0, "errmsg": "ok", "userid": user["userid"]}
                    if user.get("mobile"):
                        tickets["ticket-" + user["userid"]] = user
                        reply["user_ticket"] = "ticket-" + user["userid"]
                    return self._reply(200, reply)
                return self._reply(404, {"errcode": 404, "errmsg": "not found"})

            def do_POST(self) -> None:  # the http.server API
                parts = urlsplit(self.path)
                q = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.calls.append(f"POST {parts.path}")
                body = self._body()
                if server.kind == "dingtalk" and parts.path == "/v1.0/oauth2/userAccessToken":
                    if (body.get("clientId"), body.get("clientSecret")) != (server.client_id, server.client_secret):
                        return self._reply(400, {"code": "invalidClientIdOrSecret", "message": "无效的clientId或clientSecret"})
                    user = server.codes.pop(str(body.get("code", "")), None)
                    if user is None or body.get("grantType") != "authorization_code":
                        return self._reply(400, {"code": "invalidAuthCode", "message": "不合法的临时授权码"})
                    token = "user-token-" + user["unionId"]
                    tokens[token] = user
                    return self._reply(200, {"accessToken": token, "refreshToken": "r", "expireIn": 7200})
                if server.kind == "wecom" and parts.path == "/cgi-bin/auth/getuserdetail":
                    user = tickets.pop(str(body.get("user_ticket", "")), None)
                    if q.get("access_token") not in tokens or user is None:
                        return self._reply(200, {"errcode": 40001, "errmsg": "invalid"})
                    return self._reply(200, {"errcode": 0, "errmsg": "ok", "userid": user["userid"],
                                             "mobile": user["mobile"]})
                return self._reply(404, {"errcode": 404, "errmsg": "not found"})

            def log_message(self, format: str, *args: Any) -> None:  # the http.server API
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PlatformServer:
        self._thread.start()
        return self

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
