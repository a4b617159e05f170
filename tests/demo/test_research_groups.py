"""The subject-group demo (research/demo/groups.py) on the tiny seed: a semester of group
activities with gaps in some strips, plans, journals, key subjects, institutions, 包组 with
attendance, mentoring, leader appointments, 联组 with activities, and the stored GROUP norms
showing both schools that meet them and schools that do not."""

from __future__ import annotations

from django.utils import timezone

from core.demo.generator import SeedResult
from core.models import GroupKind, NormResultRow, TeachingGroup
from core.terms import term_by_key
from research.group_selectors import GroupRef, meet_strips
from research.models.activities import Activity, Attendance, Participant
from research.models.groups import (
    GroupGuide,
    GroupInstitution,
    GroupLeaderTerm,
    GroupPlan,
    GroupResource,
    JointGroup,
    JournalSubscription,
    KeySubject,
    MentorPair,
)


def test_demo_group_life(tiny: SeedResult) -> None:
    result = tiny
    assert "research.groups" in result.timings
    groups = list(TeachingGroup.objects.filter(kind=GroupKind.SUBJECT).select_related("school"))
    term = term_by_key(groups[0].school, groups[0].term_key)
    assert term is not None
    refs = [GroupRef(g.pk, g.school_id, g.name, g.kind, g.leader_id, g.parent_id) for g in groups
            if g.term_key == term.key]
    strips = meet_strips(refs, term, 2, timezone.localdate())
    missed = [s for s in strips.values() if s.missed]
    kept = [s for s in strips.values() if s.elapsed and not s.missed]
    assert missed and kept  # gaps in some strips, others full
    assert Activity.objects.filter(group__isnull=False, periods=1).exists()
    assert GroupPlan.objects.filter(kind="development").exists() and GroupPlan.objects.filter(kind="semester").exists()
    assert JournalSubscription.objects.count() >= len(groups)
    assert KeySubject.objects.exists() and GroupInstitution.objects.exists()
    assert GroupLeaderTerm.objects.exists() and MentorPair.objects.exists()
    guide = GroupGuide.objects.first()
    assert guide is not None
    assert Participant.objects.filter(person=guide.person, activity__group=guide.group,
                                      attendance__in=[Attendance.PRESENT, Attendance.LATE]).exists()
    jg = JointGroup.objects.first()
    assert jg is not None and jg.schools.count() >= 2 and Activity.objects.filter(joint_group=jg).exists()
    res = GroupResource.objects.first()
    assert res is not None and res.file.read().startswith(b"%PDF")
    # The seed's refresh stored the GROUP norms: some rows meet, some do not.
    for code in ("GROUP.MEET", "GROUP.PLAN", "GROUP.JOURNALS"):
        meets = set(NormResultRow.objects.filter(norm_code=code).values_list("meets", flat=True))
        assert meets == {True, False}, code
