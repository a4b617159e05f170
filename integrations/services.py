"""Writes of the integrations app: channels, people's choices, and the deliveries (queued,
attempted, retried). Channel and preference writes are audited; a delivery is itself a log
record of the machine's work and is not audited again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import audit_create, audit_update, snapshot
from core.models import OrgKind, OrgNode, Person, User
from core.paths import ancestor_paths
from integrations import sending, signing
from integrations.errors import IntegrationError
from integrations.models import (
    ROBOT_KINDS,
    WORK_KINDS,
    Channel,
    ChannelKind,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    EventKind,
    PersonPreference,
    PreferenceMode,
)

BRAND = "【教研平台】"


def max_attempts() -> int:
    return int(getattr(settings, "INTEGRATIONS_MAX_ATTEMPTS", 5))


def retry_base_seconds() -> float:
    return float(getattr(settings, "INTEGRATIONS_RETRY_BASE_SECONDS", 30))


# ---------------------------------------------------------------- channels


def _clean_work_app(kind: str, app_key: str, agent_id: str) -> tuple[str, str]:
    app_key, agent_id = app_key.strip(), agent_id.strip()
    if kind not in WORK_KINDS:
        return "", ""
    if not app_key:
        raise IntegrationError("AppKey / CorpID：工作消息必填（钉钉：应用的 AppKey；企业微信：企业的 CorpID）",
                               field="app_key")
    if not agent_id.isdigit():
        raise IntegrationError("AgentId：请填写应用的 AgentId（一串数字）", field="agent_id")
    return app_key, agent_id


def _clean_channel(*, kind: str, name: str, url: str, secret: str, events: list[str]) -> tuple[str, str, str, list[str]]:
    name, url, secret = name.strip(), url.strip(), secret.strip()
    if kind not in ChannelKind.values:
        raise IntegrationError("类型：请选择钉钉群机器人、企业微信群机器人或 Webhook", field="kind")
    if not name:
        raise IntegrationError("名称：必填", field="name")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise IntegrationError("地址：请填写以 http:// 或 https:// 开头的完整网址", field="url")
    if kind == ChannelKind.WECOM_ROBOT and "key=" not in parts.query:
        raise IntegrationError("地址：企业微信群机器人的地址应含 key= 参数（在群机器人设置中复制）", field="url")
    if kind == ChannelKind.WEBHOOK and len(secret) < 16:
        raise IntegrationError("密钥：Webhook 需要至少 16 位的签名密钥", field="secret")
    if kind in WORK_KINDS and not secret:
        raise IntegrationError("密钥：工作消息需要应用的 AppSecret / Secret", field="secret")
    unknown = [e for e in events if e not in EventKind.values]
    if unknown or not events:
        raise IntegrationError("发送的事件：请至少选择一项", field="events")
    return name, url, secret, sorted(set(events))


def _audit_safe(channel: Channel) -> dict[str, Any]:
    """The snapshot with the credentials masked (secrets and tokens stay out of the audit log)."""
    data = snapshot(channel)
    data["secret"] = "已设置" if channel.secret else ""
    data["url"] = channel.url_masked
    return data


@contextmanager
def _masked(channel: Channel) -> Iterator[None]:
    """The channel with its credentials masked while the audit event reads it."""
    secret, url = channel.secret, channel.url
    channel.secret, channel.url = ("已设置" if secret else ""), channel.url_masked
    try:
        yield
    finally:
        channel.secret, channel.url = secret, url


@transaction.atomic
def channel_create(*, actor: User | None, region: OrgNode, kind: str, name: str, url: str, secret: str,
                   events: list[str], enabled: bool = True, app_key: str = "", agent_id: str = "") -> Channel:
    if region.kind == OrgKind.SCHOOL:
        raise IntegrationError("所属区域：渠道设在区域（省、市、县），覆盖其下所有学校", field="region")
    name, url, secret, events = _clean_channel(kind=kind, name=name, url=url, secret=secret, events=events)
    app_key, agent_id = _clean_work_app(kind, app_key, agent_id)
    if Channel.objects.filter(region=region, name=name).exists():
        raise IntegrationError(f"名称：本区域已有名为“{name}”的渠道", field="name")
    channel = Channel.objects.create(region=region, kind=kind, name=name, url=url, secret=secret,
                                     events=events, enabled=enabled, app_key=app_key, agent_id=agent_id)
    with _masked(channel):
        audit_create(actor, channel)
    return channel


@transaction.atomic
def channel_update(*, actor: User | None, channel: Channel, name: str, url: str, secret: str | None,
                   events: list[str], enabled: bool, app_key: str | None = None, agent_id: str | None = None) -> Channel:
    """Change a channel; `secret=None` (the field left blank) keeps the stored secret."""
    old = _audit_safe(channel)
    name, url, new_secret, events = _clean_channel(kind=channel.kind, name=name, url=url,
                                                   secret=channel.secret if secret is None else secret,
                                                   events=events)
    if Channel.objects.filter(region_id=channel.region_id, name=name).exclude(pk=channel.pk).exists():
        raise IntegrationError(f"名称：本区域已有名为“{name}”的渠道", field="name")
    channel.app_key, channel.agent_id = _clean_work_app(
        channel.kind, channel.app_key if app_key is None else app_key, channel.agent_id if agent_id is None else agent_id)
    secret_changed = new_secret != channel.secret
    channel.name, channel.url, channel.secret, channel.events, channel.enabled = name, url, new_secret, events, enabled
    channel.save(update_fields=["name", "url", "secret", "events", "enabled", "app_key", "agent_id", "updated_at"])
    if secret_changed:
        old["secret"] = "（更换前）"
    with _masked(channel):
        audit_update(actor, channel, old)
    return channel


@transaction.atomic
def channel_disable(*, actor: User | None, channel: Channel) -> Channel:
    if channel.enabled:
        old = _audit_safe(channel)
        channel.enabled = False
        channel.save(update_fields=["enabled", "updated_at"])
        with _masked(channel):
            audit_update(actor, channel, old)
    return channel


# ---------------------------------------------------------------- people's choices


@transaction.atomic
def preference_set(*, actor: User | None, person: Person, mode: str) -> PersonPreference:
    if mode not in PreferenceMode.values:
        raise IntegrationError("接收方式：请选择一项", field="mode")
    pref, created = PersonPreference.objects.get_or_create(person=person, defaults={"mode": mode})
    if created:
        audit_create(actor, pref)
    elif pref.mode != mode:
        old = snapshot(pref)
        pref.mode = mode
        pref.save(update_fields=["mode", "updated_at"])
        audit_update(actor, pref, old)
    return pref


def preference_of(person_id: int) -> str:
    mode = PersonPreference.objects.filter(person_id=person_id).values_list("mode", flat=True).first()
    return mode or PreferenceMode.IN_APP


# ---------------------------------------------------------------- deliveries


def channels_for(path: str, event: str) -> list[Channel]:
    """The enabled channels of the node at `path` and of every region above it carrying `event`
    (filtered in Python: a region has a handful of channels, and SQLite has no JSON contains)."""
    qs = Channel.objects.enabled().filter(region__path__in=ancestor_paths(path)).select_related("region")
    return [c for c in qs if event in c.events]


def _robot_payload(kind: str, text: str, mobiles: list[str]) -> dict[str, Any]:
    if kind in WORK_KINDS:
        # What the sender needs to find the person and write to them (sending.send_work_message).
        return {"mobile": mobiles[0] if mobiles else "", "text": text}
    if kind == ChannelKind.DINGTALK_ROBOT:
        return signing.dingtalk_text(text, mobiles)
    return signing.wecom_text(text, mobiles)


def _envelope(delivery: Delivery, event: str, scope: OrgNode | None, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": delivery.pk, "event": event, "occurred_at": delivery.created_at.isoformat(),
            "scope": None if scope is None else {"code": scope.code, "name": scope.name, "path": scope.path},
            "data": data}


def _queue(channel: Channel, *, event: str, summary: str, robot_text: str, mobiles: list[str],
           scope: OrgNode | None, data: dict[str, Any]) -> Delivery:
    delivery = Delivery.objects.create(channel=channel, event=event, summary=summary[:200])
    if channel.kind == ChannelKind.WEBHOOK:
        delivery.payload = _envelope(delivery, event, scope, data)
    else:
        delivery.payload = _robot_payload(channel.kind, robot_text, mobiles)
    delivery.save(update_fields=["payload"])
    return delivery


def _enqueue_on_commit(ids: list[int]) -> None:
    if ids:
        from integrations.tasks import enqueue_delivery

        def enqueue_all() -> None:
            for i in ids:
                enqueue_delivery(i)

        transaction.on_commit(enqueue_all)


def notification_fan_out(*, recipient: Person, title: str) -> list[Delivery]:
    """Hand an in-app notification to the channels of the recipient's regions that carry
    notifications, if the recipient chose so; sent by the worker after the write commits."""
    mode = preference_of(recipient.pk)
    if mode == PreferenceMode.IN_APP:
        return []
    kinds = ROBOT_KINDS if mode == PreferenceMode.ROBOT else WORK_KINDS
    org = OrgNode.objects.only("path", "code", "name").get(pk=recipient.org_id)
    mobiles = [recipient.phone] if recipient.phone else []
    out = [_queue(c, event=EventKind.NOTIFICATION, summary=f"{recipient.name}：{title}",
                  robot_text=f"{BRAND}{recipient.name}：{title}", mobiles=mobiles, scope=org,
                  data={"recipient": {"code": recipient.code, "name": recipient.name}, "title": title})
           for c in channels_for(org.path, EventKind.NOTIFICATION) if c.kind in kinds]
    _enqueue_on_commit([d.pk for d in out])
    return out


def event_fan_out(*, event: str, scope: OrgNode, summary: str, data: dict[str, Any]) -> list[Delivery]:
    """Hand a record's event (observation submitted, report issued …) to the channels of its
    scope's regions that carry it."""
    if event not in EventKind.values:
        raise ValueError(f"unknown event kind: {event}")
    # A work message goes to a person: record events go to groups and integrators only.
    out = [_queue(c, event=event, summary=summary, robot_text=f"{BRAND}{summary}", mobiles=[], scope=scope,
                  data=data) for c in channels_for(scope.path, event) if c.kind not in WORK_KINDS]
    _enqueue_on_commit([d.pk for d in out])
    return out


def deliveries_overdue(before: dt.datetime) -> list[int]:
    """Pending deliveries whose try was due before `before` (never tried: created before it)."""
    from django.db.models import Q

    qs = Delivery.objects.filter(status=DeliveryStatus.PENDING).filter(
        Q(next_attempt_at__lt=before) | Q(next_attempt_at__isnull=True, created_at__lt=before))
    return list(qs.order_by("pk").values_list("pk", flat=True)[:10000])


def delivery_attempt(*, delivery_id: int) -> Delivery:
    """One try to send: the request goes out outside any transaction, then the outcome is
    recorded (an attempt row; the delivery sent, failed for good, or pending its next try)."""
    delivery = Delivery.objects.select_related("channel").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    if delivery.next_attempt_at is not None and delivery.next_attempt_at > timezone.now():
        # A second job for the same delivery (the daily job's, after a worker outage) arriving
        # after a failed try scheduled the next one: that one is the retry.
        return delivery
    channel = delivery.channel
    if not channel.enabled:
        return _record(delivery, sending.Outcome(False, None, "渠道已停用，不再发送", 0), final=True)
    outcome = sending.send(kind=channel.kind, url=channel.url, secret=channel.secret, payload=delivery.payload,
                           event=delivery.event, delivery_id=delivery.pk, app_key=channel.app_key,
                           agent_id=channel.agent_id)
    return _record(delivery, outcome, final=not outcome.retry)


@transaction.atomic
def _record(delivery: Delivery, outcome: sending.Outcome, *, final: bool) -> Delivery:
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    now = timezone.now()
    locked.attempts += 1
    DeliveryAttempt.objects.create(delivery=locked, number=locked.attempts, ok=outcome.ok,
                                   response_code=outcome.status, error=outcome.error[:500],
                                   duration_ms=outcome.duration_ms, at=now)
    locked.response_code = outcome.status
    locked.last_error = outcome.error[:500]
    if outcome.ok:
        locked.status, locked.sent_at, locked.next_attempt_at = DeliveryStatus.SENT, now, None
    elif final or locked.attempts >= max_attempts():
        locked.status, locked.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        locked.next_attempt_at = now + dt.timedelta(seconds=signing.backoff_seconds(
            locked.attempts, base=retry_base_seconds()))
    locked.save(update_fields=["attempts", "response_code", "last_error", "status", "sent_at",
                               "next_attempt_at", "updated_at"])
    return locked


def channel_test(*, actor: User, channel: Channel) -> Delivery:
    """The "发送测试消息" button: one delivery sent now, in the request (no retry), so the admin
    sees at once whether the robot accepted the signature."""
    text = f"{BRAND}测试消息：渠道“{channel.name}”已接通（{actor.name}发送）"
    # A work message's test goes to the sender themself.
    mobiles = [actor.person.phone] if actor.person is not None and actor.person.phone else []
    with transaction.atomic():
        delivery = _queue(channel, event=EventKind.TEST, summary=f"测试消息（{actor.name}）", robot_text=text,
                          mobiles=mobiles if channel.kind in WORK_KINDS else [],
                          scope=channel.region, data={"message": text})
    outcome = sending.send(kind=channel.kind, url=channel.url, secret=channel.secret, payload=delivery.payload,
                           event=delivery.event, delivery_id=delivery.pk, app_key=channel.app_key,
                           agent_id=channel.agent_id)
    return _record(delivery, outcome, final=True)
