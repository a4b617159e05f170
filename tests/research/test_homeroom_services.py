"""Homeroom meetings through their services: who records, the date and attendance rules, edits
and deletions audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import AuditEvent, Post, Role
from research.models.homeroom import HomeroomMeeting, MeetingKind
from research.services import homeroom as svc


def _class(cast: Any, start: dt.date = dt.date(2025, 9, 1)) -> Post:
    return Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=start)


def test_record_edit_and_delete(cast: Any) -> None:
    post = _class(cast)
    m = svc.homeroom_meeting_record(actor=cast.users["teacher"], homeroom=post, kind=MeetingKind.PARENTS,
                                    held_on=dt.date(2026, 4, 18), attendance=41, topic="期中家长会")
    svc.homeroom_meeting_update(actor=cast.users["principal"], meeting=m, kind=MeetingKind.PARENTS,
                                held_on=dt.date(2026, 4, 19), attendance=44, topic="期中家长会")
    m.refresh_from_db()
    assert (m.held_on, m.attendance) == (dt.date(2026, 4, 19), 44)
    svc.homeroom_meeting_delete(actor=cast.users["teacher"], meeting=m)
    assert not HomeroomMeeting.objects.exists()
    actions = list(AuditEvent.objects.filter(model="research.HomeroomMeeting").order_by("id")
                   .values_list("action", "scope_path"))
    assert [a for a, _ in actions] == ["create", "update", "delete"]
    assert {p for _, p in actions} == {cast.school_a1.path}


def test_refusals_name_the_field(cast: Any) -> None:
    post = _class(cast, start=dt.date(2026, 3, 1))
    cases = [
        (cast.users["group_leader"], MeetingKind.PARENTS, dt.date(2026, 4, 1), 30, "homeroom"),  # another teacher
        (cast.users["teacher"], "sports_day", dt.date(2026, 4, 1), 30, "kind"),
        (cast.users["teacher"], MeetingKind.PARENTS, dt.date(2026, 2, 20), 30, "held_on"),  # before the post
        (cast.users["teacher"], MeetingKind.PARENTS, dt.date(2099, 1, 1), 30, "held_on"),
        (cast.users["teacher"], MeetingKind.PARENTS, dt.date(2026, 4, 1), 0, "attendance"),
    ]
    for actor, kind, day, n, field in cases:
        with pytest.raises(svc.HomeroomError) as e:
            svc.homeroom_meeting_record(actor=actor, homeroom=post, kind=kind, held_on=day, attendance=n)
        assert e.value.field == field, (kind, day, n)
    teaching = Post.objects.filter(person=cast.people["teacher"], role=Role.TEACHER).first()
    assert teaching is not None
    with pytest.raises(svc.HomeroomError, match="只能为班主任所带班级记录会议"):
        svc.homeroom_meeting_record(actor=cast.users["principal"], homeroom=teaching, kind=MeetingKind.PARENTS,
                                    held_on=dt.date(2026, 4, 1), attendance=30)
