"""钉钉工作通知: a person who chose it gets their notifications from the region's DingTalk app,
found by the mobile number of their record, through a loopback stand-in for DingTalk's server
API (gettoken → getbymobile → corpconversation/asyncsend_v2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from integrations.models import Delivery, DeliveryStatus, EventKind, PreferenceMode
from integrations.services import channel_create, preference_set
from observe.services import notify
from tests.integrations.receivers import Receiver
from tests.integrations.worker import run_queued

APP_KEY, APP_SECRET = "dingappkey001", "app-secret-0123456789"


@pytest.fixture(autouse=True)
def _fast_retries(settings: Any) -> None:
    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 0


def _work(cast: Any, rx: Receiver, **kw: Any) -> Any:
    return channel_create(actor=None, region=cast.county_a, kind="dingtalk_work", name="小店区钉钉工作通知", url=rx.url,
                          secret=kw.pop("secret", APP_SECRET), app_key=APP_KEY, agent_id="2800001",
                          events=[EventKind.NOTIFICATION, EventKind.WARNING_RAISED], **kw)


def test_a_person_who_chose_work_messages_gets_one(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    teacher = cast.people["teacher"]
    teacher.phone = "13900000001"
    teacher.save(update_fields=["phone"])
    preference_set(actor=None, person=teacher, mode=PreferenceMode.WORK)
    with Receiver("dingtalk_api", secret=APP_SECRET, app_key=APP_KEY, users={"13900000001": "ding-uid-hejing"}) as api, \
            Receiver("dingtalk", secret="SECgroup0123456") as group:
        _work(cast, api)
        # The group robot is not used for someone who chose the work message.
        channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="群", url=group.url,
                       secret="SECgroup0123456", events=[EventKind.NOTIFICATION])
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=teacher, title="评课意见已送达")
        assert run_queued() == 1
    assert group.requests == []
    assert [r.path for r in api.requests] == ["/gettoken", "/topapi/v2/user/getbymobile",
                                              "/topapi/message/corpconversation/asyncsend_v2"]
    assert all(r.signature_ok for r in api.requests)
    assert api.requests[1].body == {"mobile": "13900000001"}
    assert api.requests[2].body == {"agent_id": 2800001, "userid_list": "ding-uid-hejing",
                                    "msg": {"msgtype": "text", "text": {"content": "【教研平台】何静：评课意见已送达"}}}
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_no_mobile_or_unknown_at_dingtalk_fails_without_retrying(cast: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.WORK)
    preference_set(actor=None, person=cast.people["teacher_a2"], mode=PreferenceMode.WORK)
    a2 = cast.people["teacher_a2"]
    a2.phone = "13900000002"
    a2.save(update_fields=["phone"])
    with Receiver("dingtalk_api", secret=APP_SECRET, app_key=APP_KEY) as api:
        _work(cast, api)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="无手机号")
            notify(recipient=a2, title="钉钉里没有")
        assert run_queued() == 2
    errors = dict(Delivery.objects.values_list("summary", "last_error"))
    assert errors == {"何静：无手机号": "收件人档案中没有手机号，无法发工作消息",
                      "许晨：钉钉里没有": "errcode 60121：找不到该用户"}
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.FAILED, 1)}


def test_a_wrong_app_secret_is_retried_then_fails(cast: Any, settings: Any,
                                                  django_capture_on_commit_callbacks: Any) -> None:
    settings.INTEGRATIONS_MAX_ATTEMPTS = 2
    teacher = cast.people["teacher"]
    teacher.phone = "13900000001"
    teacher.save(update_fields=["phone"])
    preference_set(actor=None, person=teacher, mode=PreferenceMode.WORK)
    with Receiver("dingtalk_api", secret=APP_SECRET, app_key=APP_KEY, users={"13900000001": "u"}) as api:
        _work(cast, api, secret="wrong-secret")
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=teacher, title="x")
        assert run_queued() == 2
    d = Delivery.objects.get()
    assert (d.status, d.attempts, d.last_error) == (DeliveryStatus.FAILED, 2, "errcode 40089：不合法的corpid或corpsecret")
    assert [r.path for r in api.requests] == ["/gettoken", "/gettoken"]


def test_record_events_do_not_go_to_work_messages(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from core.events import emit

    with Receiver("dingtalk_api", secret=APP_SECRET, app_key=APP_KEY) as api:
        _work(cast, api)
        with django_capture_on_commit_callbacks(execute=True):
            emit(EventKind.WARNING_RAISED, scope=cast.school_a1, summary="预警", data={})
    assert not Delivery.objects.exists() and api.requests == []


def test_the_test_message_of_a_work_channel_goes_to_the_sender(cast: Any) -> None:
    admin = cast.people["county_admin"]
    admin.phone = "13900000009"
    admin.save(update_fields=["phone"])
    with Receiver("dingtalk_api", secret=APP_SECRET, app_key=APP_KEY, users={"13900000009": "uid-zhoumin"}) as api:
        c = cast.client("county_admin")
        r = c.post(reverse("integrations:channel_new"), {
            "region": "140105", "kind": "dingtalk_work", "name": "工作通知", "url": api.url, "secret": APP_SECRET,
            "app_key": APP_KEY, "agent_id": "", "events": ["notification"], "enabled": "on"})
        assert "AgentId：请填写应用的 AgentId（一串数字）" in r.content.decode()
        assert f'value="{APP_KEY}"' in r.content.decode()
        r = c.post(reverse("integrations:channel_new"), {
            "region": "140105", "kind": "dingtalk_work", "name": "工作通知", "url": api.url, "secret": APP_SECRET,
            "app_key": APP_KEY, "agent_id": "2800001", "events": ["notification"], "enabled": "on"})
        page = c.post(r["Location"].rstrip("/") + "/test/", follow=True).content.decode()
    assert "测试消息已送达" in page
    assert api.requests[-1].body["userid_list"] == "uid-zhoumin"


def test_a_wecom_app_message(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    teacher = cast.people["teacher"]
    teacher.phone = "13900000001"
    teacher.save(update_fields=["phone"])
    preference_set(actor=None, person=teacher, mode=PreferenceMode.WORK)
    with Receiver("wecom_api", secret="corp-secret-1", app_key="ww0123abcd", users={"13900000001": "HeJing"}) as api:
        channel_create(actor=None, region=cast.province, kind="wecom_work", name="全省企业微信应用", url=api.url,
                       secret="corp-secret-1", app_key="ww0123abcd", agent_id="1000002", events=[EventKind.NOTIFICATION])
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=teacher, title="整改期限将至")
            notify(recipient=cast.people["teacher_a2"], title="无手机号")  # in-app only: not chosen
        assert run_queued() == 1
    assert [r.path for r in api.requests] == ["/cgi-bin/gettoken", "/cgi-bin/user/getuserid", "/cgi-bin/message/send"]
    assert all(r.signature_ok for r in api.requests)
    assert api.requests[2].body == {"touser": "HeJing", "msgtype": "text", "agentid": 1000002,
                                    "text": {"content": "【教研平台】何静：整改期限将至"}}
    assert Delivery.objects.get().status == DeliveryStatus.SENT
