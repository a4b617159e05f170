"""Access-matrix rows for correcting a homeroom meeting (research:homeroom_meeting_*): the edit
page and the delete confirmation open only for whoever may record the class's meetings."""

from __future__ import annotations

from typing import Any

from tests.access_cases import Case

# The class's homeroom teacher and A1's managers (and the system admin); the researchers over A1
# read the class page but do not correct its records.
MEETING_WRITERS = frozenset({"sysadmin", "teacher", "principal", "vice_principal", "middle_manager"})


def _meeting(cast: Any) -> list[Any]:
    import datetime as dt

    from core.models import Post, Role
    from research.models.homeroom import HomeroomMeeting, MeetingKind

    post = Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=dt.date(2025, 9, 1))
    meeting = HomeroomMeeting.objects.create(school=cast.school_a1, homeroom=post, kind=MeetingKind.PARENTS,
                                             held_on=dt.date(2026, 4, 18), attendance=40, topic="期中家长会")
    return [meeting.pk]


CASES = [
    Case("research:homeroom_meeting_edit", MEETING_WRITERS, args=_meeting),
    Case("research:homeroom_meeting_delete", MEETING_WRITERS, args=_meeting, note="GET只显示删除确认"),
]
