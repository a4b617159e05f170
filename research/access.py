"""Who may see and do what in the research app. Built only from core.access primitives
(scope_of, grants, people_visible_to), one section per area; every single object is fetched
through a `get_*_for_user` function that raises Http404 both for "missing" and for "not yours".

The rules are written at the head of each section.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, groups_visible_to, nodes_visible_to, scope_of
from core.models import OrgKind, OrgNode, Person, Post, PostQuerySet, Role, TeachingGroup
from core.paths import under_q
from research.models.homeroom import HomeroomMeeting
from research.models.orders import SongjiaoOrder
from research.models.prep import PrepMember, PrepSession

# ---------------------------------------------------------------- activities

# ---------------------------------------------------------------- subject-group life

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
    q = Q(group__in=groups_visible_to(user).values("pk"))
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


def prep_groups_for(user: AnyUser) -> list[TeachingGroup]:
    """The groups in which the user may open a session (for the new-session form)."""
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
