"""Writes of homeroom meetings (004 (一)2): the homeroom teacher (or a school manager) records a
parents' meeting, a student forum or a subject-teachers' joint meeting of a class. Audited, so
the school's HOMEROOM.* norms are marked stale."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from core.audit import audit_create, audit_delete, audit_update, snapshot
from core.errors import DomainError
from core.models import Post, Role, User
from research import access
from research.models.homeroom import HomeroomMeeting, MeetingKind

ATTENDANCE_LIMIT = 2000


class HomeroomError(DomainError):
    """A refused write on a homeroom meeting; the message is Chinese and names the field."""


def _clean(homeroom: Post, kind: str, held_on: dt.date, attendance: int) -> None:
    if homeroom.role != Role.HOMEROOM:
        raise HomeroomError("班级：只能为班主任所带班级记录会议", field="homeroom")
    if kind not in MeetingKind.values:
        raise HomeroomError("类别：请选择家长会、学生座谈会或科任教师联席会", field="kind")
    if held_on > timezone.localdate():
        raise HomeroomError("日期：不能晚于今天", field="held_on")
    if (homeroom.start and held_on < homeroom.start) or (homeroom.end and held_on > homeroom.end):
        raise HomeroomError("日期：不在该班主任任职期间", field="held_on")
    if not 1 <= attendance <= ATTENDANCE_LIMIT:
        raise HomeroomError(f"出席人数：应在1至{ATTENDANCE_LIMIT}之间", field="attendance")


@transaction.atomic
def homeroom_meeting_record(*, actor: User, homeroom: Post, kind: str, held_on: dt.date, attendance: int,
                            topic: str = "", notes: str = "") -> HomeroomMeeting:
    if not access.can_record_homeroom(actor, homeroom):
        raise HomeroomError("班级：只有本班班主任或学校管理人员可以记录", field="homeroom")
    _clean(homeroom, kind, held_on, attendance)
    meeting = HomeroomMeeting.objects.create(school=homeroom.org, homeroom=homeroom, kind=kind, held_on=held_on,
                                             attendance=attendance, topic=topic.strip()[:120],
                                             notes=notes.strip()[:8000], recorded_by=actor)
    audit_create(actor, meeting)
    return meeting


@transaction.atomic
def homeroom_meeting_update(*, actor: User, meeting: HomeroomMeeting, kind: str, held_on: dt.date,
                            attendance: int, topic: str = "", notes: str = "") -> HomeroomMeeting:
    if not access.can_record_homeroom(actor, meeting.homeroom):
        raise HomeroomError("班级：只有本班班主任或学校管理人员可以修改", field="homeroom")
    _clean(meeting.homeroom, kind, held_on, attendance)
    old = snapshot(meeting)
    meeting.kind, meeting.held_on, meeting.attendance = kind, held_on, attendance
    meeting.topic, meeting.notes = topic.strip()[:120], notes.strip()[:8000]
    meeting.save(update_fields=["kind", "held_on", "attendance", "topic", "notes", "updated_at"])
    audit_update(actor, meeting, old)
    return meeting


@transaction.atomic
def homeroom_meeting_delete(*, actor: User, meeting: HomeroomMeeting) -> None:
    if not access.can_record_homeroom(actor, meeting.homeroom):
        raise HomeroomError("班级：只有本班班主任或学校管理人员可以删除", field="homeroom")
    audit_delete(actor, meeting)
    meeting.delete()
