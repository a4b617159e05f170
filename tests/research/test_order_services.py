"""送教 orders through their services: a school posts, the county's researcher matches, edits,
accepts (an activity appears), marks delivered, and both sides rate; refusals name the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.models import AuditEvent, Level
from research.models.activities import Activity, ActivityForm, ParticipantRole
from research.models.orders import DeliveryCapacity, OrderStatus
from research.services import orders as svc
from tests.research.order_setup import candidates, post_order

# Orders are posted before their dates and delivered after: each test sets "today" through
# `timezone.localdate` (the clock, a process boundary).


def test_post_match_accept_deliver_rate(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    master, star = candidates(cast)
    order = post_order(cast)
    assert order.status == OrderStatus.OPEN and AuditEvent.objects.filter(model="research.SongjiaoOrder").exists()
    run = svc.orders_match(actor=cast.users["county_researcher"], region=cast.county_a, term=cast.term)
    assert run.result.served == 1 and run.candidates == 2
    order.refresh_from_db()
    assert order.status == OrderStatus.MATCHED
    # The 教学能手 teaches at A1 itself (0 km) and knows the topic: chosen over the 名师 8.8 km away.
    assert order.match.teacher == star and order.match.travel_km == 0.0
    assert "县级教学能手" in order.match.explanation and "擅长“分数教学研究”" in order.match.explanation
    # The organiser prefers the 名师.
    svc.order_match_edit(actor=cast.users["county_researcher"], order=order, teacher=master, date=dt.date(2026, 12, 16))
    order.refresh_from_db()
    assert order.match.teacher == master and order.match.edited
    activity = svc.order_accept(actor=cast.users["county_researcher"], order=order)
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.activity == activity
    assert activity.form == ActivityForm.SONGJIAO and activity.organiser == cast.county_a
    assert activity.level == Level.COUNTY and activity.host == master
    assert activity.participants.get().role == ParticipantRole.PRESENTER
    with pytest.raises(svc.OrderError, match="送教日期尚未到"):
        svc.order_deliver(actor=cast.users["county_researcher"], order=order)
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 17))
    svc.order_deliver(actor=cast.users["county_researcher"], order=order)
    svc.order_rate(actor=cast.users["principal"], order=order, score=5, comment="示范课很实用")
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED
    from core.models import User

    teacher_user = User.objects.create_user("sj_master", "pw-Sj-2026!", name="梁名师", person=master)
    svc.order_rate(actor=teacher_user, order=order, score=4)
    order.refresh_from_db()
    assert order.status == OrderStatus.RATED
    with pytest.raises(svc.OrderError, match="下单学校已评价"):
        svc.order_rate(actor=cast.users["principal"], order=order, score=3)


def test_nearby_orders_pool_into_one_cluster_activity(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    first = post_order(cast)
    second = post_order(cast, org=cast.school_a2, by="county_admin", topic="分数的基本性质")
    svc.orders_match(actor=cast.users["county_researcher"], region=cast.county_a, term=cast.term)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.match.pool == second.match.pool == f"P{first.pk}"
    assert first.match.teacher == second.match.teacher
    activity = svc.order_accept(actor=cast.users["county_researcher"], order=second)
    assert activity.form == ActivityForm.CLUSTER and activity.place == "小店第一中学"
    assert set(activity.songjiao_orders.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert Activity.objects.count() == 1


def test_capacity_and_refusals(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    master, star = candidates(cast)
    DeliveryCapacity.objects.create(person=star, term=cast.term, capacity=0)
    DeliveryCapacity.objects.create(person=master, term=cast.term, capacity=0)
    order = post_order(cast)
    run = svc.orders_match(actor=cast.users["county_researcher"], region=cast.county_a, term=cast.term)
    assert run.result.unserved == {order.pk: "相符的送教教师本学期容量已满"}
    with pytest.raises(svc.OrderError, match="本学期送教次数已满") as e:
        svc.order_match_edit(actor=cast.users["county_researcher"], order=order, teacher=master,
                             date=dt.date(2026, 12, 15))
    assert e.value.field == "teacher"
    with pytest.raises(svc.OrderError, match="只有该区域的教研机构") as e:
        svc.orders_match(actor=cast.users["outside_researcher"], region=cast.county_a, term=cast.term)
    with pytest.raises(svc.OrderError, match="下单单位") as e:
        post_order(cast, by="teacher")
    with pytest.raises(svc.OrderError, match="期望结束日期：不能早于开始日期") as e:
        post_order(cast, start=dt.date(2026, 12, 20), end=dt.date(2026, 12, 10))
    assert e.value.field == "preferred_to"
    with pytest.raises(svc.OrderError, match="尚未匹配"):
        svc.order_accept(actor=cast.users["county_researcher"], order=order)


def test_cancelling_an_accepted_order_cancels_its_activity(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from research.models.activities import ActivityStatus

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))
    order = post_order(cast)
    svc.orders_match(actor=cast.users["county_researcher"], region=cast.county_a, term=cast.term)
    order.refresh_from_db()
    activity = svc.order_accept(actor=cast.users["county_researcher"], order=order)
    with pytest.raises(svc.OrderError, match="只有下单单位或组织者可以取消"):
        svc.order_cancel(actor=cast.users["teacher"], order=order)
    svc.order_cancel(actor=cast.users["principal"], order=order)
    activity.refresh_from_db()
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and activity.status == ActivityStatus.CANCELLED
    with pytest.raises(svc.OrderError, match="评价：只有下单学校和送教教师可以评价"):
        svc.order_rate(actor=cast.users["county_researcher"], order=order, score=5)
