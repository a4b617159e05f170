"""GROUP.FORM / GROUP.MEMBERSHIP / GROUP.PREP as a pure rule (003 三(一))."""

from __future__ import annotations

from core.curriculum import SUBJECTS
from core.grouping import ProposedGroup, SubjectFacts, TeacherFacts, propose_groups

SUBJ = {s.code: SubjectFacts(s.code, s.name, s.short, s.merge_key, s.merge_name) for s in SUBJECTS}


def teachers(spec: list[tuple[str, int]], start: int = 1, grade: int | None = None) -> list[TeacherFacts]:
    out = []
    pid = start
    for subject, n in spec:
        for _ in range(n):
            out.append(TeacherFacts(pid, subject, (), grade, False))
            pid += 1
    return out


def by_name(groups: list[ProposedGroup]) -> dict[str, ProposedGroup]:
    return {g.name: g for g in groups}


def test_three_teachers_form_their_own_group_fewer_merge_into_related() -> None:
    ts = teachers([("chinese", 5), ("english", 2), ("math", 3)])
    groups = by_name(propose_groups(ts, SUBJ))
    assert set(groups) == {"语英教研组", "数学教研组"}
    assert groups["语英教研组"].subjects == ["chinese", "english"]
    assert len(groups["数学教研组"].members) == 3


def test_small_related_subjects_without_a_big_one_form_a_merged_group() -> None:
    ts = teachers([("physics", 2), ("chemistry", 1), ("biology", 1), ("chinese", 4)])
    groups = by_name(propose_groups(ts, SUBJ))
    merged = [g for g in groups.values() if set(g.subjects) == {"physics", "chemistry", "biology"}]
    assert len(merged) == 1 and merged[0].name == "物化生教研组"
    assert len(merged[0].members) == 4


def test_threshold_is_a_parameter() -> None:
    ts = teachers([("math", 3), ("physics", 3)])
    assert len(propose_groups(ts, SUBJ, min_teachers=3)) == 2
    assert len(propose_groups(ts, SUBJ, min_teachers=4)) == 1


def test_teachers_attend_the_groups_of_other_subjects_taught() -> None:
    ts = teachers([("math", 3), ("chinese", 3)])
    ts.append(TeacherFacts(99, "math", ("chinese",), None, True))  # a leader who also teaches Chinese
    groups = by_name(propose_groups(ts, SUBJ))
    assert groups["数学教研组"].members[99] == "main"
    assert groups["语文教研组"].members[99] == "attending"


def test_large_school_gets_prep_groups_by_grade_small_school_none() -> None:
    ts = teachers([("math", 2)], start=1, grade=7) + teachers([("math", 2)], start=10, grade=8) \
        + teachers([("math", 1)], start=20, grade=9)
    small = propose_groups(ts, SUBJ, large_school=False)
    assert small[0].prep_groups == []
    large = propose_groups(ts, SUBJ, large_school=True)
    names = [p.name for p in large[0].prep_groups]
    # Grade 9 has a single maths teacher: no group of one.
    assert names == ["七年级数学备课组", "八年级数学备课组"]


def test_teachers_alone_in_their_grade_prepare_by_band() -> None:
    ts = [TeacherFacts(i, "english", (), grade, False) for i, grade in enumerate([3, 4, 5, 6, 6], start=1)]
    groups = propose_groups(ts, SUBJ, large_school=True)
    names = sorted(p.name for p in groups[0].prep_groups)
    assert names == ["中年级英语备课组", "六年级英语备课组"]  # grade 5 alone: no band partner left
