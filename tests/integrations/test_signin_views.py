"""The region admin's sign-in pages: a provider set up and edited (the secret encrypted at rest
and never shown back), refusals on the form keeping what was typed, identity mappings."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.urls import reverse

from core.models import AuditEvent
from integrations.signin.models import PersonIdentity, SignInProvider

SECRET = "oidc-client-secret-xyz"


def _form(cast: Any, **changes: str) -> dict[str, str]:
    return {"region": cast.county_a.code, "kind": "oidc", "name": "省级统一身份认证",
            "issuer": "https://idp.example.gov.cn/o/", "authorize_url": "", "client_id": "jiaoyan",
            "client_secret": SECRET, "agent_id": "", "claim": "staff_code", "claim_name": "",
            "password_allowed": "on", "enabled": "on", **changes}


def test_a_county_admin_sets_up_the_provincial_identity(cast: Any) -> None:
    c = cast.client("county_admin")
    r = c.post(reverse("signin:provider_new"), _form(cast))
    provider = SignInProvider.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("signin:provider_edit", args=[provider.pk])
    assert provider.issuer == "https://idp.example.gov.cn/o" and provider.client_secret == SECRET
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM integrations_signinprovider WHERE id = %s", [provider.pk])
        row = cursor.fetchone()
    assert row is not None
    stored = row[0]
    assert stored.startswith("f1:") and SECRET not in stored
    page = c.get(r["Location"]).content.decode()
    assert "已添加登录方式“省级统一身份认证”" in page and SECRET not in page
    [created] = AuditEvent.objects.filter(action="create", model="integrations.SignInProvider")
    assert created.new is not None and created.new["client_secret"].startswith("已设置（") and SECRET not in str(created.new)
    # Saving with the secret left blank keeps it; turning passwords off is recorded.
    data = _form(cast, client_secret="", name="统一身份认证")
    del data["password_allowed"]
    assert c.post(reverse("signin:provider_edit", args=[provider.pk]), data).status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret, provider.password_allowed) == ("统一身份认证", SECRET, False)
    [updated] = AuditEvent.objects.filter(action="update", model="integrations.SignInProvider")
    assert updated.new is not None and "client_secret" not in updated.new and updated.new["password_allowed"] is False
    assert "统一身份认证" in c.get(reverse("signin:providers")).content.decode()


def test_refusals_name_the_field_and_keep_what_was_typed(cast: Any) -> None:
    c = cast.client("county_admin")
    page = c.post(reverse("signin:provider_new"), _form(cast, issuer="ftp://idp")).content.decode()
    assert "地址应以 https:// 开头" in page and "省级统一身份认证" in page and "jiaoyan" in page
    page = c.post(reverse("signin:provider_new"), _form(cast, kind="dingtalk", issuer="")).content.decode()
    assert "钉钉登录不提供工号" in page
    page = c.post(reverse("signin:provider_new"), _form(cast, kind="wecom", issuer="")).content.decode()
    assert "AgentId" in page and "企业微信登录需要填写应用的 AgentId" in page
    assert c.post(reverse("signin:provider_new"), _form(cast)).status_code == 302
    page = c.post(reverse("signin:provider_new"), _form(cast)).content.decode()
    assert "小店测试区已设置省级统一身份认证（OpenID Connect）登录" in page
    assert SignInProvider.objects.count() == 1


def test_a_county_admin_cannot_set_up_another_county(cast: Any) -> None:
    c = cast.client("county_admin")
    page = c.get(reverse("signin:provider_new")).content.decode()
    assert cast.county_a.name in page and cast.county_b.name not in page
    assert c.post(reverse("signin:provider_new"), _form(cast, region=cast.county_b.code)).status_code == 200
    assert not SignInProvider.objects.exists()


def test_identity_mappings_in_the_admins_subtree(cast: Any) -> None:
    c = cast.client("county_admin")
    url = reverse("signin:identities")
    value = "AB" * 32
    r = c.post(url, {"person": cast.people["teacher"].code, "value": value})
    assert r.status_code == 302
    identity = PersonIdentity.objects.get()
    assert (identity.person_id, identity.value) == (cast.people["teacher"].pk, value.lower())
    page = c.post(url, {"person": cast.people["principal"].code, "value": value}).content.decode()
    assert "该值已映射到“何静”" in page
    page = c.post(url, {"person": cast.people["outside_teacher"].code, "value": "cd" * 32}).content.decode()
    assert f"没有人员编号为“{cast.people['outside_teacher'].code}”的人员" in page
    assert c.post(reverse("signin:identity_delete", args=[identity.pk])).status_code == 302
    assert not PersonIdentity.objects.exists()
