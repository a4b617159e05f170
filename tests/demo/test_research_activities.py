"""The activities demo (research/demo/activities.py) on the tiny seed: a school year of
activities of every form with participants, sign-ins (some late, absent or excused) and written
outcomes; one today for the demo county researcher with the demo teacher invited."""

from __future__ import annotations

import pytest

from core.demo.generator import SeedResult
from core.models import User
from research.models import Activity, ActivityForm, ActivityStatus, Attendance, Participant

pytestmark = pytest.mark.django_db


def test_demo_runs_a_year_of_activities(tiny: SeedResult) -> None:
    result = tiny
    assert "research.activities" in result.timings
    acts = Activity.objects.all()
    assert set(acts.values_list("form", flat=True)) == set(ActivityForm.values)
    assert set(acts.values_list("term__semester", flat=True)) == {1, 2}
    assert {ActivityStatus.CLOSED, ActivityStatus.PLANNED} <= set(acts.values_list("status", flat=True))
    attendance = set(Participant.objects.values_list("attendance", flat=True))
    assert {Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT, Attendance.UNKNOWN} <= attendance
    for a in acts.filter(status=ActivityStatus.CLOSED).prefetch_related("outcomes")[:200]:
        assert a.outcomes.exists() and a.end > a.start
        assert not a.participants.filter(attendance=Attendance.UNKNOWN).exists()
    for a in acts.select_related("organiser", "term")[:300]:
        assert a.term.start <= a.start.date() <= a.term.end
    late = Participant.objects.filter(attendance=Attendance.LATE).select_related("activity")[:50]
    assert all(p.signed_at is not None and p.signed_at > p.activity.start for p in late)
    teacher = User.objects.get(username="demo-teacher")
    researcher = User.objects.get(username="demo-county_researcher")
    assert teacher.person_id is not None and researcher.person_id is not None
    today = acts.filter(host_id=researcher.person_id, title__startswith="今日").get()
    assert today.participants.filter(person_id=teacher.person_id).exists()
