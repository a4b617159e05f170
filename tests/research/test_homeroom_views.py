"""The homeroom pages: the classes with their three norms, and the homeroom teacher recording a
meeting (a refusal keeps what was typed; another teacher cannot record)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from core.models import Post, Role
from research.models.homeroom import HomeroomMeeting


def _class(cast: Any) -> Post:
    return Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=dt.date(2025, 9, 1))


def test_the_homeroom_teacher_records_and_the_norms_show(cast: Any) -> None:
    post = _class(cast)
    c = cast.client("teacher")
    url = reverse("research:homeroom_class", args=[post.pk]) + "?term=2025-2"
    bad = c.post(url, {"kind": "parents", "held_on": "2099-01-01", "attendance": "42", "topic": "期中家长会"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "日期：不能晚于今天" in body and 'value="期中家长会"' in body
    assert c.post(url, {"kind": "parents", "held_on": "2026-04-18", "attendance": "42", "topic": "期中家长会"}
                  ).status_code == 302
    assert HomeroomMeeting.objects.get().attendance == 42
    page = c.get(url).content.decode()
    assert "家长会：本学期召开1次" in page and "学生座谈会：6个月中0个月召开" in page
    listing = cast.client("principal").get(reverse("research:homeroom_list") + "?term=2025-2").content.decode()
    assert "7年级何静班" in listing and "1个班未达标" in listing
    # Another teacher of the school reads the record but cannot write it.
    other = cast.client("group_leader")
    assert other.get(url).status_code == 200
    assert other.post(url, {"kind": "parents", "held_on": "2026-04-18", "attendance": "1"}).status_code == 404
