"""Who may see and do what in the research app. Built only from core.access primitives
(scope_of, grants, people_visible_to), one section per area; every single object is fetched
through a `get_*_for_user` function that raises Http404 both for "missing" and for "not yours".

The rules are written at the head of each section.
"""

from __future__ import annotations

# ---------------------------------------------------------------- activities
# - An activity is visible to the region roles (admin, institute head, researchers, bureau
#   viewer) at its organiser's node or above; to every member of staff of the organising school
#   (a school's own, a 教研组's or 备课组's activity); to the staff of a 联组's member schools for
#   the 联组's activities; to its host and to every participant (invited or signed in), always.
# - It is managed (edited, invited to, attendance set, outcome written, closed, cancelled) by
#   its host, by whoever created it, by the organiser side's managers: the admin, institute head
#   and full-time researchers at a region organiser or above it, the principal, vice principal
#   and middle managers of an organising school, and the leader of the activity's group.
# - Activities are organised at a region node by its admin, institute head and researchers
#   (part-time ones included), at a school by its managers and its group and preparation leaders.
# - Anyone logged in with a person record who opens a current sign-in code of an activity (shown
#   at the venue, research.activity_signin) may sign in to it: the code proves presence. They
#   join as a walk-in participant and from then on see the activity as participants do.
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.access import (
    SCHOOL_MANAGER_ROLES,
    AnyUser,
    Scope,
    groups_q,
    groups_visible_to,
    nodes_visible_to,
    people_visible_to,
    schools_visible_to,
    scope_of,
)
from core.models import (
    REGION_ROLES,
    RESEARCHER_ROLES,
    OrgKind,
    OrgNode,
    Person,
    PersonQuerySet,
    Post,
    PostQuerySet,
    Role,
    TeachingGroup,
)
from core.paths import under_q
from research.models import Activity, ActivityQuerySet, JointGroup, Participant
from research.models.groups import (
    GroupGuide,
    GroupInstitution,
    GroupLeaderTerm,
    GroupPlan,
    GroupResource,
    JournalSubscription,
    KeySubject,
    MentorPair,
)
from research.models.homeroom import HomeroomMeeting
from research.models.orders import SongjiaoOrder
from research.models.prep import PrepMember, PrepSession

# Region roles that manage the activities organised at or below their node.
ACTIVITY_REGION_MANAGER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)
# Region roles that organise activities at their node (a part-time researcher runs subject activities).
ACTIVITY_REGION_ORGANISER_ROLES = (*ACTIVITY_REGION_MANAGER_ROLES, Role.PART_TIME_RESEARCHER)
# School roles that organise activities at their school (group leaders their groups').
ACTIVITY_SCHOOL_ORGANISER_ROLES = (*SCHOOL_MANAGER_ROLES, Role.GROUP_LEADER, Role.PREP_LEADER)


def _activity_q(scope: Scope) -> Q:
    parts: list[Q] = []
    school_ids: list[int] = []
    for g in scope.grants:
        if g.role in REGION_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(organiser__path__startswith=g.path))
        if g.node_kind == OrgKind.SCHOOL:
            school_ids.append(g.node_id)
    if school_ids:
        parts.append(Q(organiser_id__in=school_ids))
        member = JointGroup.schools.through.objects.filter(jointgroup_id=OuterRef("joint_group_id"),
                                                           orgnode_id__in=school_ids)
        parts.append(Q(joint_group__isnull=False) & Q(Exists(member)))
    if scope.person_id is not None:
        parts.append(Q(host_id=scope.person_id))
        parts.append(Q(Exists(Participant.objects.filter(activity=OuterRef("pk"), person_id=scope.person_id))))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def activities_visible_to(user: AnyUser) -> ActivityQuerySet:
    scope = scope_of(user)
    qs = Activity.objects.all()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_activity_q(scope))


def can_organise_activity_at(user: AnyUser, node: OrgNode) -> bool:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if node.kind == OrgKind.SCHOOL:
        return any(g.node_id == node.pk and g.role in ACTIVITY_SCHOOL_ORGANISER_ROLES for g in scope.grants)
    return any(g.role in ACTIVITY_REGION_ORGANISER_ROLES and g.node_kind != OrgKind.SCHOOL
               and node.path.startswith(g.path) for g in scope.grants)


def activity_organiser_nodes(user: AnyUser) -> list[OrgNode]:
    """The nodes the user may organise activities for: their own posts' nodes (for a system
    admin, the regions)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("depth", "path")[:200])
    nodes = OrgNode.objects.filter(pk__in=[g.node_id for g in scope.grants]).order_by("depth", "path")
    return [n for n in nodes if can_organise_activity_at(user, n)]


def can_manage_activity(user: AnyUser, activity: Activity) -> bool:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if scope.person_id is not None and scope.person_id == activity.host_id:
        return True
    if scope.user_id is not None and scope.user_id == activity.created_by_id:
        return True
    organiser = activity.organiser
    if organiser.kind == OrgKind.SCHOOL:
        if any(g.node_id == organiser.pk and g.role in SCHOOL_MANAGER_ROLES for g in scope.grants):
            return True
    elif any(g.role in ACTIVITY_REGION_MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL
             and organiser.path.startswith(g.path) for g in scope.grants):
        return True
    group = activity.group
    return group is not None and scope.person_id is not None and group.leader_id == scope.person_id


def invitable_people(user: AnyUser, activity: Activity) -> PersonQuerySet:
    """Whom the organiser's side may invite: everyone at or under the organising node (a subject
    researcher organises for teachers of other subjects too: a 综合教研, a whole school), and
    the people the user sees elsewhere (a guest expert of another county)."""
    if not can_manage_activity(user, activity):
        return Person.objects.none()
    return Person.objects.filter(is_active=True).filter(
        Q(org__path__startswith=activity.organiser.path) | Q(pk__in=people_visible_to(user).values("pk")))


def host_candidates(user: AnyUser, node: OrgNode) -> PersonQuerySet:
    """Whom the plan form offers as host: the people the user sees at or under the organiser."""
    return people_visible_to(user).filter(is_active=True, org__path__startswith=node.path)


def get_activity_for_user(user: AnyUser, activity_id: int, *, write: bool = False) -> Activity:
    activity = activities_visible_to(user).filter(pk=activity_id).with_refs().first()
    if activity is None or (write and not can_manage_activity(user, activity)):
        raise Http404("没有找到该教研活动")
    return activity


def get_activity_for_recording(user: AnyUser, activity_id: int) -> Activity:
    """An activity a lesson may be observed in: one the user sees that is not cancelled."""
    activity = get_activity_for_user(user, activity_id)
    if activity.status == "cancelled":
        raise Http404("没有找到该教研活动")
    return activity


def can_read_activity_stats(user: AnyUser, node: OrgNode) -> bool:
    """The counts of activities of a node's subtree: the region roles at that node or above, the
    managers of a school for their school."""
    scope = scope_of(user)
    if node.kind == OrgKind.SCHOOL:
        return scope.is_sysadmin or any(g.node_id == node.pk and g.role in SCHOOL_MANAGER_ROLES
                                        for g in scope.grants) or scope.has_role_over(node.path, REGION_ROLES)
    return scope.has_role_over(node.path, REGION_ROLES)


def can_read_calendar_of(user: AnyUser, node: OrgNode) -> bool:
    """A school's or an institution's calendar: whoever holds a post at that node or above it."""
    return scope_of(user).covers(node.path)

# ---------------------------------------------------------------- subject-group life
# The rules:
# - A group's records (plans, journals, institutions, resources, 包组, leader terms) are read by
#   whoever sees the group (core.access.groups_visible_to): every post at its school, and the
#   region roles over the school (a subject researcher: the groups of his subject).
# - They are written by the group's leader (a 备课组's records also by its 教研组's leader) and
#   by the school's managers (principal, vice principal, middle manager).
# - School-wide records (key subjects, 包组 assignments, leader appointments, mentoring pairs,
#   the school's own institutions) are written by the school's managers; mentoring pairs of a
#   group also by its leader. They are read by the school's posts and the region roles over it;
#   a mentoring pair names two people, so it shows only where one of them is visible.
# - A 联组 is read by the region roles over its region or over one of its member schools, by the
#   posts at its member schools, and by its leader; managed by the admin, institute head and
#   full-time researchers over its region, by its leader and by its lead school's managers.


# Region roles that organise a 联组's work at their region (the others read it).
JOINT_GROUP_MANAGER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)


def can_manage_school_groups(user: AnyUser, school: OrgNode) -> bool:
    """The school's managers: key subjects, 包组, leader appointments, mentoring, institutions."""
    scope = scope_of(user)
    if school.kind != OrgKind.SCHOOL:
        return scope.is_sysadmin
    return scope.has_role_over(school.path, SCHOOL_MANAGER_ROLES)


def sees_all_people_of(user: AnyUser, school: OrgNode) -> bool:
    """Whether a grant covers the school without a subject narrowing it (everyone but a subject
    researcher): such a viewer sees every person of the school, so lists of the school's records
    that name people need no per-person filter."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(
        school.path.startswith(g.path) and (g.role not in RESEARCHER_ROLES or g.subject_id is None)
        for g in scope.grants)


def can_edit_group_records(user: AnyUser, group: TeachingGroup) -> bool:
    """The group's leader (a 备课组's parent leader too) and the school's managers."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if scope.person_id is not None and scope.person_id in (group.leader_id, _parent_leader_id(group)):
        return True
    return scope.has_role_over(group.school.path, SCHOOL_MANAGER_ROLES)


def _parent_leader_id(group: TeachingGroup) -> int | None:
    return group.parent.leader_id if group.parent is not None else None


def group_schools_for(user: AnyUser) -> list[OrgNode]:
    """The schools whose groups' page the user opens first: the schools of their school posts."""
    scope = scope_of(user)
    ids = [g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def group_schools_visible_to(user: AnyUser) -> QuerySet[OrgNode]:
    return schools_visible_to(user)


def get_group_school_for_user(user: AnyUser, code: str, *, write: bool = False) -> OrgNode:
    school = schools_visible_to(user).filter(code=code).first()
    if school is None or (write and not can_manage_school_groups(user, school)):
        raise Http404("没有找到该学校")
    return school


def get_teaching_group_for_user(user: AnyUser, group_id: int, *, write: bool = False) -> TeachingGroup:
    group = groups_visible_to(user).filter(pk=group_id).first()
    if group is None or (write and not can_edit_group_records(user, group)):
        raise Http404("没有找到该教研组")
    return group


def plans_visible_to(user: AnyUser) -> QuerySet[GroupPlan]:
    return GroupPlan.objects.filter(group__in=groups_visible_to(user).values("pk")).select_related("group")


def journals_visible_to(user: AnyUser) -> QuerySet[JournalSubscription]:
    return JournalSubscription.objects.filter(group__in=groups_visible_to(user).values("pk")).select_related("group")


def resources_visible_to(user: AnyUser) -> QuerySet[GroupResource]:
    return GroupResource.objects.filter(group__in=groups_visible_to(user).values("pk")).select_related("group")


def guides_visible_to(user: AnyUser) -> QuerySet[GroupGuide]:
    return GroupGuide.objects.filter(group__in=groups_visible_to(user).values("pk")).select_related("group", "person")


def leader_terms_visible_to(user: AnyUser) -> QuerySet[GroupLeaderTerm]:
    return (GroupLeaderTerm.objects.filter(group__in=groups_visible_to(user).values("pk"))
            .select_related("group", "person"))


def institutions_visible_to(user: AnyUser) -> QuerySet[GroupInstitution]:
    """A group's institutions where the group is visible; a school's own where the school is."""
    return GroupInstitution.objects.filter(
        Q(group__in=groups_visible_to(user).values("pk"))
        | Q(group__isnull=True, school__in=schools_visible_to(user).values("pk"))).select_related("school", "group")


def school_institutions_for(user: AnyUser, school: OrgNode) -> QuerySet[GroupInstitution]:
    """The school's own institutions (no group), for a school the user was given through
    get_group_school_for_user: the same rule as institutions_visible_to, without its subqueries."""
    if not scope_of(user).covers(school.path):
        return GroupInstitution.objects.none()
    return GroupInstitution.objects.filter(school=school, group__isnull=True)


def school_mentor_pairs_for(user: AnyUser, school: OrgNode) -> QuerySet[MentorPair]:
    """The school's mentoring pairs the user sees (mentor_pairs_visible_to for one school): a
    viewer who sees all of the school's people needs no per-person filter."""
    if sees_all_people_of(user, school):
        return MentorPair.objects.filter(school=school).select_related("school", "group", "mentor", "mentee")
    return mentor_pairs_visible_to(user).filter(school=school)


def key_subjects_visible_to(user: AnyUser) -> QuerySet[KeySubject]:
    return KeySubject.objects.filter(school__in=schools_visible_to(user).values("pk")).select_related("school",
                                                                                                     "subject")


def school_key_subjects_for(user: AnyUser, school: OrgNode) -> QuerySet[KeySubject]:
    """The school's key subjects, for a school the user was given through
    get_group_school_for_user or group_schools_for: key_subjects_visible_to for one school,
    without its subquery of the visible schools."""
    if not scope_of(user).covers(school.path):
        return KeySubject.objects.none()
    return KeySubject.objects.filter(school=school).select_related("school", "subject")


def mentor_pairs_visible_to(user: AnyUser) -> QuerySet[MentorPair]:
    scope = scope_of(user)
    qs = MentorPair.objects.select_related("school", "group", "mentor", "mentee")
    if scope.is_sysadmin:
        return qs
    people = people_visible_to(user).values("pk")
    return qs.filter(Q(school__in=schools_visible_to(user).values("pk")),
                     Q(mentor__in=people) | Q(mentee__in=people))


def can_edit_mentor_pair(user: AnyUser, pair: MentorPair) -> bool:
    if can_manage_school_groups(user, pair.school):
        return True
    return pair.group is not None and can_edit_group_records(user, pair.group)


def _get(qs: QuerySet, pk: int, message: str):  # type: ignore[no-untyped-def,type-arg]  # any record type
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(message)
    return found


def get_plan_for_user(user: AnyUser, plan_id: int, *, write: bool = False) -> GroupPlan:
    plan: GroupPlan = _get(plans_visible_to(user), plan_id, "没有找到该计划")
    if write and not can_edit_group_records(user, plan.group):
        raise Http404("没有找到该计划")
    return plan


def get_journal_for_user(user: AnyUser, journal_id: int, *, write: bool = False) -> JournalSubscription:
    journal: JournalSubscription = _get(journals_visible_to(user), journal_id, "没有找到该报刊订阅")
    if write and not can_edit_group_records(user, journal.group):
        raise Http404("没有找到该报刊订阅")
    return journal


def get_resource_for_user(user: AnyUser, resource_id: int, *, write: bool = False) -> GroupResource:
    res: GroupResource = _get(resources_visible_to(user), resource_id, "没有找到该资源")
    if write and not can_edit_group_records(user, res.group):
        raise Http404("没有找到该资源")
    return res


def get_institution_for_user(user: AnyUser, institution_id: int, *, write: bool = False) -> GroupInstitution:
    inst: GroupInstitution = _get(institutions_visible_to(user), institution_id, "没有找到该制度")
    allowed = (can_edit_group_records(user, inst.group) if inst.group is not None
               else can_manage_school_groups(user, inst.school))
    if write and not allowed:
        raise Http404("没有找到该制度")
    return inst


def get_guide_for_user(user: AnyUser, guide_id: int, *, write: bool = False) -> GroupGuide:
    guide: GroupGuide = _get(guides_visible_to(user), guide_id, "没有找到该包组安排")
    if write and not can_manage_school_groups(user, guide.group.school):
        raise Http404("没有找到该包组安排")
    return guide


def get_leader_term_for_user(user: AnyUser, term_id: int, *, write: bool = False) -> GroupLeaderTerm:
    lt: GroupLeaderTerm = _get(leader_terms_visible_to(user), term_id, "没有找到该聘任记录")
    if write and not can_manage_school_groups(user, lt.group.school):
        raise Http404("没有找到该聘任记录")
    return lt


def get_key_subject_for_user(user: AnyUser, key_id: int, *, write: bool = False) -> KeySubject:
    ks: KeySubject = _get(key_subjects_visible_to(user), key_id, "没有找到该重点学科")
    if write and not can_manage_school_groups(user, ks.school):
        raise Http404("没有找到该重点学科")
    return ks


def get_mentor_pair_for_user(user: AnyUser, pair_id: int, *, write: bool = False) -> MentorPair:
    pair: MentorPair = _get(mentor_pairs_visible_to(user), pair_id, "没有找到该师徒结对")
    if write and not can_edit_mentor_pair(user, pair):
        raise Http404("没有找到该师徒结对")
    return pair


def joint_groups_visible_to(user: AnyUser) -> QuerySet[JointGroup]:
    scope = scope_of(user)
    qs = JointGroup.objects.select_related("region", "subject", "lead_school", "leader")
    if scope.is_sysadmin:
        return qs
    members = JointGroup.schools.through.objects
    parts: list[Q] = []
    for g in scope.grants:
        if g.role in REGION_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(region__path__startswith=g.path))
            parts.append(Q(Exists(members.filter(jointgroup_id=OuterRef("pk"), orgnode__path__startswith=g.path))))
        elif g.node_kind == OrgKind.SCHOOL:
            parts.append(Q(Exists(members.filter(jointgroup_id=OuterRef("pk"), orgnode_id=g.node_id))))
    if scope.person_id is not None:
        parts.append(Q(leader_id=scope.person_id))
    if not parts:
        return qs.none()
    q = parts[0]
    for part in parts[1:]:
        q |= part
    return qs.filter(q)


def can_manage_joint_group(user: AnyUser, jg: JointGroup) -> bool:
    scope = scope_of(user)
    if scope.is_sysadmin or (scope.person_id is not None and scope.person_id == jg.leader_id):
        return True
    if jg.lead_school is not None and scope.has_role_over(jg.lead_school.path, SCHOOL_MANAGER_ROLES):
        return True
    return scope.has_role_over(jg.region.path, JOINT_GROUP_MANAGER_ROLES)


def joint_group_regions(user: AnyUser) -> list[OrgNode]:
    """The regions under which the user may set up a 联组: their own region posts that manage
    (admin, institute head, full-time researcher), and the region of a school they manage (a
    lead school sets up its 片区's 联组)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.exclude(kind=OrgKind.SCHOOL).order_by("depth", "path")[:200])
    ids = {g.node_id for g in scope.grants if g.role in JOINT_GROUP_MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL}
    school_ids = [g.node_id for g in scope.grants if g.role in SCHOOL_MANAGER_ROLES and g.node_kind == OrgKind.SCHOOL]
    ids.update(OrgNode.objects.filter(pk__in=school_ids).values_list("parent_id", flat=True))
    return list(OrgNode.objects.filter(pk__in=ids).order_by("depth", "path"))


def get_joint_group_for_user(user: AnyUser, jg_id: int, *, write: bool = False) -> JointGroup:
    jg: JointGroup = _get(joint_groups_visible_to(user), jg_id, "没有找到该联组")
    if write and not can_manage_joint_group(user, jg):
        raise Http404("没有找到该联组")
    return jg


# ---------------------------------------------------------------- collective preparation
# A session is read by whoever sees its group (core.access.groups_visible_to: the school's staff,
# the researchers over it, narrowed by subject) and by its members. The lead preparer drafts;
# members comment, derive their personal version and reflect; the lead and the group leader
# write the shared plan, the group leader signs it off; the school's managers (principal, vice
# principal, middle manager) and the leader of the parent 教研组 check and evaluate. A session is
# opened by the group's leader, the parent 教研组's leader or a school manager.


def prep_sessions_visible_to(user: AnyUser) -> QuerySet[PrepSession]:
    scope = scope_of(user)
    qs = PrepSession.objects.select_related("school", "group", "group__parent", "term", "lead")
    if scope.is_sysadmin:
        return qs
    q = groups_q(user, "group__")
    if scope.person_id is not None:
        q |= Q(Exists(PrepMember.objects.filter(session_id=OuterRef("pk"), person_id=scope.person_id)))
    return qs.filter(q)


def _is_school_manager(user: AnyUser, school: OrgNode) -> bool:
    return scope_of(user).has_role_over(school.path, SCHOOL_MANAGER_ROLES)


def is_group_leader(user: AnyUser, group: TeachingGroup) -> bool:
    pid = scope_of(user).person_id
    return pid is not None and (group.leader_id == pid or (group.parent is not None and group.parent.leader_id == pid))


def can_open_session(user: AnyUser, group: TeachingGroup) -> bool:
    return scope_of(user).is_sysadmin or is_group_leader(user, group) or _is_school_manager(user, group.school)


def is_session_member(user: AnyUser, session: PrepSession) -> bool:
    pid = scope_of(user).person_id
    return pid is not None and (session.lead_id == pid or session.members.filter(person_id=pid).exists())


def can_write_shared(user: AnyUser, session: PrepSession) -> bool:
    pid = scope_of(user).person_id
    return scope_of(user).is_sysadmin or session.lead_id == pid or is_group_leader(user, session.group)


def can_sign_off(user: AnyUser, session: PrepSession) -> bool:
    return scope_of(user).is_sysadmin or is_group_leader(user, session.group)


def can_check_session(user: AnyUser, session: PrepSession) -> bool:
    group = session.group
    parent_leader = group.parent is not None and group.parent.leader_id == scope_of(user).person_id
    return scope_of(user).is_sysadmin or _is_school_manager(user, session.school) or parent_leader \
        or (group.parent is None and is_group_leader(user, group))


def can_take_part(user: AnyUser, session: PrepSession) -> bool:
    return (scope_of(user).is_sysadmin or is_session_member(user, session) or can_write_shared(user, session)
            or can_check_session(user, session))


def get_prep_session_for_user(user: AnyUser, session_id: int, *, write: bool = False) -> PrepSession:
    """`write`: the user takes part in the session in some capacity (member, leader, checker)."""
    session = prep_sessions_visible_to(user).filter(pk=session_id).first()
    if session is None or (write and not can_take_part(user, session)):
        raise Http404("没有找到该集体备课")
    return session


def _may_open_sessions(user: AnyUser) -> bool:
    """What can_open_session needs of the user for some group, without reading groups: the system
    admin, a school-manager post, or a group led. (The collective-preparation list asks whether to
    offer "new session"; for a province's institute head it sorted 63,000 groups to find none.)"""
    scope = scope_of(user)
    if scope.is_sysadmin or any(g.role in SCHOOL_MANAGER_ROLES for g in scope.grants):
        return True
    return scope.person_id is not None and TeachingGroup.objects.filter(leader_id=scope.person_id).exists()


def prep_groups_for(user: AnyUser) -> list[TeachingGroup]:
    """The groups in which the user may open a session (for the new-session form)."""
    if not _may_open_sessions(user):
        return []
    return [g for g in groups_visible_to(user).order_by("-term_key", "school__path", "kind", "name")[:300]
            if can_open_session(user, g)]


# ---------------------------------------------------------------- homeroom meetings
# A class's meetings are read by whoever's posts cover its school (the school's staff, the
# researchers and viewers over it). They are recorded by the class's homeroom teacher and by the
# school's managers.


def homeroom_meetings_visible_to(user: AnyUser) -> QuerySet[HomeroomMeeting]:
    scope = scope_of(user)
    qs = HomeroomMeeting.objects.select_related("school", "homeroom", "homeroom__person")
    if scope.is_sysadmin:
        return qs
    return qs.filter(under_q(scope.paths, "school__path"))


def homeroom_posts_visible_to(user: AnyUser) -> PostQuerySet:
    """Classes (homeroom posts at schools) the user sees."""
    scope = scope_of(user)
    qs = Post.objects.filter(role=Role.HOMEROOM, org__kind=OrgKind.SCHOOL).select_related("person", "org")
    if scope.is_sysadmin:
        return qs
    return qs.filter(under_q(scope.paths, "org__path"))


def can_record_homeroom(user: AnyUser, post: Post) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or post.person_id == scope.person_id or _is_school_manager(user, post.org)


def get_homeroom_for_user(user: AnyUser, post_id: int, *, write: bool = False) -> Post:
    post = homeroom_posts_visible_to(user).filter(pk=post_id).first()
    if post is None or (write and not can_record_homeroom(user, post)):
        raise Http404("没有找到该班级")
    return post


def get_homeroom_meeting_for_user(user: AnyUser, meeting_id: int, *, write: bool = False) -> HomeroomMeeting:
    meeting = homeroom_meetings_visible_to(user).filter(pk=meeting_id).first()
    if meeting is None or (write and not can_record_homeroom(user, meeting.homeroom)):
        raise Http404("没有找到该会议记录")
    return meeting


# ---------------------------------------------------------------- 送教 orders
# An order is read by whoever's posts cover the ordering school or township, and by the teacher
# matched to it. A school's managers post orders for their school; a region's admin, institute
# head and full-time researchers post for a township (or any region node) and organise: run the
# matching, edit it, accept, mark delivered, cancel. After delivery the ordering side (who may
# post for it) and the matched teacher each rate once.
ORDER_ORGANISER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)


def orders_visible_to(user: AnyUser) -> QuerySet[SongjiaoOrder]:
    scope = scope_of(user)
    qs = SongjiaoOrder.objects.select_related("org", "subject", "term", "match", "match__teacher", "activity")
    if scope.is_sysadmin:
        return qs
    q = under_q(scope.paths, "org__path")
    if scope.person_id is not None:
        q |= Q(match__teacher_id=scope.person_id)
    return qs.filter(q)


def can_post_order(user: AnyUser, org: OrgNode) -> bool:
    scope = scope_of(user)
    if org.kind == OrgKind.SCHOOL:
        return scope.has_role_over(org.path, SCHOOL_MANAGER_ROLES + ORDER_ORGANISER_ROLES)
    return scope.has_role_over(org.path, ORDER_ORGANISER_ROLES)


def order_orgs_for(user: AnyUser) -> list[OrgNode]:
    """Nodes the user may post orders for: own schools (managers), townships and schools under a
    region organiser's node."""
    scope = scope_of(user)
    nodes = nodes_visible_to(user).filter(kind__in=(OrgKind.SCHOOL, OrgKind.TOWNSHIP)).order_by("path")[:500]
    return [n for n in nodes if scope.is_sysadmin or can_post_order(user, n)]


def can_organise_orders(user: AnyUser, node: OrgNode) -> bool:
    return node.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(node.path, ORDER_ORGANISER_ROLES)


def can_organise_order(user: AnyUser, order: SongjiaoOrder) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in ORDER_ORGANISER_ROLES and g.node_kind != OrgKind.SCHOOL
                                    and order.org.path.startswith(g.path) for g in scope.grants)


def organiser_regions(user: AnyUser) -> list[OrgNode]:
    """Regions whose orders the user may match."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        regions = OrgNode.objects.filter(kind__in=(OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))
        return list(regions.order_by("path")[:300])
    ids = [g.node_id for g in scope.grants if g.role in ORDER_ORGANISER_ROLES and g.node_kind != OrgKind.SCHOOL]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def rating_side_for(user: AnyUser, order: SongjiaoOrder) -> str | None:
    """Which side the user rates for ("school" or "teacher"), None if neither: the matched
    teacher; for the ordering side, a school's managers (a township's organisers)."""
    scope = scope_of(user)
    match = getattr(order, "match", None)
    if match is not None and match.teacher_id == scope.person_id:
        return "teacher"
    roles = SCHOOL_MANAGER_ROLES if order.org.kind == OrgKind.SCHOOL else ORDER_ORGANISER_ROLES
    if scope.has_role_over(order.org.path, roles):
        return "school"
    return None


def get_order_for_user(user: AnyUser, order_id: int, *, write: bool = False) -> SongjiaoOrder:
    """`write`: the user organises the order."""
    order = orders_visible_to(user).filter(pk=order_id).first()
    if order is None or (write and not can_organise_order(user, order)):
        raise Http404("没有找到该送教订单")
    return order


def get_order_teacher_for_user(user: AnyUser, order: SongjiaoOrder, code: str) -> Person | None:
    """The teacher an organiser names for an order, by staff code: any active person under a
    region the organiser runs (a subject researcher organises orders of every subject, so his
    subject does not narrow the teachers here). None when there is no such person."""
    scope = scope_of(user)
    if not can_organise_order(user, order):
        raise Http404("没有找到该送教订单")
    person = Person.objects.filter(code=code, is_active=True).select_related("org").first()
    if person is None:
        return None
    if scope.is_sysadmin or any(g.role in ORDER_ORGANISER_ROLES and g.node_kind != OrgKind.SCHOOL
                                and person.org.path.startswith(g.path) for g in scope.grants):
        return person
    return None
