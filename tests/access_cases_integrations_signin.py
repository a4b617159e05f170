"""Access-matrix rows for sign-in (signin:start, callback, providers, provider_new, provider_edit,
identities, identity_delete, log, activity)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, Case

# A region's sign-in settings and its log are its admins' (county A's admin) and the system admin's.
ADMINS = frozenset({"sysadmin", "county_admin"})


def make_provider(cast: Any) -> Any:
    """County A's 钉钉 sign-in, its login page on a closed loopback port (starting needs no network)."""
    from integrations.signin.services import provider_create

    return provider_create(actor=None, region=cast.county_a, kind="dingtalk", name="钉钉", client_id="matrix-key",
                           client_secret="matrix-secret", issuer="http://127.0.0.1:9",
                           authorize_url="http://127.0.0.1:9/oauth2/auth", claim="phone")


def _provider(cast: Any) -> list[Any]:
    return [make_provider(cast).pk]


def _identity(cast: Any) -> list[Any]:
    from integrations.signin.models import PersonIdentity

    return [PersonIdentity.objects.create(person=cast.people["teacher"], value="matrix-hash").pk]


def _new_provider(cast: Any) -> dict[str, Any]:
    return {"region": cast.county_a.code, "kind": "wecom", "name": "企业微信", "client_id": "ww-matrix",
            "client_secret": "s", "agent_id": "1000002", "claim": "staff_code", "password_allowed": "on",
            "enabled": "on", "issuer": "", "authorize_url": "", "claim_name": ""}


def _edit_provider(cast: Any) -> dict[str, Any]:
    return {"name": "钉钉登录", "client_id": "matrix-key", "client_secret": "", "claim": "phone", "issuer": "",
            "authorize_url": "", "agent_id": "", "claim_name": "", "enabled": "on"}


CASES = [
    Case("signin:start", EVERYONE, args=_provider, ok_status=(302,), public=True,
         note="离开本平台去钉钉登录页（任何人）"),
    Case("signin:callback", EVERYONE, ok_status=(400,), public=True, note="没有发起过的登录：无效"),
    Case("signin:providers", ADMINS),
    Case("signin:provider_new", ADMINS),
    Case("signin:provider_new", ADMINS, method="POST", data=_new_provider, ok_status=(302,), note="create"),
    Case("signin:provider_edit", ADMINS, args=_provider),
    Case("signin:provider_edit", ADMINS, args=_provider, method="POST", data=_edit_provider, ok_status=(302,),
         note="save"),
    Case("signin:identities", ADMINS),
    Case("signin:identities", ADMINS, method="POST", ok_status=(302,), note="add",
         data=lambda cast: {"person": cast.people["teacher"].code, "value": "ab" * 32}),
    Case("signin:identity_delete", ADMINS, args=_identity, method="POST", ok_status=(302,)),
    Case("signin:log", ADMINS),
    Case("signin:log", ADMINS, query="method=oidc&q=何", note="filtered"),
    Case("signin:activity", ADMINS),
]
