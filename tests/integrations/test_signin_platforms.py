"""钉钉 and 企业微信 sign-in through their OAuth flows, against a loopback server emulating their
token and user endpoints (tests/integrations/signin_platforms.py), behind the same mapping to
existing people as OIDC."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.test import Client
from django.urls import reverse

from integrations.signin.models import LoginEvent, MappingClaim, PersonIdentity
from integrations.signin.services import provider_create
from tests.integrations.signin_platforms import PlatformServer


def _start(client: Client, provider: Any) -> dict[str, str]:
    r = client.get(reverse("signin:start", args=[provider.pk]))
    assert r.status_code == 302
    return {k: v[0] for k, v in parse_qs(urlsplit(r["Location"]).query).items()} | {"_url": r["Location"]}


def _back(client: Client, state: str, code: str) -> Any:
    return client.get(reverse("signin:callback"), {"state": state, "code": code})


def _user(client: Client) -> str:
    return str(client.get(reverse("workbench")).wsgi_request.user.username)


def test_dingtalk_sign_in_by_mobile_number(cast: Any) -> None:
    cast.people["principal"].phone = "13900001111"
    cast.people["principal"].save(update_fields=["phone"])
    with PlatformServer("dingtalk", "ding-app-key", "ding-secret") as dd:
        provider = provider_create(actor=None, region=cast.county_a, kind="dingtalk", name="钉钉",
                                   client_id="ding-app-key", client_secret="ding-secret", issuer=dd.url,
                                   authorize_url=dd.url + "/oauth2/auth", claim=MappingClaim.PHONE)
        client = Client()
        sent = _start(client, provider)
        assert sent["_url"].startswith(dd.url + "/oauth2/auth?")
        assert (sent["client_id"], sent["response_type"], sent["scope"]) == ("ding-app-key", "code", "openid")
        assert sent["redirect_uri"] == "http://testserver/signin/callback/"
        dd.codes["ding-code-1"] = {"unionId": "union-sun", "nick": "孙国庆", "mobile": "13900001111"}
        assert _back(client, sent["state"], "ding-code-1").status_code == 302
        assert _user(client) == "principal"
        assert dd.calls == ["POST /v1.0/oauth2/userAccessToken", "GET /v1.0/contact/users/me"]
    assert LoginEvent.objects.get(user=cast.users["principal"]).method == "dingtalk"


def test_dingtalk_union_id_through_the_identity_table_and_a_bad_code(cast: Any) -> None:
    PersonIdentity.objects.create(person=cast.people["teacher"], claim=MappingClaim.ID_NUMBER_HASH,
                                  value="union-he")
    with PlatformServer("dingtalk", "k", "s") as dd:
        provider = provider_create(actor=None, region=cast.county_a, kind="dingtalk", name="钉钉", client_id="k",
                                   client_secret="s", issuer=dd.url, claim=MappingClaim.ID_NUMBER_HASH)
        client = Client()
        sent = _start(client, provider)
        refused = _back(client, sent["state"], "no-such-code")
        assert refused.status_code == 502 and "钉钉拒绝了登录请求" in refused.content.decode()
        sent = _start(client, provider)
        dd.codes["c2"] = {"unionId": "union-he", "nick": "何静"}
        assert _back(client, sent["state"], "c2").status_code == 302
        assert _user(client) == "teacher"


def test_wecom_sign_in_by_userid_as_staff_code(cast: Any) -> None:
    with PlatformServer("wecom", "ww-corp", "wecom-secret") as wx:
        provider = provider_create(actor=None, region=cast.county_a, kind="wecom", name="企业微信",
                                   client_id="ww-corp", client_secret="wecom-secret", agent_id="1000002",
                                   issuer=wx.url, authorize_url=wx.url + "/wwlogin/sso/login",
                                   claim=MappingClaim.STAFF_CODE)
        client = Client()
        sent = _start(client, provider)
        assert (sent["appid"], sent["agentid"], sent["login_type"]) == ("ww-corp", "1000002", "CorpApp")
        wx.codes["wx-1"] = {"userid": cast.people["group_leader"].code}
        assert _back(client, sent["state"], "wx-1").status_code == 302
        assert _user(client) == "group_leader"
        assert wx.calls == ["GET /cgi-bin/gettoken", "GET /cgi-bin/auth/getuserinfo"]


def test_wecom_mobile_from_the_user_ticket_and_an_outsider(cast: Any) -> None:
    cast.people["teacher_a2"].phone = "+86-137-0000-2222"
    cast.people["teacher_a2"].save(update_fields=["phone"])
    with PlatformServer("wecom", "ww-corp", "wecom-secret") as wx:
        provider = provider_create(actor=None, region=cast.county_a, kind="wecom", name="企业微信",
                                   client_id="ww-corp", client_secret="wecom-secret", agent_id="1000002",
                                   issuer=wx.url, claim=MappingClaim.PHONE)
        client = Client()
        sent = _start(client, provider)
        wx.codes["wx-2"] = {"userid": "xuchen", "mobile": "13700002222"}
        assert _back(client, sent["state"], "wx-2").status_code == 302
        assert _user(client) == "teacher_a2"
        assert "POST /cgi-bin/auth/getuserdetail" in wx.calls
        other = Client()
        sent = _start(other, provider)
        wx.codes["wx-3"] = {}
        page = _back(other, sent["state"], "wx-3")
        assert page.status_code == 502 and "不是本单位通讯录中的成员" in page.content.decode()


def test_wecom_wrong_secret_is_refused(cast: Any) -> None:
    with PlatformServer("wecom", "ww-corp", "right") as wx:
        provider = provider_create(actor=None, region=cast.county_a, kind="wecom", name="企业微信",
                                   client_id="ww-corp", client_secret="wrong", agent_id="1", issuer=wx.url)
        client = Client()
        sent = _start(client, provider)
        page = _back(client, sent["state"], "whatever")
        assert page.status_code == 502 and "企业微信拒绝了登录请求" in page.content.decode()
        assert client.get(reverse("workbench")).status_code == 302
