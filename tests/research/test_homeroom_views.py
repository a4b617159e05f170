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


def test_the_homeroom_teacher_corrects_and_deletes_a_meeting(cast: Any) -> None:
    from core.models import AuditEvent
    from research.services import homeroom as svc

    post = _class(cast)
    meeting = svc.homeroom_meeting_record(actor=cast.users["teacher"], homeroom=post, kind="parents",
                                          held_on=dt.date(2026, 4, 18), attendance=40, topic="期中家长会")
    c = cast.client("teacher")
    class_url = reverse("research:homeroom_class", args=[post.pk]) + "?term=2025-2"
    edit = reverse("research:homeroom_meeting_edit", args=[meeting.pk])
    assert edit in c.get(class_url).content.decode()
    assert edit not in cast.client("group_leader").get(class_url).content.decode()
    form = c.get(edit + "?term=2025-2").content.decode()
    assert 'value="期中家长会"' in form and 'value="2026-04-18"' in form and 'value="40"' in form
    # A refusal keeps what was typed, in Chinese, naming the field.
    bad = c.post(edit, {"kind": "student_forum", "held_on": "2099-01-01", "attendance": "38", "topic": "学习方法交流",
                        "notes": "分组讨论", "term": "2025-2"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "日期：不能晚于今天" in body
    assert 'value="学习方法交流"' in body and "分组讨论" in body and 'value="38"' in body
    bad = c.post(edit, {"kind": "parents", "held_on": "2026-04-18", "attendance": "abc", "term": "2025-2"})
    assert "出席人数：请填写整数" in bad.content.decode()
    ok = c.post(edit, {"kind": "student_forum", "held_on": "2026-04-20", "attendance": "38", "topic": "学习方法交流",
                       "term": "2025-2"})
    assert ok.status_code == 302 and ok["Location"] == class_url
    meeting.refresh_from_db()
    assert (meeting.kind, meeting.held_on, meeting.attendance) == ("student_forum", dt.date(2026, 4, 20), 38)
    assert "学生座谈会：6个月中1个月召开" in c.get(class_url).content.decode()
    # Deleting asks first; only the POST of the confirmation deletes.
    delete = reverse("research:homeroom_meeting_delete", args=[meeting.pk])
    confirm = c.get(delete + "?term=2025-2").content.decode()
    assert "确定删除" in confirm and "2026-04-20 的学生座谈会记录" in confirm
    assert HomeroomMeeting.objects.filter(pk=meeting.pk).exists()
    # A colleague of the school reads the class but opens neither page.
    other = cast.client("group_leader")
    assert other.get(edit).status_code == 404 and other.post(delete, {}).status_code == 404
    gone = c.post(delete, {"term": "2025-2"})
    assert gone.status_code == 302 and gone["Location"] == class_url
    assert not HomeroomMeeting.objects.filter(pk=meeting.pk).exists()
    assert AuditEvent.objects.filter(model="research.HomeroomMeeting").count() == 3
    assert "学生座谈会：6个月中0个月召开" in c.get(class_url).content.decode()
