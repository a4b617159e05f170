"""Notifications and record events reach real loopback receivers through the task worker (the
database backend's queue, run by the worker's own code), signed as each receiver checks; a
failed try is retried and the delivery log keeps every try."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from core.events import emit
from integrations.models import Delivery, DeliveryStatus, EventKind, PreferenceMode
from integrations.services import channel_create, preference_set
from observe.services import notify
from tests.integrations.receivers import Receiver
from tests.integrations.worker import run_queued

SECRET = "SECtest0123456789abcdef"
HOOK_SECRET = "whsec-0123456789abcdef"


@pytest.fixture(autouse=True)
def _fast_retries(settings: Any) -> None:
    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 0


def _robot(cast: Any, receiver: Receiver, *, region: Any = None, kind: str = "dingtalk_robot", name: str = "小店区教研群",
           events: tuple[str, ...] = (EventKind.NOTIFICATION,)) -> Any:
    return channel_create(actor=cast.users["county_admin"], region=region or cast.county_a, kind=kind, name=name,
                          url=receiver.url, secret=receiver.secret, events=list(events))


def test_a_notification_reaches_the_dingtalk_robot_signed_and_mentions_the_person(
        cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    teacher = cast.people["teacher"]
    teacher.phone = "13900000001"
    teacher.save(update_fields=["phone"])
    preference_set(actor=cast.users["teacher"], person=teacher, mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET) as rx:
        _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=teacher, title="张文华对《荷塘月色》的评课意见已送达")
        assert DBTaskResult.objects.filter(task_path="integrations.tasks.delivery_send").count() == 1
        assert rx.requests == []  # nothing is sent in the request; the worker sends it
        assert run_queued() == 1
    [req] = rx.requests
    assert req.signature_ok and req.path == "/robot/send"
    assert req.body == {"msgtype": "text", "text": {"content": "【教研平台】何静：张文华对《荷塘月色》的评课意见已送达"},
                        "at": {"atMobiles": ["13900000001"], "isAtAll": False}}
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (DeliveryStatus.SENT, 1, 200)
    assert delivery.sent_at is not None


def test_in_app_only_by_default_and_channels_of_other_regions_do_not_apply(
        cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with Receiver("dingtalk", secret=SECRET) as rx:
        _robot(cast, rx)
        _robot(cast, rx, region=cast.county_b, name="迎泽区教研群")
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="无人选择机器人")
        assert not Delivery.objects.exists()
        # The outside teacher chose the robot: only county B's channel carries it.
        preference_set(actor=None, person=cast.people["outside_teacher"], mode=PreferenceMode.ROBOT)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["outside_teacher"], title="迎泽的通知")
        assert run_queued() == 1
    assert list(Delivery.objects.values_list("channel__name", flat=True)) == ["迎泽区教研群"]
    assert rx.requests[0].body["text"]["content"].endswith("高雅：迎泽的通知")


def test_a_province_wecom_robot_serves_its_whole_subtree(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    preference_set(actor=None, person=cast.people["teacher_a2"], mode=PreferenceMode.ROBOT)
    with Receiver("wecom") as rx:
        channel_create(actor=None, region=cast.province, kind="wecom_robot", name="全省教研群", url=rx.url,
                       secret="", events=[EventKind.NOTIFICATION])
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher_a2"], title="整改期限将至")
        run_queued()
    [req] = rx.requests
    assert req.signature_ok and req.body == {"msgtype": "text", "text": {"content": "【教研平台】许晨：整改期限将至"}}


def test_a_failed_try_is_retried_and_the_log_keeps_both(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET, fail_first=1) as rx:
        _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="请查看反馈")
        assert run_queued() == 2
    assert [r.answered for r in rx.requests] == [500, 200]
    assert all(r.signature_ok for r in rx.requests)
    # Each try signs afresh with its own timestamp, same body.
    assert rx.requests[0].body == rx.requests[1].body
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    log = list(delivery.attempt_log.values_list("number", "ok", "response_code", "error"))
    assert log == [(1, False, 500, "HTTP 500"), (2, True, 200, "")]


def test_the_retries_back_off_and_give_up_after_the_last_attempt(cast: Any, settings: Any,
                                                                 django_capture_on_commit_callbacks: Any) -> None:
    settings.INTEGRATIONS_MAX_ATTEMPTS = 3
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET, fail_first=99) as rx:
        _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="请查看反馈")
        assert run_queued() == 3
    assert len(rx.requests) == 3
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 3, None)


def test_the_next_try_waits_for_the_backoff(cast: Any, settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 30
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET, fail_first=1) as rx:
        _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="请查看反馈")
        assert run_queued() == 1  # the retry is queued for later, not ready now
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at is not None
    queued = DBTaskResult.objects.filter(task_path="integrations.tasks.delivery_send", status="READY").get()
    wait = (queued.run_after - delivery.attempt_log.get().at).total_seconds()
    assert 29 <= wait <= 31


def test_a_wrong_secret_is_refused_by_the_robot_and_recorded(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET) as rx:
        channel_create(actor=None, region=cast.county_a, kind="dingtalk_robot", name="错密钥", url=rx.url,
                       secret="SECwrong", events=[EventKind.NOTIFICATION])
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="x")
        run_queued(limit=1)
    assert not rx.requests[0].signature_ok
    delivery = Delivery.objects.get()
    assert delivery.attempt_log.get().error == "errcode 310000：sign not match"


def test_a_record_event_reaches_the_webhook_with_a_valid_hmac(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with Receiver("webhook", secret=HOOK_SECRET) as rx:
        channel_create(actor=None, region=cast.city, kind="webhook", name="市数据中心", url=rx.url, secret=HOOK_SECRET,
                       events=[EventKind.VISIT_REPORT_ISSUED])
        with django_capture_on_commit_callbacks(execute=True):
            emit(EventKind.VISIT_REPORT_ISSUED, scope=cast.school_a1, summary="报告已印发", data={"report": {"id": 7}})
            # An event the channel does not carry is not sent.
            emit(EventKind.SCORES_IMPORTED, scope=cast.school_a1, summary="成绩导入", data={})
        assert run_queued() == 1
    [req] = rx.requests
    delivery = Delivery.objects.get()
    assert req.signature_ok
    assert req.headers["x-jiaoyan-event"] == "visit_report.issued"
    assert req.headers["x-jiaoyan-delivery"] == str(delivery.pk)
    assert req.body == {"id": delivery.pk, "event": "visit_report.issued", "occurred_at": delivery.created_at.isoformat(),
                        "scope": {"code": "1140105001", "name": "小店第一中学", "path": cast.school_a1.path},
                        "data": {"report": {"id": 7}}}


def test_a_disabled_channel_sends_nothing_more(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from integrations.services import channel_disable

    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET) as rx:
        channel = _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="x")
        channel_disable(actor=None, channel=channel)
        run_queued()
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="y")
    assert rx.requests == []
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.FAILED, "渠道已停用，不再发送")


def test_the_daily_job_queues_again_what_was_left_pending(cast: Any) -> None:
    import datetime as dt

    from django.utils import timezone

    from core.tasks import daily_job

    with Receiver("dingtalk", secret=SECRET) as rx:
        channel = _robot(cast, rx)
        old = Delivery.objects.create(channel=channel, event=EventKind.NOTIFICATION, summary="旧的",
                                      payload={"msgtype": "text", "text": {"content": "旧的"}},
                                      created_at=timezone.now() - dt.timedelta(hours=3))
        Delivery.objects.create(channel=channel, event=EventKind.NOTIFICATION, summary="刚排队",
                                payload={"msgtype": "text", "text": {"content": "刚排队"}})
        assert daily_job.call("integrations.tasks.daily", timezone.localdate().isoformat()) == "重新排队1条未送出的消息"
        assert run_queued() == 1
        # Twice a day is harmless: nothing is left pending.
        assert daily_job.call("integrations.tasks.daily", timezone.localdate().isoformat()) == "重新排队0条未送出的消息"
    old.refresh_from_db()
    assert old.status == DeliveryStatus.SENT and [r.body["text"]["content"] for r in rx.requests] == ["旧的"]


def test_a_duplicate_job_does_not_send_before_the_scheduled_retry(cast: Any, settings: Any,
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    from integrations.tasks import delivery_send

    settings.INTEGRATIONS_RETRY_BASE_SECONDS = 30
    preference_set(actor=None, person=cast.people["teacher"], mode=PreferenceMode.ROBOT)
    with Receiver("dingtalk", secret=SECRET, fail_first=1) as rx:
        _robot(cast, rx)
        with django_capture_on_commit_callbacks(execute=True):
            notify(recipient=cast.people["teacher"], title="请查看反馈")
        assert run_queued() == 1
        delivery = Delivery.objects.get()
        queued = DBTaskResult.objects.filter(status="READY").count()
        # A second job for it now (the retry is 30 s away) neither sends nor queues another.
        assert delivery_send.call(delivery.pk) == "pending"
    assert len(rx.requests) == 1 and DBTaskResult.objects.filter(status="READY").count() == queued
