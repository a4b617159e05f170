"""Writes of sign-in: providers and identity mappings (audited), and the login and activity log
(itself a log: not audited again), with its daily clean-up."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.models import OrgKind, OrgNode, Person, User
from core.paths import ancestor_paths
from core.security import client_ip
from integrations.errors import IntegrationError
from integrations.signin.mapping import normalise_phone
from integrations.signin.models import (
    LoginEvent,
    MappingClaim,
    PageView,
    PersonIdentity,
    ProviderKind,
    SignInMethod,
    SignInProvider,
)


def retention_days() -> int:
    return int(getattr(settings, "SIGNIN_LOG_RETENTION_DAYS", 180))


def _check_url(value: str, field: str, *, required: bool) -> str:
    value = value.strip()
    if not value:
        if required:
            raise IntegrationError("请填写地址", field=field)
        return ""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IntegrationError("地址应以 https:// 开头", field=field)
    return value.rstrip("/")


def _check(provider: SignInProvider) -> None:
    if provider.region.kind == OrgKind.SCHOOL:
        raise IntegrationError("登录方式设在区域（省、市、县区），不设在学校", field="region")
    if not provider.name.strip():
        raise IntegrationError("请填写按钮名称", field="name")
    if not provider.client_id.strip():
        raise IntegrationError("请填写 Client ID / AppKey / CorpID", field="client_id")
    if not provider.client_secret:
        raise IntegrationError("请填写 Client Secret / AppSecret", field="client_secret")
    provider.issuer = _check_url(provider.issuer, "issuer", required=provider.kind == ProviderKind.OIDC)
    provider.authorize_url = _check_url(provider.authorize_url, "authorize_url", required=False)
    if provider.kind == ProviderKind.WECOM and not provider.agent_id.strip():
        raise IntegrationError("企业微信登录需要填写应用的 AgentId", field="agent_id")
    if provider.kind == ProviderKind.DINGTALK and provider.claim == MappingClaim.STAFF_CODE:
        raise IntegrationError("钉钉登录不提供工号，请选择按手机号或身份映射表匹配", field="claim")
    clash = SignInProvider.objects.filter(region=provider.region, kind=provider.kind).exclude(pk=provider.pk)
    if clash.exists():
        raise IntegrationError(f"{provider.region.name}已设置{ProviderKind(provider.kind).label}登录", field="kind")


def _fingerprint(secret: str) -> str:
    """What the audit log shows of a secret: that it is set, and whether it changed."""
    return f"已设置（{hashlib.sha256(secret.encode()).hexdigest()[:6]}）" if secret else ""


def _masked_snapshot(provider: SignInProvider) -> dict[str, Any]:
    data = snapshot(provider)
    data["client_secret"] = _fingerprint(provider.client_secret)
    return data


@contextmanager
def _masked(provider: SignInProvider) -> Iterator[None]:
    """The provider with its secret masked while the audit event reads it."""
    secret = provider.client_secret
    provider.client_secret = _fingerprint(secret)
    try:
        yield
    finally:
        provider.client_secret = secret


@transaction.atomic
def provider_create(*, actor: User | None, region: OrgNode, kind: str, name: str, client_id: str,
                    client_secret: str, issuer: str = "", authorize_url: str = "", agent_id: str = "",
                    claim: str = MappingClaim.STAFF_CODE, claim_name: str = "", password_allowed: bool = True,
                    enabled: bool = True) -> SignInProvider:
    provider = SignInProvider(region=region, kind=kind, name=name.strip(), client_id=client_id.strip(),
                              client_secret=client_secret, issuer=issuer, authorize_url=authorize_url,
                              agent_id=agent_id.strip(), claim=claim, claim_name=claim_name.strip(),
                              password_allowed=password_allowed, enabled=enabled)
    _check(provider)
    provider.save()
    with _masked(provider):
        audit_create(actor, provider)
    return provider


@transaction.atomic
def provider_update(*, actor: User | None, provider: SignInProvider, name: str, client_id: str,
                    client_secret: str = "", issuer: str = "", authorize_url: str = "", agent_id: str = "",
                    claim: str, claim_name: str = "", password_allowed: bool, enabled: bool) -> SignInProvider:
    """`client_secret` blank keeps the stored one (the form never shows it)."""
    old = _masked_snapshot(provider)
    provider.name, provider.client_id = name.strip(), client_id.strip()
    if client_secret:
        provider.client_secret = client_secret
    provider.issuer, provider.authorize_url, provider.agent_id = issuer, authorize_url, agent_id.strip()
    provider.claim, provider.claim_name = claim, claim_name.strip()
    provider.password_allowed, provider.enabled = password_allowed, enabled
    _check(provider)
    provider.save(update_fields=["name", "client_id", "client_secret", "issuer", "authorize_url", "agent_id",
                                 "claim", "claim_name", "password_allowed", "enabled", "updated_at"])
    with _masked(provider):
        audit_update(actor, provider, old)
    return provider


def _normalise(claim: str, value: str) -> str:
    value = value.strip()
    if claim == MappingClaim.PHONE:
        return normalise_phone(value)
    if claim == MappingClaim.ID_NUMBER_HASH:
        return value.lower()
    return value


@transaction.atomic
def identity_add(*, actor: User | None, person: Person, value: str,
                 claim: str = MappingClaim.ID_NUMBER_HASH) -> PersonIdentity:
    value = _normalise(claim, value)
    if not value:
        raise IntegrationError("请填写映射值", field="value")
    if len(value) > 128:
        raise IntegrationError("映射值过长（不超过128个字符）", field="value")
    taken = PersonIdentity.objects.filter(claim=claim, value=value).select_related("person").first()
    if taken is not None:
        raise IntegrationError(f"该值已映射到“{taken.person.name}”（{taken.person.code}）", field="value")
    identity = PersonIdentity.objects.create(person=person, claim=claim, value=value)
    audit_create(actor, identity)
    return identity


@transaction.atomic
def identity_remove(*, actor: User | None, identity: PersonIdentity) -> None:
    audit_delete(actor, identity)
    identity.delete()


# ---------------------------------------------------------------- the log

def _org_of(user: User) -> OrgNode | None:
    person = user.person
    return person.org if person is not None else None


def login_record(*, user: User, request: HttpRequest, method: str = SignInMethod.PASSWORD,
                 provider: SignInProvider | None = None) -> LoginEvent:
    return LoginEvent.objects.create(
        user=user, org=_org_of(user), method=method, provider=provider, ip=client_ip(request)[:45],
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300])


def page_view_record(*, user: User, path: str, url_name: str, at: dt.datetime) -> None:
    """One statement whether or not the hour already has the row (INSERT … ON CONFLICT DO
    NOTHING), so a page's query count does not depend on whether it was seen this hour."""
    hour = at.replace(minute=0, second=0, microsecond=0)
    PageView.objects.bulk_create([PageView(user=user, path=path[:200], url_name=url_name[:100],
                                           hour=hour)], ignore_conflicts=True)


def log_clean(*, today: dt.date) -> tuple[int, int]:
    """Delete log rows older than the retention period; (logins, page views) deleted."""
    cutoff = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=retention_days()), dt.time.min))
    logins, _ = LoginEvent.objects.filter(at__lt=cutoff).delete()
    views, _ = PageView.objects.filter(hour__lt=cutoff).delete()
    return logins, views


# ---------------------------------------------------------------- the password policy

def password_refusal(user: User) -> str:
    """Why the user may not sign in with a password ("" when they may): a provider of a region
    above their unit turned local passwords off. The system admin and accounts without a person
    record always may (someone must be able to repair a broken provider)."""
    if user.is_superuser or user.person is None:
        return ""
    paths = ancestor_paths(user.person.org.path) if user.person.org_id else []
    blocking = (SignInProvider.objects.filter(enabled=True, password_allowed=False, region__path__in=paths)
                .select_related("region").order_by("region__path").first())
    if blocking is None:
        return ""
    return f"{blocking.region.name}已改为统一身份认证登录，请使用下方的“{blocking.name}”按钮登录。"
