"""The ID token checks (OpenID Connect Core §3.1.3.7) on tokens signed here with joserfc: the
signature against the issuer's JWKS, then iss, aud, exp and nonce. No database."""

from __future__ import annotations

import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from integrations.signin.protocols import AuthorizationRequest, ProtocolError, verify_id_token

ISSUER = "https://idp.example.gov.cn/o"
CLIENT = "jiaoyan"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER = RSAKey.generate_key(2048, parameters={"kid": "k1"})
JWKS = {"keys": [KEY.as_dict(private=False)]}


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "sub": "42", "aud": CLIENT, "iat": now, "exp": now + 300, "nonce": "n-1",
            "staff_code": "P00007", **changes}


def _token(claims: dict[str, Any], key: Any = KEY, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key)


def _verify(token: str, nonce: str = "n-1") -> dict[str, Any]:
    return verify_id_token(token, jwks=JWKS, issuer=ISSUER, client_id=CLIENT, nonce=nonce)


def test_a_good_token_gives_its_claims() -> None:
    claims = _verify(_token(_claims()))
    assert (claims["sub"], claims["staff_code"]) == ("42", "P00007")


@pytest.mark.parametrize("token", [
    _token(_claims(), key=OTHER),
    _token(_claims(iss="https://evil.example.com")),
    _token(_claims(aud="another-client")),
    _token(_claims(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200)),
    _token(_claims(nonce="n-2")),
    _token(_claims(), key=OctKey.import_key("a" * 32), alg="HS256"),
    "not-a-token",
], ids=["other key", "issuer", "audience", "expired", "nonce", "hmac", "garbage"])
def test_a_bad_token_is_refused(token: str) -> None:
    with pytest.raises(ProtocolError) as refused:
        _verify(token)
    assert refused.value.message == "统一身份认证平台返回的身份凭证未通过校验。"


def test_a_token_without_nonce_is_refused_when_one_was_sent() -> None:
    claims = _claims()
    del claims["nonce"]
    with pytest.raises(ProtocolError):
        _verify(_token(claims))


def test_each_sign_in_has_its_own_state_nonce_and_verifier() -> None:
    a, b = AuthorizationRequest.new(), AuthorizationRequest.new()
    assert len({a.state, a.nonce, b.state, b.nonce}) == 4
    assert 43 <= len(a.code_verifier) <= 128 and a.code_verifier != b.code_verifier
