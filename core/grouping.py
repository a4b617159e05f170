"""Forming a school's subject groups from its teachers (GROUP.FORM, GROUP.MEMBERSHIP, GROUP.PREP).

Pure computation over plain values so the rule is testable without a database; the service
`groups_propose` fetches the teachers and stores the proposal.

003 三(一): a subject with at least 3 teachers forms its own 教研组; subjects with fewer merge with
a related subject (the mapping is data: Subject.merge_key). A teacher belongs to the group of the
main subject and attends the groups of the other subjects taught; school leaders join the groups
of the subjects they teach. Large schools set 备课组 by grade under each 教研组.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TeacherFacts:
    person_id: int
    main_subject: str | None
    other_subjects: tuple[str, ...]
    grade: int | None
    is_leader: bool


@dataclass(frozen=True)
class SubjectFacts:
    code: str
    name: str
    short: str
    merge_key: str
    merge_name: str


@dataclass
class ProposedGroup:
    name: str
    subjects: list[str]
    members: dict[int, str] = field(default_factory=dict)  # person id -> "main" | "attending"
    grade: int | None = None
    prep_groups: list[ProposedGroup] = field(default_factory=list)


def propose_groups(
    teachers: list[TeacherFacts],
    subjects: dict[str, SubjectFacts],
    *,
    min_teachers: int = 3,
    large_school: bool = False,
    min_prep_teachers: int = 2,
) -> list[ProposedGroup]:
    """The 教研组 (with 备课组 for large schools) that the rules give for these teachers."""
    by_subject: dict[str, list[TeacherFacts]] = defaultdict(list)
    for t in teachers:
        if t.main_subject:
            by_subject[t.main_subject].append(t)

    # Subject -> the group it lands in. A subject with enough teachers is its own group. A small
    # subject joins the largest own-group subject related to it (same merge key); where there is
    # none, the small related subjects form one merged group together.
    own = {code for code, members in by_subject.items()
           if len(members) >= min_teachers or not subjects[code].merge_key}
    group_of: dict[str, str] = {code: code for code in own}
    members_of: dict[str, list[str]] = {code: [code] for code in own}
    for code in sorted(set(by_subject) - own, key=lambda c: (-len(by_subject[c]), c)):
        key = subjects[code].merge_key
        related = sorted((c for c in own if subjects[c].merge_key == key), key=lambda c: (-len(by_subject[c]), c))
        target = related[0] if related else "merge:" + key
        group_of[code] = target
        members_of.setdefault(target, []).append(code)

    # Names list subjects in curriculum order (物化生, 政史地), the leading subject first.
    order = {code: i for i, code in enumerate(subjects)}
    for key, codes in members_of.items():
        lead = [codes[0]] if not key.startswith("merge:") else []
        codes[:] = lead + sorted((c for c in codes if c not in lead), key=lambda c: order[c])
    groups: dict[str, ProposedGroup] = {}
    for key, codes in members_of.items():
        if len(codes) == 1:
            name = subjects[codes[0]].name + "教研组"
        else:
            name = "".join(subjects[c].short for c in codes) + "教研组"
        groups[key] = ProposedGroup(name=name, subjects=list(codes))

    for t in teachers:
        if t.main_subject and t.main_subject in group_of:
            groups[group_of[t.main_subject]].members[t.person_id] = "main"
    for t in teachers:
        for other in t.other_subjects:
            attended = group_of.get(other)
            if attended is not None and t.person_id not in groups[attended].members:
                groups[attended].members[t.person_id] = "attending"

    if large_school:
        by_id = {t.person_id: t for t in teachers}
        for g in groups.values():
            # 备课组 are formed for the group's leading subject (the one that gives it its size).
            by_grade: dict[int, list[int]] = defaultdict(list)
            for pid, role in g.members.items():
                grade = by_id[pid].grade
                if (role == "main" and grade is not None and not by_id[pid].is_leader
                        and by_id[pid].main_subject == g.subjects[0]):
                    by_grade[grade].append(pid)
            subject_name = subjects[g.subjects[0]].name
            leftovers: dict[str, list[int]] = defaultdict(list)
            for grade, pids in sorted(by_grade.items()):
                if len(pids) >= min_prep_teachers:
                    g.prep_groups.append(ProposedGroup(
                        name=f"{grade_label(grade)}{subject_name}备课组", subjects=list(g.subjects), grade=grade,
                        members={pid: "main" for pid in pids}))
                else:
                    leftovers[grade_band(grade)].extend(pids)
            # "by grade or stage" (003 三(一)): teachers alone in their grade prepare together
            # with the neighbouring grades of their band.
            for band, pids in leftovers.items():
                if len(pids) >= min_prep_teachers:
                    g.prep_groups.append(ProposedGroup(
                        name=f"{band}{subject_name}备课组", subjects=list(g.subjects), grade=None,
                        members={pid: "main" for pid in pids}))
    return sorted(groups.values(), key=lambda g: (-len(g.members), g.name))


GRADE_LABELS = {1: "一年级", 2: "二年级", 3: "三年级", 4: "四年级", 5: "五年级", 6: "六年级",
                7: "七年级", 8: "八年级", 9: "九年级", 10: "高一", 11: "高二", 12: "高三"}


GRADE_BANDS = {1: "低年级", 2: "低年级", 3: "中年级", 4: "中年级", 5: "高年级", 6: "高年级",
               7: "初中", 8: "初中", 9: "初中", 10: "高中", 11: "高中", 12: "高中"}


def grade_band(grade: int) -> str:
    return GRADE_BANDS.get(grade, "其他年级")


def grade_label(grade: int) -> str:
    return GRADE_LABELS.get(grade, f"{grade}年级")


@dataclass(frozen=True)
class MoveTarget:
    """A group a member may be moved to, with the subjects it stands for (a 备课组 stands for
    its parent 教研组's subjects)."""

    group_id: int
    name: str
    subject_ids: frozenset[int]
    is_prep: bool = False


def order_move_targets(targets: list[MoveTarget], subject_ids: set[int], main_subject_id: int | None
                       ) -> list[MoveTarget]:
    """Targets for moving a member, most likely first: the groups of the member's main subject,
    then those of a subject the member also teaches, then the rest; 教研组 before 备课组, then by
    name. The first option of the list is never an unrelated group when a related one exists."""
    def rank(t: MoveTarget) -> tuple[int, int, str]:
        if main_subject_id is not None and main_subject_id in t.subject_ids:
            kin = 0
        elif t.subject_ids & subject_ids:
            kin = 1
        else:
            kin = 2
        return kin, int(t.is_prep), t.name
    return sorted(targets, key=rank)


def is_related_target(target: MoveTarget, subject_ids: set[int], main_subject_id: int | None) -> bool:
    return bool(target.subject_ids & (subject_ids | ({main_subject_id} if main_subject_id else set())))
