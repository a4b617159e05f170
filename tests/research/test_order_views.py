"""The 送教 order pages: posting (a refusal keeps what was typed), the organiser's matching run
with the baseline beside it, and the order page's accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from core.models import Subject
from research.models.orders import OrderStatus, SongjiaoOrder
from tests.conftest import term_covering
from tests.research.order_setup import candidates


def test_post_match_and_accept_through_the_pages(cast: Any) -> None:
    candidates(cast)
    today = timezone.localdate()
    term = term_covering(cast, today)
    start = max(today, term.start)
    c = cast.client("principal")
    data = {"org": cast.school_a1.code, "subject": Subject.objects.get(code="math").pk, "stage": "junior",
            "topic": "分数的意义", "problem": "单位“1”理解困难", "preferred_from": (start + dt.timedelta(days=5)).isoformat(),
            "preferred_to": start.isoformat()}
    bad = c.post(reverse("research:order_new"), data)
    assert bad.status_code == 200 and "期望结束日期：不能早于开始日期" in bad.content.decode()
    assert "单位“1”理解困难" in bad.content.decode()
    data["preferred_to"] = min(start + dt.timedelta(days=10), term.end).isoformat()
    if data["preferred_to"] < data["preferred_from"]:
        data["preferred_from"] = data["preferred_to"]
    assert c.post(reverse("research:order_new"), data).status_code == 302
    order = SongjiaoOrder.objects.get()
    organiser = cast.client("county_researcher")
    run = organiser.post(reverse("research:orders_match"), {"region": cast.county_a.code, "term": term.key})
    body = run.content.decode()
    assert run.status_code == 200 and "1个订单、2名候选教师：匹配1个" in body and "对照（逐单就近分配）" in body
    detail = reverse("research:order_detail", args=[order.pk])
    assert "韩能手" in organiser.get(detail).content.decode()
    assert organiser.post(detail, {"action": "accept"}).status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.ACCEPTED and order.activity is not None
    # The school may not accept (only the organiser): the page says so, nothing changes.
    assert "送教活动：送教助研：分数的意义" in c.get(detail).content.decode()
