"""Channels to the systems a region already uses, people's choices, and the delivery log.

A region's admin sets up channels at the region (a county's 钉钉 group robot, a city's webhook
for an integrator); a channel serves its region's whole subtree. Every message the platform
hands to a channel is one `Delivery`; every try to send it is one `DeliveryAttempt`, so the log
shows a 500 on the first try and the success on the second.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import OrgNode, Person
from integrations.secrets import EncryptedTextField


class ChannelKind(models.TextChoices):
    DINGTALK_ROBOT = "dingtalk_robot", "钉钉群机器人"
    WECOM_ROBOT = "wecom_robot", "企业微信群机器人"
    WEBHOOK = "webhook", "Webhook（对接系统）"
    # A message to the person themself, from the region's DingTalk internal app (工作通知).
    DINGTALK_WORK = "dingtalk_work", "钉钉工作通知"
    # The same from the region's WeCom self-built app (应用消息).
    WECOM_WORK = "wecom_work", "企业微信应用消息"


ROBOT_KINDS = (ChannelKind.DINGTALK_ROBOT, ChannelKind.WECOM_ROBOT, ChannelKind.WEBHOOK)
WORK_KINDS = (ChannelKind.DINGTALK_WORK, ChannelKind.WECOM_WORK)


class EventKind(models.TextChoices):
    """What a channel may carry: in-app notifications, and the main records' events."""

    NOTIFICATION = "notification", "站内通知"
    OBSERVATION_SUBMITTED = "observation.submitted", "听评课记录提交"
    VISIT_REPORT_ISSUED = "visit_report.issued", "视导报告印发"
    SCORES_IMPORTED = "scores.imported", "成绩导入"
    WARNING_RAISED = "warning.raised", "质量预警生成"
    # The "发送测试消息" button's message (never subscribed to).
    TEST = "test", "测试消息"


# What a channel may subscribe to (the test message goes to every channel it is sent from).
SUBSCRIBABLE = [k for k in EventKind if k != EventKind.TEST]


class ChannelQuerySet(models.QuerySet["Channel"]):
    def enabled(self) -> ChannelQuerySet:
        return self.filter(enabled=True)


class Channel(models.Model):
    """Where a region's messages go: a group robot's webhook address or an integrator's URL.

    `secret` is the DingTalk robot's signing secret (加签), or the key of the HMAC that signs a
    webhook's body; a WeCom group robot carries its key in the URL and needs none. A DingTalk
    work-message channel is the region's internal app: `url` is the API's base address
    (https://oapi.dingtalk.com), `app_key` and `secret` its AppKey and AppSecret, `agent_id` its
    AgentId; a WeCom one the same with the CorpID, the app's Secret and AgentId
    (https://qyapi.weixin.qq.com)."""

    region = models.ForeignKey(OrgNode, verbose_name="所属区域", on_delete=models.PROTECT,
                               related_name="integration_channels")
    kind = models.CharField("类型", max_length=20, choices=ChannelKind.choices)
    name = models.CharField("名称", max_length=60)
    url = EncryptedTextField("地址")
    secret = EncryptedTextField("密钥", blank=True)
    app_key = models.CharField("AppKey / CorpID（工作消息）", max_length=100, blank=True)
    agent_id = models.CharField("AgentId（工作消息）", max_length=20, blank=True)
    events = models.JSONField("发送的事件", default=list)
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChannelQuerySet.as_manager()

    class Meta:
        ordering = ["region__path", "name", "id"]
        verbose_name = "消息渠道"
        verbose_name_plural = "消息渠道"
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="intg_channel_name_per_region")]

    def __str__(self) -> str:
        return self.name

    @property
    def secret_masked(self) -> str:
        """The secret as shown back on pages: never in full."""
        if not self.secret:
            return ""
        return self.secret[:3] + "…" + "*" * 6 if len(self.secret) > 8 else "*" * 6

    @property
    def url_masked(self) -> str:
        """The address with its query (a WeCom robot's key, a DingTalk access token) hidden."""
        base, sep, _ = str(self.url).partition("?")
        return base + ("?…" if sep else "")

    def event_labels(self) -> list[str]:
        labels = dict(EventKind.choices)
        return [str(labels.get(e, e)) for e in self.events]


class PreferenceMode(models.TextChoices):
    IN_APP = "in_app", "仅站内通知"
    ROBOT = "robot", "站内通知，同时发到所在区域的群机器人（@我）"
    WORK = "work", "站内通知，同时由区域的钉钉或企业微信应用发工作消息给我本人"


class PersonPreference(models.Model):
    """A person's choice of where their notifications go (no row: in-app only)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="notification_preference")
    mode = models.CharField("接收方式", max_length=10, choices=PreferenceMode.choices, default=PreferenceMode.IN_APP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "通知设置"
        verbose_name_plural = "通知设置"

    def __str__(self) -> str:
        return f"{self.person}：{self.get_mode_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已送达"
    FAILED = "failed", "失败"


class Delivery(models.Model):
    """One message handed to one channel; `payload` is the JSON body sent (before signing)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField("事件", max_length=30, choices=EventKind.choices)
    summary = models.CharField("摘要", max_length=200)
    payload = models.JSONField("内容", default=dict)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    response_code = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次尝试", null=True, blank=True)
    sent_at = models.DateTimeField("送达时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        indexes = [models.Index(fields=["channel", "-created_at"], name="intg_delivery_channel")]

    def __str__(self) -> str:
        return f"{self.channel}：{self.summary}"


class DeliveryAttempt(models.Model):
    """One try to send a delivery: what the receiver answered, or why it could not be reached."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField("第几次")
    ok = models.BooleanField("成功")
    response_code = models.PositiveSmallIntegerField("响应码", null=True, blank=True)
    error = models.CharField("错误", max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField("耗时（毫秒）", default=0)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivery", "number"]
        verbose_name = "发送尝试"
        verbose_name_plural = "发送尝试"
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="intg_attempt_once")]

    def __str__(self) -> str:
        return f"{self.delivery_id}#{self.number}"


# Sign-in and the login log live in their own module; imported here so Django registers them.
from integrations.signin.models import (  # noqa: E402,F401
    LoginEvent,
    MappingClaim,
    PageView,
    PersonIdentity,
    ProviderKind,
    SignInMethod,
    SignInProvider,
)
