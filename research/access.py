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

from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Scope, people_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, Person, PersonQuerySet, Role
from research.models import Activity, ActivityQuerySet, JointGroup, Participant

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

# ---------------------------------------------------------------- collective preparation

# ---------------------------------------------------------------- homeroom meetings

# ---------------------------------------------------------------- 送教 orders
