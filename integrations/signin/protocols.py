"""The protocol half of sign-in, without Django models: given a provider's settings as plain
values, build the address the browser is sent to, and turn the code it comes back with into the
claims of a verified identity.

- OpenID Connect (the provincial unified identity): authorization code flow with PKCE (S256),
  `state` and `nonce`; the endpoints from the issuer's discovery document; the ID token's
  signature checked against the issuer's JWKS and its claims (iss, aud, exp, iat, nonce, azp,
  at_hash) by Authlib's `CodeIDToken` on joserfc (Authlib's JOSE implementation).
- 钉钉: the new OAuth 2 login (login.dingtalk.com/oauth2/auth), the user access token from
  POST /v1.0/oauth2/userAccessToken, the person from GET /v1.0/contact/users/me.
- 企业微信: the web login of a self-built app, the app's access token from GET /cgi-bin/gettoken,
  the member from GET /cgi-bin/auth/getuserinfo (its userid), and, when a user_ticket comes with
  it, the mobile number from POST /cgi-bin/auth/getuserdetail.

State, PKCE and the code exchange's shape are one code path (`AuthorizationRequest`); the three
differ only in the address and in how a code becomes claims.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

TIMEOUT_SECONDS = 10.0
DINGTALK_API = "https://api.dingtalk.com"
DINGTALK_AUTHORIZE = "https://login.dingtalk.com/oauth2/auth"
WECOM_API = "https://qyapi.weixin.qq.com"
WECOM_AUTHORIZE = "https://login.work.weixin.qq.com/wwlogin/sso/login"
# The signature algorithms an ID token may use (never "none", never HMAC with a public key).
ID_TOKEN_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]


class ProtocolError(Exception):
    """The identity platform did not give a verified identity; `message` is for the user."""

    def __init__(self, message: str, detail: str = "") -> None:
        self.message, self.detail = message, detail
        super().__init__(f"{message} {detail}".strip())


@dataclass(frozen=True)
class ProviderSettings:
    kind: str  # "oidc", "dingtalk" or "wecom"
    client_id: str
    client_secret: str
    issuer: str = ""
    authorize_url: str = ""
    agent_id: str = ""
    claim_name: str = ""


@dataclass(frozen=True)
class AuthorizationRequest:
    """What one sign-in attempt keeps in the session between leaving and coming back."""

    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def new(cls) -> AuthorizationRequest:
        # 48 characters of [A-Za-z0-9]: a PKCE verifier needs 43 to 128 (RFC 7636 §4.1).
        return cls(state=generate_token(32), nonce=generate_token(32), code_verifier=generate_token(48))

    def as_dict(self) -> dict[str, str]:
        return {"state": self.state, "nonce": self.nonce, "code_verifier": self.code_verifier}


@dataclass(frozen=True)
class Identity:
    """A verified identity: the platform's subject and every claim it gave."""

    subject: str
    claims: dict[str, Any]


# ---------------------------------------------------------------- HTTP

def _read_json(request: urllib.request.Request, platform: str) -> dict[str, Any]:
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # an admin-entered http(s) address
            body = response.read(1 << 20)
    except urllib.error.HTTPError as e:
        detail = e.read(2000).decode(errors="replace")
        raise ProtocolError(f"{platform}拒绝了登录请求（HTTP {e.code}）。", detail) from e
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        raise ProtocolError(f"无法连接{platform}，请稍后再试。", str(getattr(e, "reason", e))) from e
    try:
        data = json.loads(body.decode())
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ProtocolError(f"{platform}的应答无法识别。", body[:200].decode(errors="replace")) from e
    if not isinstance(data, dict):
        raise ProtocolError(f"{platform}的应答无法识别。")
    return data


def _get(url: str, platform: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    return _read_json(urllib.request.Request(url, headers={"Accept": "application/json", **(headers or {})}),
                      platform)


def _post_json(url: str, payload: dict[str, Any], platform: str, headers: dict[str, str] | None = None
               ) -> dict[str, Any]:
    data = json.dumps(payload, ensure_ascii=False).encode()
    return _read_json(urllib.request.Request(url, data=data, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **(headers or {})}),
        platform)


# ---------------------------------------------------------------- OpenID Connect

OIDC = "统一身份认证平台"


@dataclass(frozen=True)
class Discovery:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str


def discover(issuer: str) -> Discovery:
    """The issuer's discovery document (OpenID Connect Discovery 1.0 §4); its `issuer` must be the
    configured one exactly (§4.3)."""
    doc = _get(issuer.rstrip("/") + "/.well-known/openid-configuration", OIDC)
    if str(doc.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        raise ProtocolError("统一身份认证平台的配置与本平台登记的不一致。", f"issuer {doc.get('issuer')!r}")
    try:
        return Discovery(issuer=str(doc["issuer"]), authorization_endpoint=str(doc["authorization_endpoint"]),
                         token_endpoint=str(doc["token_endpoint"]), jwks_uri=str(doc["jwks_uri"]),
                         userinfo_endpoint=str(doc.get("userinfo_endpoint", "")))
    except KeyError as e:
        raise ProtocolError("统一身份认证平台的配置不完整。", f"missing {e}") from e


def oidc_authorize_url(provider: ProviderSettings, discovery: Discovery, request: AuthorizationRequest,
                       redirect_uri: str, scope: str = "openid profile") -> str:
    params = {"response_type": "code", "client_id": provider.client_id, "redirect_uri": redirect_uri,
              "scope": scope, "state": request.state, "nonce": request.nonce,
              "code_challenge": create_s256_code_challenge(request.code_verifier),
              "code_challenge_method": "S256"}
    sep = "&" if "?" in discovery.authorization_endpoint else "?"
    return f"{discovery.authorization_endpoint}{sep}{urlencode(params)}"


def verify_id_token(id_token: str, *, jwks: dict[str, Any], issuer: str, client_id: str, nonce: str,
                    access_token: str = "") -> dict[str, Any]:
    """The ID token's claims, its signature checked against the JWKS and its claims against what
    this sign-in sent (OpenID Connect Core §3.1.3.7)."""
    try:
        keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]  # a JSON document's dict
        token = jwt.decode(id_token, keys, algorithms=ID_TOKEN_ALGORITHMS)
        claims = CodeIDToken(token.claims, token.header,
                             options={"iss": {"essential": True, "value": issuer},
                                      "aud": {"essential": True, "value": client_id},
                                      "sub": {"essential": True}},
                             params={"nonce": nonce, "client_id": client_id, "access_token": access_token})
        claims.validate(leeway=60)
    except (JoseError, ValueError) as e:  # joserfc's refusals; ValueError: a token not even in JWS form
        raise ProtocolError("统一身份认证平台返回的身份凭证未通过校验。", f"{type(e).__name__}: {e}") from e
    return dict(claims)


def oidc_identity(provider: ProviderSettings, request: AuthorizationRequest, *, code: str, redirect_uri: str
                  ) -> Identity:
    discovery = discover(provider.issuer)
    basic = base64.b64encode(f"{_form(provider.client_id)}:{_form(provider.client_secret)}".encode()).decode()
    body = urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                      "code_verifier": request.code_verifier}).encode()
    tokens = _read_json(urllib.request.Request(discovery.token_endpoint, data=body, method="POST", headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
        "Authorization": f"Basic {basic}"}), OIDC)
    id_token = str(tokens.get("id_token", ""))
    if not id_token:
        raise ProtocolError("统一身份认证平台没有返回身份凭证。", str(tokens.get("error", "")))
    jwks = _get(discovery.jwks_uri, OIDC)
    claims = verify_id_token(id_token, jwks=jwks, issuer=discovery.issuer, client_id=provider.client_id,
                             nonce=request.nonce, access_token=str(tokens.get("access_token", "")))
    if provider.claim_name and provider.claim_name not in claims and discovery.userinfo_endpoint:
        # The mapping claim may come only from the userinfo endpoint; its `sub` must be the token's.
        info = _get(discovery.userinfo_endpoint, OIDC, {"Authorization": f"Bearer {tokens.get('access_token', '')}"})
        if str(info.get("sub", "")) == str(claims["sub"]):
            claims = {**info, **claims}
    return Identity(subject=str(claims["sub"]), claims=claims)


def _form(value: str) -> str:
    """client_secret_basic's form-encoding of the id and secret (RFC 6749 §2.3.1)."""
    return urlencode({"": value})[1:]


# ---------------------------------------------------------------- 钉钉

DINGTALK = "钉钉"


def dingtalk_authorize_url(provider: ProviderSettings, request: AuthorizationRequest, redirect_uri: str) -> str:
    params = {"redirect_uri": redirect_uri, "response_type": "code", "client_id": provider.client_id,
              "scope": "openid", "state": request.state, "prompt": "consent"}
    return f"{provider.authorize_url or DINGTALK_AUTHORIZE}?{urlencode(params)}"


def dingtalk_identity(provider: ProviderSettings, *, code: str) -> Identity:
    base = (provider.issuer or DINGTALK_API).rstrip("/")
    tokens = _post_json(f"{base}/v1.0/oauth2/userAccessToken",
                        {"clientId": provider.client_id, "clientSecret": provider.client_secret, "code": code,
                         "grantType": "authorization_code"}, DINGTALK)
    access = str(tokens.get("accessToken", ""))
    if not access:
        raise ProtocolError("钉钉没有返回访问凭证。", str(tokens.get("message", "")))
    me = _get(f"{base}/v1.0/contact/users/me", DINGTALK, {"x-acs-dingtalk-access-token": access})
    subject = str(me.get("unionId", ""))
    if not subject:
        raise ProtocolError("钉钉没有返回用户身份。", str(me.get("message", "")))
    return Identity(subject=subject, claims={"sub": subject, "staff_code": "", "phone": str(me.get("mobile", "")),
                                             "name": str(me.get("nick", "")), **me})


# ---------------------------------------------------------------- 企业微信

WECOM = "企业微信"


def wecom_authorize_url(provider: ProviderSettings, request: AuthorizationRequest, redirect_uri: str) -> str:
    params = {"login_type": "CorpApp", "appid": provider.client_id, "agentid": provider.agent_id,
              "redirect_uri": redirect_uri, "state": request.state}
    return f"{provider.authorize_url or WECOM_AUTHORIZE}?{urlencode(params)}"


def _wecom_ok(data: dict[str, Any]) -> dict[str, Any]:
    if int(data.get("errcode", 0) or 0) != 0:
        raise ProtocolError("企业微信拒绝了登录请求。", f"errcode {data.get('errcode')}: {data.get('errmsg', '')}")
    return data


def wecom_identity(provider: ProviderSettings, *, code: str) -> Identity:
    base = (provider.issuer or WECOM_API).rstrip("/")
    token = _wecom_ok(_get(f"{base}/cgi-bin/gettoken?" + urlencode(
        {"corpid": provider.client_id, "corpsecret": provider.client_secret}), WECOM))
    access = str(token.get("access_token", ""))
    info = _wecom_ok(_get(f"{base}/cgi-bin/auth/getuserinfo?" + urlencode({"access_token": access, "code": code}),
                          WECOM))
    userid = str(info.get("userid") or info.get("UserId") or "")
    if not userid:
        # An openid only: someone outside the organisation's directory.
        raise ProtocolError("该企业微信账号不是本单位通讯录中的成员。")
    mobile = ""
    ticket = str(info.get("user_ticket", ""))
    if ticket:
        detail = _wecom_ok(_post_json(f"{base}/cgi-bin/auth/getuserdetail?" + urlencode({"access_token": access}),
                                      {"user_ticket": ticket}, WECOM))
        mobile = str(detail.get("mobile", ""))
    return Identity(subject=userid, claims={"sub": userid, "staff_code": userid, "phone": mobile, "userid": userid})


# ---------------------------------------------------------------- one entry point each way

def authorize_url(provider: ProviderSettings, request: AuthorizationRequest, redirect_uri: str) -> str:
    if provider.kind == "oidc":
        return oidc_authorize_url(provider, discover(provider.issuer), request, redirect_uri)
    if provider.kind == "dingtalk":
        return dingtalk_authorize_url(provider, request, redirect_uri)
    if provider.kind == "wecom":
        return wecom_authorize_url(provider, request, redirect_uri)
    raise ValueError(provider.kind)


def identity_from_code(provider: ProviderSettings, request: AuthorizationRequest, *, code: str,
                       redirect_uri: str) -> Identity:
    if provider.kind == "oidc":
        return oidc_identity(provider, request, code=code, redirect_uri=redirect_uri)
    if provider.kind == "dingtalk":
        return dingtalk_identity(provider, code=code)
    if provider.kind == "wecom":
        return wecom_identity(provider, code=code)
    raise ValueError(provider.kind)
