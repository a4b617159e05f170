"""The channel pages, the delivery log and 我的通知设置 over HTTP (a real loopback robot for the
test message), and the delivery log API."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from core.models import AuditEvent
from integrations.models import Channel, Delivery, DeliveryStatus, PersonPreference, PreferenceMode
from integrations.services import channel_create
from tests.integrations.receivers import Receiver

SECRET = "SECview0123456789abcdefXYZ"


def _form(url: str, **kw: Any) -> dict[str, Any]:
    return {"region": "140105", "kind": "dingtalk_robot", "name": "小店区教研群", "url": url, "secret": SECRET,
            "events": ["notification", "warning.raised"], "enabled": "on", **kw}


def test_create_keeps_what_was_typed_on_error_and_names_the_field(cast: Any) -> None:
    c = cast.client("county_admin")
    page = c.post(reverse("integrations:channel_new"), _form("ftp://robot", name="我的群")).content.decode()
    assert "地址：请填写以 http:// 或 https:// 开头的完整网址" in page
    assert 'value="我的群"' in page and 'value="ftp://robot"' in page
    assert SECRET not in page  # a password field is never echoed
    page = c.post(reverse("integrations:channel_new"), _form("http://x/send", events=[])).content.decode()
    assert "发送的事件：必填" in page
    page = c.post(reverse("integrations:channel_new"), _form("http://x/send", kind="webhook", secret="short")).content.decode()
    assert "密钥：Webhook 需要至少 16 位的签名密钥" in page
    page = c.post(reverse("integrations:channel_new"), _form("http://x/send", region="1140105001")).content.decode()
    assert "所属区域：请从列表中选择" in page  # schools are not offered
    assert not Channel.objects.exists()


def test_a_county_admin_cannot_set_up_a_channel_outside_the_county(cast: Any) -> None:
    page = cast.client("county_admin").post(reverse("integrations:channel_new"),
                                            _form("http://x/send", region="140106")).content.decode()
    assert "所属区域：请从列表中选择" in page and not Channel.objects.exists()


def test_create_test_message_and_log(cast: Any) -> None:
    c = cast.client("county_admin")
    with Receiver("dingtalk", secret=SECRET) as rx:
        r = c.post(reverse("integrations:channel_new"), _form(rx.url))
        channel = Channel.objects.get()
        assert r.status_code == 302 and r["Location"] == reverse("integrations:channel_edit", args=[channel.pk])
        page = c.get(r["Location"]).content.decode()
        assert "发送测试消息" in page and SECRET not in page and "SEC…******" in page
        assert "tok123" not in page  # the robot's access token is part of the secret address
        r = c.post(reverse("integrations:channel_test", args=[channel.pk]), follow=True)
        assert "测试消息已送达" in r.content.decode()
    [req] = rx.requests
    assert req.signature_ok and req.body["text"]["content"] == "【教研平台】测试消息：渠道“小店区教研群”已接通（周敏发送）"
    log = c.get(reverse("integrations:deliveries")).content.decode()
    assert "测试消息（周敏）" in log and "已送达" in log and "第1次" in log
    # The audit log records the channel, never its secret.
    events = AuditEvent.objects.filter(model="integrations.Channel")
    assert events.exists() and SECRET not in str(list(events.values_list("new", flat=True)))


def test_a_failing_test_message_says_why(cast: Any) -> None:
    channel = channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="错密钥",
                             url="http://127.0.0.1:9/robot/send?access_token=x", secret="SECx", events=["notification"])
    with Receiver("dingtalk", secret=SECRET) as rx:
        channel.url = rx.url
        channel.save(update_fields=["url"])
        page = cast.client("county_admin").post(reverse("integrations:channel_test", args=[channel.pk]),
                                                follow=True).content.decode()
    assert "测试消息发送失败：errcode 310000：sign not match" in page
    assert Delivery.objects.get().status == DeliveryStatus.FAILED


def test_edit_keeps_the_secret_when_left_blank_and_disable(cast: Any) -> None:
    channel = channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="群", url="http://x/send",
                             secret=SECRET, events=["notification"])
    c = cast.client("county_admin")
    r = c.post(reverse("integrations:channel_edit", args=[channel.pk]),
               {"name": "新名字", "url": "http://y/send", "secret": "", "events": ["notification"], "enabled": "on"})
    assert r.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.url, channel.secret) == ("新名字", "http://y/send", SECRET)
    r = c.post(reverse("integrations:channel_edit", args=[channel.pk]),
               {"name": "", "url": "http://y/send", "secret": "", "events": ["notification"], "enabled": "on"})
    assert "名称：必填" in r.content.decode()
    # A blank address keeps the stored one (it is not shown back: it carries the robot's token).
    c.post(reverse("integrations:channel_edit", args=[channel.pk]),
           {"name": "新名字", "url": "", "secret": "", "events": ["notification"], "enabled": "on"})
    channel.refresh_from_db()
    assert channel.url == "http://y/send"
    c.post(reverse("integrations:channel_disable", args=[channel.pk]))
    channel.refresh_from_db()
    assert not channel.enabled
    assert "已停用" in c.get(reverse("integrations:channels")).content.decode()


def test_lists_show_the_admins_subtree_only(cast: Any, django_assert_max_num_queries: Any) -> None:
    mine = channel_create(actor=None, region=cast.county_a, kind="wecom_robot", name="小店群",
                          url="http://127.0.0.1:9/send?key=a", secret="", events=["notification"])
    theirs = channel_create(actor=None, region=cast.county_b, kind="wecom_robot", name="迎泽群",
                            url="http://127.0.0.1:9/send?key=b", secret="", events=["notification"])
    for ch in (mine, theirs) * 3:
        Delivery.objects.create(channel=ch, event="notification", summary=f"{ch.name}的消息")
    c = cast.client("county_admin")
    page = c.get(reverse("integrations:channels")).content.decode()
    assert "小店群" in page and "迎泽群" not in page
    with django_assert_max_num_queries(12):
        log = c.get(reverse("integrations:deliveries")).content.decode()
    assert "小店群的消息" in log and "迎泽群的消息" not in log
    assert c.get(reverse("integrations:channel_edit", args=[theirs.pk])).status_code == 404
    api = c.get(reverse("api-v1:integrations_delivery_list")).json()
    assert api["count"] == 3 and {d["channel"] for d in api["items"]} == {"小店群"}
    everything = cast.client("sysadmin").get(reverse("api-v1:integrations_delivery_list") + "?status=pending").json()
    assert everything["count"] == 6
    assert cast.client("principal").get(reverse("api-v1:integrations_delivery_list")).status_code == 404


def test_my_notification_settings(cast: Any) -> None:
    c = cast.client("teacher")
    page = c.get(reverse("integrations:preferences")).content.decode()
    assert "我的通知设置" in page and "仅站内通知" in page and "还没有手机号" in page
    r = c.post(reverse("integrations:preferences"), {"mode": PreferenceMode.ROBOT})
    assert r.status_code == 302
    assert PersonPreference.objects.get(person=cast.people["teacher"]).mode == PreferenceMode.ROBOT
    page = c.post(reverse("integrations:preferences"), {"mode": "sms"}).content.decode()
    assert "接收方式：请从列表中选择" in page
    assert PersonPreference.objects.get(person=cast.people["teacher"]).mode == PreferenceMode.ROBOT


def test_credentials_are_encrypted_at_rest_and_masked_in_the_audit_log(cast: Any) -> None:
    from django.db import connection

    channel = channel_create(actor=cast.users["county_admin"], region=cast.county_a, kind="wecom_robot", name="企微群",
                             url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecom-key-42", secret="",
                             events=["notification"])
    with connection.cursor() as cur:
        cur.execute("SELECT url FROM integrations_channel WHERE id = %s", [channel.pk])
        stored = cur.fetchone()[0]
    assert stored.startswith("f1:") and "wecom-key-42" not in stored
    assert Channel.objects.get(pk=channel.pk).url.endswith("key=wecom-key-42")
    logged = str(list(AuditEvent.objects.filter(model="integrations.Channel").values_list("new", flat=True)))
    assert "wecom-key-42" not in logged and "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…" in logged
