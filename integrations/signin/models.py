"""Sign-in through the systems a region already uses, and the login and activity log.

A region's admin sets up a `SignInProvider` at the region: the provincial unified identity
(OpenID Connect), or the region's 钉钉 or 企业微信 app (their OAuth flows). It serves the region's
subtree: a person signing in through it is looked up among the people of that subtree by the
provider's mapping claim (a staff code, a phone number, or an ID-number hash kept in
`PersonIdentity`, since a person record has no ID number). Nobody is created on the way: an
identity that maps to no one, or to a person without an account, is refused.

`LoginEvent` is one sign-in (who, how, from where, when); `PageView` the first GET of a page by a
user in an hour (no request bodies, no query strings), so the log stays small.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import OrgNode, Person
from integrations.secrets import EncryptedTextField


class ProviderKind(models.TextChoices):
    OIDC = "oidc", "省级统一身份认证（OpenID Connect）"
    DINGTALK = "dingtalk", "钉钉"
    WECOM = "wecom", "企业微信"


class MappingClaim(models.TextChoices):
    ID_NUMBER_HASH = "id_number_hash", "身份证号哈希（身份映射表）"
    STAFF_CODE = "staff_code", "人员编号（工号）"
    PHONE = "phone", "手机号"


class SignInMethod(models.TextChoices):
    PASSWORD = "password", "密码"
    OIDC = "oidc", "统一身份认证"
    DINGTALK = "dingtalk", "钉钉"
    WECOM = "wecom", "企业微信"


class SignInProvider(models.Model):
    """One way to sign in for a region's subtree.

    OIDC: `issuer` (its discovery document is `<issuer>/.well-known/openid-configuration`),
    `client_id`, `client_secret`; `claim_name` is the ID token's (or userinfo's) claim holding the
    mapping value. 钉钉: `client_id`/`client_secret` are the app's Client ID (AppKey) and Client
    Secret; `issuer` the API's base address (blank: https://api.dingtalk.com) and `authorize_url`
    the login page (blank: https://login.dingtalk.com/oauth2/auth). 企业微信: `client_id` the CorpID,
    `agent_id` the app's AgentId, `client_secret` its Secret; `issuer` the API base (blank:
    https://qyapi.weixin.qq.com), `authorize_url` the web login page (blank:
    https://login.work.weixin.qq.com/wwlogin/sso/login)."""

    region = models.ForeignKey(OrgNode, verbose_name="所属区域", on_delete=models.PROTECT,
                               related_name="signin_providers")
    kind = models.CharField("类型", max_length=10, choices=ProviderKind.choices)
    name = models.CharField("按钮名称", max_length=40)
    issuer = models.CharField("Issuer / 接口地址", max_length=200, blank=True)
    authorize_url = models.CharField("登录页地址（钉钉、企业微信）", max_length=200, blank=True)
    client_id = models.CharField("Client ID / AppKey / CorpID", max_length=100)
    client_secret = EncryptedTextField("Client Secret / AppSecret", blank=True)
    agent_id = models.CharField("AgentId（企业微信）", max_length=20, blank=True)
    claim = models.CharField("匹配人员的依据", max_length=20, choices=MappingClaim.choices,
                             default=MappingClaim.STAFF_CODE)
    claim_name = models.CharField("声明名称（OIDC）", max_length=60, blank=True)
    password_allowed = models.BooleanField("本区域仍允许用户名密码登录", default=True)
    enabled = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region__path", "kind", "id"]
        verbose_name = "登录方式"
        verbose_name_plural = "登录方式"
        constraints = [models.UniqueConstraint(fields=["region", "kind"], name="signin_provider_one_kind_per_region")]

    def __str__(self) -> str:
        return f"{self.region.name}·{self.name}"


class PersonIdentity(models.Model):
    """A mapping value a person record lacks (an ID-number hash from the provincial platform)."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.CASCADE,
                               related_name="signin_identities")
    claim = models.CharField("依据", max_length=20, choices=MappingClaim.choices,
                             default=MappingClaim.ID_NUMBER_HASH)
    value = models.CharField("值", max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__code", "id"]
        verbose_name = "身份映射"
        verbose_name_plural = "身份映射"
        constraints = [models.UniqueConstraint(fields=["claim", "value"], name="signin_identity_unique_value")]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.claim}"


class LoginEvent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_events")
    # The person's unit when they signed in (the region admin's subtree and the per-school chart).
    org = models.ForeignKey(OrgNode, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField("方式", max_length=10, choices=SignInMethod.choices)
    provider = models.ForeignKey(SignInProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    ip = models.CharField("IP地址", max_length=45, blank=True)
    user_agent = models.CharField("浏览器", max_length=300, blank=True)
    at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"

    def __str__(self) -> str:
        return f"{self.user_id} {self.method} {self.at:%Y-%m-%d %H:%M}"


class PageView(models.Model):
    """The first GET of a page (its path, no query string) by a user within an hour."""

    # The region admin's subtree and the chart follow the user's person record (no extra query
    # on every page to copy it here).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="page_views")
    path = models.CharField("页面", max_length=200)
    url_name = models.CharField("页面名称", max_length=100, blank=True)
    hour = models.DateTimeField("时段", db_index=True)

    class Meta:
        ordering = ["-hour", "-id"]
        verbose_name = "页面访问"
        verbose_name_plural = "页面访问"
        constraints = [models.UniqueConstraint(fields=["user", "path", "hour"], name="signin_pageview_once_an_hour")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.path}"
