"""Subject groups for the demo: through the services at demo scale, in bulk beyond it.

At demo scale every school's groups go through `groups_propose` / `groups_confirm`, so the demo
shows exactly what a principal would get (audit events included). A province has 12,000 schools,
and the services take several queries per group, so city and province scale write the same
proposal (`core.grouping.propose_groups`, the pure rule the service uses) straight into the tables.
In both paths a group whose subject has a 教研组长 post is led by that post's holder.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from core import services
from core.grouping import ProposedGroup, SubjectFacts, TeacherFacts, propose_groups
from core.models import (
    TITLE_RANK,
    GroupKind,
    GroupMembership,
    GroupStatus,
    OrgNode,
    Person,
    Subject,
    TeachingGroup,
    Term,
)
from core.norm_catalogue import CATALOGUE

if TYPE_CHECKING:
    from core.demo.generator import PersonPlan, SchoolStaff
    from core.demo.tables import TableWriter

_THRESHOLDS = {spec.code: spec.threshold for spec in CATALOGUE}
MIN_TEACHERS = int(_THRESHOLDS.get("GROUP.FORM") or 3)
LARGE_SCHOOL = int(_THRESHOLDS.get("GROUP.PREP") or 24)
_SUBJECT_FACTS: dict[str, SubjectFacts] = {}


def subject_facts() -> dict[str, SubjectFacts]:
    if not _SUBJECT_FACTS:
        for s in Subject.objects.order_by("sort", "code"):
            _SUBJECT_FACTS[s.code] = SubjectFacts(s.code, s.name, s.short, s.merge_key, s.merge_name)
    return _SUBJECT_FACTS


def teacher_facts(staff: SchoolStaff) -> list[TeacherFacts]:
    """What `groups_propose` would read from the database for this school, in the same order."""
    out = []
    for t in sorted(staff.teachers, key=lambda t: t.pk):
        others = tuple(sorted(set(t.others) - {t.main_subject or ""}))
        out.append(TeacherFacts(t.pk, t.main_subject, others, t.grade, t.pk in staff.leaders))
    return out


def _leader(pg: ProposedGroup, staff: SchoolStaff, people: dict[int, PersonPlan]) -> int | None:
    mains = [pid for pid, role in pg.members.items() if role == "main"]
    for code in pg.subjects:
        holder = staff.group_leaders.get(code)
        if holder in mains and not pg.grade:
            return holder
    if not mains:
        return None
    return max(mains, key=lambda pid: (TITLE_RANK[people[pid].title], -(people[pid].teaching_since or 9999), -pid))


def bulk_groups(writer: TableWriter, staff: SchoolStaff, *, subject_ids: dict[str, int], term_key: str,
                now: dt.datetime) -> None:
    school = staff.school
    proposal = propose_groups(teacher_facts(staff), subject_facts(), min_teachers=MIN_TEACHERS,
                              large_school=school.class_count >= LARGE_SCHOOL)
    confirmed = school.group_state == "confirmed"
    status = GroupStatus.CONFIRMED if confirmed else GroupStatus.PROPOSED
    people = {t.pk: t for t in staff.teachers}

    def store(pg: ProposedGroup, parent: int | None) -> int:
        pk = writer.add(TeachingGroup, school.pk, term_key, GroupKind.PREP if parent else GroupKind.SUBJECT,
                        pg.name, parent, pg.grade, _leader(pg, staff, people), status, None,
                        writer.now if confirmed else None)
        for code in pg.subjects:
            writer.add(TeachingGroup.subjects.through, pk, subject_ids[code])
        for pid, role in pg.members.items():
            writer.add(GroupMembership, pk, pid, role)
        return pk

    for pg in proposal:
        parent = store(pg, None)
        for prep in pg.prep_groups:
            store(prep, parent)


def groups_via_services(staff_list: list[SchoolStaff], terms: dict[int, Term]) -> dict[str, int]:
    """Propose (and mostly confirm) each demo school's groups for its current term through the
    services. `terms` maps school pk to the term in force there. Returns schools per state."""
    nodes = OrgNode.objects.in_bulk([s.school.pk for s in staff_list])
    states = {"confirmed": 0, "proposed": 0, "none": 0}
    for st in staff_list:
        states[st.school.group_state] += 1
        if st.school.group_state == "none":
            continue
        school, term = nodes[st.school.pk], terms[st.school.pk]
        groups = services.groups_propose(actor=None, school=school, term=term)
        holders = Person.objects.in_bulk(list(st.group_leaders.values()))
        for g in groups:
            if g.kind != GroupKind.SUBJECT:
                continue
            codes = list(g.subjects.values_list("code", flat=True))
            member_ids = set(g.memberships.filter(role="main").values_list("person_id", flat=True))
            for code in codes:
                holder = st.group_leaders.get(code)
                if holder is not None and holder in member_ids and g.leader_id != holder:
                    services.group_update(actor=None, group=g, leader=holders[holder])
                    break
        if st.school.group_state == "confirmed":
            services.groups_confirm(actor=None, school=school, term=term)
    return states
