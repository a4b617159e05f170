"""Reads of subject-group life: plain values for the GROUP.* metrics and the pages (fetch here,
compute in research.group_rules, present in the views).

A `TeachingGroup` row lives for one semester; records that span terms (a development plan, a
year's journal subscriptions) are matched to a term's group by school and group name, so a plan
written in the first semester still counts for the second semester's group of the same name.
The functions here take ids the caller already got through research.access (or, for a norm's
refresh, the system scope).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from core.access import AnyUser, groups_visible_to, people_visible_to
from core.models import GroupKind, GroupMembership, OrgNode, Person, Post, Role, TeachingGroup, Term
from core.terms import current_term
from research.group_rules import Strip, development_covers, meet_strip
from research.models.activities import Activity, ActivityStatus, Attendance, Participant
from research.models.groups import GroupGuide, GroupPlan, JournalSubscription, KeySubject, MentorPair, PlanKind

# The posts whose holders teach at a school (core.services.SCHOOL_STAFF_ROLES): everyone there who
# teaches a subject belongs to its 教研组 (GROUP.MEMBERSHIP).
STAFF_ROLES = (Role.TEACHER, Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER, Role.GROUP_LEADER,
               Role.PREP_LEADER, Role.HOMEROOM)
ATTENDED = (Attendance.PRESENT, Attendance.LATE)
# Who may be assigned to guide a group (包组, 004 (一)1: 校领导和中层干部).
GUIDE_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER)


@dataclass(frozen=True)
class GroupRef:
    pk: int
    school_id: int
    name: str
    kind: str
    leader_id: int | None
    parent_id: int | None


def subject_groups(school_ids: list[int], term_key: str, *, kinds: tuple[str, ...] = (GroupKind.SUBJECT,)
                   ) -> dict[int, list[GroupRef]]:
    """Each school's groups of the term (教研组 only unless asked), in the core's order."""
    out: dict[int, list[GroupRef]] = defaultdict(list)
    for pk, school_id, name, kind, leader_id, parent_id in (
            TeachingGroup.objects.filter(school_id__in=school_ids, term_key=term_key, kind__in=kinds)
            .order_by("school", "kind", "name")
            .values_list("pk", "school_id", "name", "kind", "leader_id", "parent_id")):
        out[school_id].append(GroupRef(pk, school_id, name, kind, leader_id, parent_id))
    return out


def _day_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz))


def group_activity_days(group_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[tuple[dt.date, int]]]:
    """(local day, periods) of each group's activities between the days, cancelled ones left out."""
    low, high = _day_bounds(start, end)
    out: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    tz = timezone.get_current_timezone()
    for gid, at, periods in (Activity.objects.filter(group_id__in=group_ids, start__gte=low, start__lt=high)
                             .exclude(status=ActivityStatus.CANCELLED).order_by()
                             .values_list("group_id", "start", "periods")):
        out[gid].append((at.astimezone(tz).date(), periods))
    return out


def meet_strips(groups: list[GroupRef], term: Term, min_periods: float, today: dt.date | None = None
                ) -> dict[int, Strip]:
    """Each group's GROUP.MEET strip for the term, from its activities (one query)."""
    day = today or timezone.localdate()
    acts = group_activity_days([g.pk for g in groups], term.start, term.end)
    return {g.pk: meet_strip(term.start, term.end, day, acts.get(g.pk, []), min_periods) for g in groups}


@dataclass(frozen=True)
class PlanFacts:
    development: int  # development plans covering the term's school year
    semester: int  # plans for the term


def plan_facts(groups: list[GroupRef], term: Term) -> dict[int, PlanFacts]:
    """How many development plans cover the term's school year and how many semester plans the
    term has, for each group (matched across terms by school and group name)."""
    school_ids = sorted({g.school_id for g in groups})
    dev: dict[tuple[int, str], int] = defaultdict(int)
    sem: dict[tuple[int, str], int] = defaultdict(int)
    for school_id, name, kind, start_year, years, term_key in (
            GroupPlan.objects.filter(group__school_id__in=school_ids).order_by()
            .values_list("group__school_id", "group__name", "kind", "start_year", "years", "term_key")):
        key = (school_id, name)
        if kind == PlanKind.DEVELOPMENT and start_year is not None and years is not None:
            if development_covers(start_year, years, term.school_year):
                dev[key] += 1
        elif kind == PlanKind.SEMESTER and term_key == term.key:
            sem[key] += 1
    return {g.pk: PlanFacts(dev[(g.school_id, g.name)], sem[(g.school_id, g.name)]) for g in groups}


def journal_counts(groups: list[GroupRef], school_year: int) -> dict[int, int]:
    """Distinct titles each group subscribes to in the school year (by school and group name)."""
    school_ids = sorted({g.school_id for g in groups})
    titles: dict[tuple[int, str], set[str]] = defaultdict(set)
    for school_id, name, title in (JournalSubscription.objects.filter(group__school_id__in=school_ids,
                                                                      year=school_year).order_by()
                                   .values_list("group__school_id", "group__name", "title")):
        titles[(school_id, name)].add(title.strip())
    return {g.pk: len(titles[(g.school_id, g.name)]) for g in groups}


def key_subject_rows(school_ids: list[int]) -> dict[int, list[tuple[int, int, int | None]]]:
    out: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)
    for school_id, sid, first, last in (KeySubject.objects.filter(school_id__in=school_ids).order_by()
                                        .values_list("school_id", "subject_id", "from_year", "until_year")):
        out[school_id].append((sid, first, last))
    return out


def taught_subjects(school_ids: list[int], term: Term) -> dict[int, dict[int, set[int]]]:
    """For each school, the subjects each of its teaching staff teaches in the term: the main
    subject, the other subjects taught (兼教) and the subjects of their teacher posts there."""
    staff: dict[int, dict[int, set[int]]] = defaultdict(dict)
    for school_id, pid, role, sid in (Post.objects.overlapping(term.start, term.end)
                                      .filter(org_id__in=school_ids, role__in=STAFF_ROLES, person__is_active=True)
                                      .order_by().values_list("org_id", "person_id", "role", "subject_id")):
        subjects = staff[school_id].setdefault(pid, set())
        if role == Role.TEACHER and sid is not None:
            subjects.add(sid)
    ids = [pid for people in staff.values() for pid in people]
    mains = dict(Person.objects.filter(pk__in=ids, main_subject__isnull=False).values_list("pk", "main_subject_id"))
    others: dict[int, set[int]] = defaultdict(set)
    for pid, sid in Person.subjects.through.objects.filter(person_id__in=ids).values_list("person_id", "subject_id"):
        others[pid].add(sid)
    for people in staff.values():
        for pid, subjects in people.items():
            if pid in mains:
                subjects.add(mains[pid])
            subjects.update(others[pid])
    return staff


def group_rosters(school_ids: list[int], term_key: str) -> dict[int, list[tuple[set[int], set[int]]]]:
    """For each school, (subject ids, member ids) of each 教研组 of the term."""
    subjects: dict[int, set[int]] = defaultdict(set)
    for gid, sid in TeachingGroup.subjects.through.objects.filter(
            teachinggroup__school_id__in=school_ids, teachinggroup__term_key=term_key,
            teachinggroup__kind=GroupKind.SUBJECT).values_list("teachinggroup_id", "subject_id"):
        subjects[gid].add(sid)
    members: dict[int, set[int]] = defaultdict(set)
    for gid, pid in GroupMembership.objects.filter(group_id__in=list(subjects)).values_list("group_id", "person_id"):
        members[gid].add(pid)
    out: dict[int, list[tuple[set[int], set[int]]]] = defaultdict(list)
    for gid, school_id in TeachingGroup.objects.filter(pk__in=list(subjects)).values_list("pk", "school_id"):
        out[school_id].append((subjects[gid], members[gid]))
    return out


@dataclass(frozen=True)
class GuideAttendance:
    guide: GroupGuide
    held: int  # the group's activities held so far in its term (not cancelled)
    attended: int  # of which the guide attended (present or late)


def guide_attendance(group: TeachingGroup, guides: list[GroupGuide], term: Term | None) -> list[GuideAttendance]:
    """包组: how many of the group's activities each guiding leader attended (004 (一)1: 校领导分工
    包组直接深入各学科组参与教研活动), counted from the activities' attendance."""
    acts = Activity.objects.filter(group=group).exclude(status=ActivityStatus.CANCELLED)
    if term is not None:
        low, high = _day_bounds(term.start, term.end)
        acts = acts.filter(start__gte=low, start__lt=high)
    acts = acts.filter(start__lte=timezone.now())
    held = acts.count()
    attended = dict(Participant.objects.filter(activity__in=acts.values("pk"),
                                               person_id__in=[g.person_id for g in guides],
                                               attendance__in=ATTENDED)
                    .values("person_id").annotate(n=Count("id")).values_list("person_id", "n"))
    return [GuideAttendance(g, held, attended.get(g.person_id, 0)) for g in guides]


@dataclass(frozen=True)
class PairContacts:
    pair: MentorPair
    observations: int  # lessons one of the pair observed of the other in the period (the viewer sees)
    activities: int  # activities in the period both attended


def mentor_pair_contacts(user: AnyUser, pairs: list[MentorPair]) -> list[PairContacts]:
    """The observations and activities between each pair's mentor and mentee in its period
    (青蓝工程: 互相听课、共同参加教研), in two queries whatever the number of pairs."""
    if not pairs:
        return []
    from observe.access import observations_visible_to
    from observe.models import ObservationStatus

    people = {p.mentor_id for p in pairs} | {p.mentee_id for p in pairs}
    first, last = min(p.start for p in pairs), max(p.end for p in pairs)
    lessons = list(observations_visible_to(user).filter(observer_id__in=people, teacher_id__in=people,
                                                        date__gte=first, date__lte=last,
                                                        status=ObservationStatus.SUBMITTED)
                   .order_by().values_list("observer_id", "teacher_id", "date"))
    low, high = _day_bounds(first, last)
    attended: dict[int, tuple[dt.datetime, set[int]]] = {}
    for act, pid, at in (Participant.objects.filter(person_id__in=people, attendance__in=ATTENDED,
                                                    activity__start__gte=low, activity__start__lt=high)
                         .order_by().values_list("activity_id", "person_id", "activity__start")):
        attended.setdefault(act, (at, set()))[1].add(pid)
    tz = timezone.get_current_timezone()
    out = []
    for p in pairs:
        two = {p.mentor_id, p.mentee_id}
        n_obs = sum(1 for o, t, d in lessons if {o, t} == two and p.start <= d <= p.end)
        n_act = sum(1 for at, who in attended.values()
                    if two <= who and p.start <= at.astimezone(tz).date() <= p.end)
        out.append(PairContacts(p, n_obs, n_act))
    return out


def activities_of_groups(group_ids: list[int], start: dt.date, end: dt.date) -> list[Activity]:
    low, high = _day_bounds(start, end)
    return list(Activity.objects.filter(Q(group_id__in=group_ids), start__gte=low, start__lt=high)
                .select_related("group", "host").order_by("start", "id"))


# ---------------------------------------------------------------- choices offered by the forms


def school_leaders(school: OrgNode) -> list[Person]:
    """Who may guide a group (包组): the school's principal, vice principals and middle managers."""
    ids = (Post.objects.active().filter(org=school, role__in=GUIDE_ROLES).values("person_id"))
    return list(Person.objects.filter(pk__in=ids).order_by("pinyin"))


def group_members(group: TeachingGroup) -> list[Person]:
    return list(Person.objects.filter(group_memberships__group=group).order_by("pinyin"))


def school_staff(user: AnyUser, school: OrgNode) -> list[Person]:
    """The school's people the user sees: those employed there and those holding a post there."""
    posted = Post.objects.active().filter(org=school).values("person_id")
    return list(people_visible_to(user).filter(Q(org=school) | Q(pk__in=posted), is_active=True)
                .order_by("pinyin")[:2000])


def current_subject_groups(user: AnyUser, school: OrgNode) -> list[TeachingGroup]:
    """The school's 教研组 of its current term that the user sees."""
    term = current_term(school)
    if term is None:
        return []
    return list(groups_visible_to(user).filter(school=school, term_key=term.key, kind=GroupKind.SUBJECT)
                .order_by("name"))


def guide_assignments(school: OrgNode, groups: list[TeachingGroup]) -> list[tuple[Person, list[str]]]:
    """包组 at a glance (004 (一)1: every school leader and middle manager guides groups): each
    of the school's leaders with the names of the term's groups they guide, none for those not
    yet assigned."""
    guided: dict[int, list[str]] = defaultdict(list)
    names = {g.pk: g.name for g in groups}
    for gid, pid in GroupGuide.objects.filter(group_id__in=list(names)).order_by().values_list("group_id", "person_id"):
        guided[pid].append(names[gid])
    return [(p, sorted(guided.get(p.pk, []))) for p in school_leaders(school)]
