"""Who may see and do what with fixed school links (定点联系).

Built only from core.access primitives (scope_of, grants). The rules:

- A round is visible to the region roles at its institution, above it, or below it (a county's
  staff see their city's round: its schools are linked, its counties nominate); to the people
  linked in it (and the researchers leading their teams); to the managers of a school nominated
  or linked in it.
- A round is organised (edited, its nominations decided, its links proposed, edited and
  accepted, its exchange meetings recorded, its optimiser run) by the admin and institute head at
  its institution or above.
- A link is visible to the region roles at or above the round's institution, to the region roles
  over the linked school, to the linked person and the researcher leading their team, and to the
  managers of the linked school. Its on-site days, tasks and guidance plans are written by the
  linked person, their team's researcher and the organisers; its plan is agreed by the school's
  principal or vice principal.
- A nomination is made by the admin or institute head of a region under the institution (a
  county for its schools) or by a nominated school's principal or vice principal, and is visible
  with the round to those who may make it and to the organisers.
- A responsibility zone is visible to the region roles over its region and to the managers of
  its kindergartens; edited by the admin and institute head over its region.

Every single object is fetched through a `get_*_for_user` function that raises Http404 both for
"missing" and for "not yours".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Scope, schools_visible_to, scope_of
from core.models import REGION_ROLES, RESEARCHER_ROLES, OrgKind, OrgNode, OrgNodeQuerySet, Role
from core.paths import ancestor_paths
from liaison.models import (
    ExchangeMeeting,
    GuidancePlan,
    Link,
    LinkQuerySet,
    Nomination,
    OnsiteDay,
    ResponsibilityZone,
    Round,
    RoundQuerySet,
)

ORGANISER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)
PLAN_AGREE_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
NOMINATOR_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)


def _any(parts: list[Q]) -> Q:
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _region_grants(scope: Scope) -> list[str]:
    return [g.path for g in scope.grants if g.role in REGION_ROLES and g.node_kind != OrgKind.SCHOOL]


def _manager_school_ids(scope: Scope, roles: tuple[str, ...] = SCHOOL_MANAGER_ROLES) -> list[int]:
    return [g.node_id for g in scope.grants if g.role in roles and g.node_kind == OrgKind.SCHOOL]


def _round_q(scope: Scope) -> Q:
    parts: list[Q] = []
    for path in _region_grants(scope):
        parts.append(Q(institution__path__startswith=path) | Q(institution__path__in=ancestor_paths(path)))
    school_ids = _manager_school_ids(scope)
    if school_ids:
        parts.append(Q(Exists(Link.objects.filter(round=OuterRef("pk"), school_id__in=school_ids))))
        parts.append(Q(Exists(Nomination.objects.filter(round=OuterRef("pk"), school_id__in=school_ids))))
    if scope.person_id is not None:
        mine = Link.objects.filter(Q(person_id=scope.person_id) | Q(leader_id=scope.person_id), round=OuterRef("pk"))
        parts.append(Q(Exists(mine)))
    return _any(parts)


def rounds_visible_to(user: AnyUser) -> RoundQuerySet:
    scope = scope_of(user)
    qs = Round.objects.select_related("institution")
    if scope.is_sysadmin:
        return qs
    return qs.filter(_round_q(scope))


def _link_q(scope: Scope, prefix: str = "") -> Q:
    parts: list[Q] = []
    for path in _region_grants(scope):
        parts.append(Q(**{f"{prefix}round__institution__path__startswith": path})
                     | Q(**{f"{prefix}school__path__startswith": path}))
    school_ids = _manager_school_ids(scope)
    if school_ids:
        parts.append(Q(**{f"{prefix}school_id__in": school_ids}))
    if scope.person_id is not None:
        parts.append(Q(**{f"{prefix}person_id": scope.person_id}) | Q(**{f"{prefix}leader_id": scope.person_id}))
    return _any(parts)


def links_visible_to(user: AnyUser) -> LinkQuerySet:
    scope = scope_of(user)
    qs = Link.objects.with_refs()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_link_q(scope))


def onsite_days_visible_to(user: AnyUser) -> QuerySet[OnsiteDay]:
    scope = scope_of(user)
    qs = OnsiteDay.objects.select_related("link", "link__person", "link__school")
    if scope.is_sysadmin:
        return qs
    return qs.filter(_link_q(scope, "link__"))


def guidance_visible_to(user: AnyUser) -> QuerySet[GuidancePlan]:
    """Guidance plans of visible links, and one's own plan as the teacher guided."""
    scope = scope_of(user)
    qs = GuidancePlan.objects.select_related("link", "teacher", "link__school", "link__person")
    if scope.is_sysadmin:
        return qs
    q = _link_q(scope, "link__")
    if scope.person_id is not None:
        q |= Q(teacher_id=scope.person_id)
    return qs.filter(q)


def sees_coverage(user: AnyUser) -> bool:
    """The coverage of weak and rural schools is a region's view: region roles and the system admin."""
    scope = scope_of(user)
    return scope.is_sysadmin or bool(_region_grants(scope))


def can_organise_round(user: AnyUser, round_: Round) -> bool:
    return scope_of(user).has_role_over(round_.institution.path, ORGANISER_ROLES)


def can_organise_at(user: AnyUser, node: OrgNode) -> bool:
    """Whether `user` may create a round organised by this region's institution."""
    return node.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(node.path, ORGANISER_ROLES)


def organiser_nodes(user: AnyUser, *, limit: int = 200) -> list[OrgNode]:
    """The regions whose rounds the user may organise: the province, city and county nodes at or
    under their organiser posts, the highest first."""
    scope = scope_of(user)
    qs = OrgNode.objects.filter(kind__in=(OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY))
    if not scope.is_sysadmin:
        paths = [g.path for g in scope.grants if g.role in ORGANISER_ROLES and g.node_kind != OrgKind.SCHOOL]
        qs = qs.filter(_any([Q(path__startswith=p) for p in paths]))
    return list(qs.order_by("depth", "path")[:limit])


def can_nominate(user: AnyUser, round_: Round, school: OrgNode) -> bool:
    """Counties nominate their schools; a school nominates itself; organisers add any school."""
    scope = scope_of(user)
    if not school.path.startswith(round_.institution.path) or school.kind != OrgKind.SCHOOL:
        return False
    if can_organise_round(user, round_) or scope.has_role_over(school.path, NOMINATOR_ROLES):
        return True
    return school.pk in _manager_school_ids(scope, PLAN_AGREE_ROLES)


def nominable_schools(user: AnyUser, round_: Round) -> OrgNodeQuerySet:
    """The schools the user may nominate for the round (under its institution)."""
    scope = scope_of(user)
    qs = schools_visible_to(user).under(round_.institution.path)
    if scope.is_sysadmin or can_organise_round(user, round_):
        return qs
    paths = [g.path for g in scope.grants if g.role in NOMINATOR_ROLES and g.node_kind != OrgKind.SCHOOL]
    q = _any([Q(path__startswith=p) for p in paths]) | Q(pk__in=_manager_school_ids(scope, PLAN_AGREE_ROLES))
    return qs.filter(q)


def nominations_visible_to(user: AnyUser, round_: Round) -> QuerySet[Nomination]:
    """A round's nominations: all for its organisers and the region roles at or above it; the
    ones in their subtree for the region roles below; a school's own for its managers."""
    scope = scope_of(user)
    qs = Nomination.objects.filter(round=round_).select_related("school", "nominated_by").prefetch_related(
        "needs__subject")
    if scope.is_sysadmin:
        return qs
    regions = _region_grants(scope)
    if any(round_.institution.path.startswith(p) for p in regions):
        return qs
    parts = [Q(school__path__startswith=p) for p in regions]
    ids = _manager_school_ids(scope)
    if ids:
        parts.append(Q(school_id__in=ids))
    return qs.filter(_any(parts))


def can_choose_school(user: AnyUser, round_: Round) -> bool:
    """A researcher of the round's institution may choose a nominated school for themselves
    (教研员确定联系学校, 七(一)3); the organisers then accept or edit the choice."""
    scope = scope_of(user)
    return scope.person_id is not None and any(
        g.role in RESEARCHER_ROLES and g.node_id == round_.institution_id for g in scope.grants)


def can_log_link(user: AnyUser, link: Link) -> bool:
    """On-site days, the nine tasks, guidance plans and the plan draft: the linked person, the
    team's researcher, the organisers."""
    scope = scope_of(user)
    if scope.person_id is not None and scope.person_id in (link.person_id, link.leader_id):
        return True
    return can_organise_round(user, link.round)


def can_agree_plan(user: AnyUser, link: Link) -> bool:
    return scope_of(user).has_role_over(link.school.path, PLAN_AGREE_ROLES) and link.school.kind == OrgKind.SCHOOL


def zones_visible_to(user: AnyUser) -> QuerySet[ResponsibilityZone]:
    scope = scope_of(user)
    qs = ResponsibilityZone.objects.select_related("region", "lead", "coordinator")
    if scope.is_sysadmin:
        return qs
    parts = [Q(region__path__startswith=p) for p in _region_grants(scope)]
    ids = _manager_school_ids(scope)
    if ids:
        parts.append(Q(lead_id__in=ids) | Q(Exists(ResponsibilityZone.members.through.objects.filter(
            responsibilityzone_id=OuterRef("pk"), orgnode_id__in=ids))))
    return qs.filter(_any(parts))


def kindergartens_visible_to(user: AnyUser, regions: list[OrgNode]) -> OrgNodeQuerySet:
    """The kindergartens under these regions that the user sees (a zone's lead and members)."""
    return (schools_visible_to(user).filter(school_type="kindergarten")
            .filter(_any([Q(path__startswith=r.path) for r in regions])).order_by("path"))


def can_edit_zone(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, ORGANISER_ROLES)


# ---------------------------------------------------------------- single objects


def get_round_for_user(user: AnyUser, round_id: int, *, write: bool = False) -> Round:
    """A visible round; with `write`, one the user organises."""
    round_ = rounds_visible_to(user).filter(pk=round_id).first()
    if round_ is None or (write and not can_organise_round(user, round_)):
        raise Http404("没有找到该定点联系轮次")
    return round_


def get_link_for_user(user: AnyUser, link_id: int, *, write: bool = False) -> Link:
    """A visible link; with `write`, one the user may log work on (can_log_link)."""
    link = links_visible_to(user).filter(pk=link_id).first()
    if link is None or (write and not can_log_link(user, link)):
        raise Http404("没有找到该定点联系")
    return link


def get_nomination_for_user(user: AnyUser, nomination_id: int, *, write: bool = False) -> Nomination:
    nomination = Nomination.objects.filter(pk=nomination_id).select_related("round", "round__institution",
                                                                           "school").first()
    if nomination is None or not rounds_visible_to(user).filter(pk=nomination.round_id).exists() \
            or not nominations_visible_to(user, nomination.round).filter(pk=nomination.pk).exists():
        raise Http404("没有找到该申报")
    if write and not can_nominate(user, nomination.round, nomination.school):
        raise Http404("没有找到该申报")
    return nomination


def get_meeting_for_user(user: AnyUser, meeting_id: int, *, write: bool = False) -> ExchangeMeeting:
    meeting = ExchangeMeeting.objects.filter(pk=meeting_id, round__in=rounds_visible_to(user)).select_related(
        "round", "round__institution", "term").first()
    if meeting is None or (write and not can_organise_round(user, meeting.round)):
        raise Http404("没有找到该交流会")
    return meeting


def get_zone_for_user(user: AnyUser, zone_id: int, *, write: bool = False) -> ResponsibilityZone:
    zone = zones_visible_to(user).filter(pk=zone_id).first()
    if zone is None or (write and not can_edit_zone(user, zone.region)):
        raise Http404("没有找到该责任区")
    return zone


def get_guidance_for_user(user: AnyUser, plan_id: int, *, write: bool = False) -> GuidancePlan:
    plan = guidance_visible_to(user).filter(pk=plan_id).select_related("link__round", "link__round__institution").first()
    if plan is None or (write and not can_log_link(user, plan.link)):
        raise Http404("没有找到该指导方案")
    return plan
