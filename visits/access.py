"""Who may see and do what with visits, their records, findings and reports.

Built only from core.access primitives (scope_of, grants). The rules:

- A visit is visible to its team members; to the region roles (admin, institute head,
  researchers, bureau viewer) at the organiser's node or above it; to the managers (principal,
  vice principal, middle manager) of a school it visits, for the schedule and agenda of their
  school; for a school's own check (category SCHOOL_CHECK), to the school's managers and group
  leaders.
- A visit is managed (edited, scheduled, its findings verified, its report issued) by its lead,
  and by the admin, institute head and full-time researchers at the organiser's node or above;
  a school's own check by the school's principal and vice principal (and its lead).
- Records made on site (check records, notes, attachments) are written by team members.
- A finding is visible to whoever sees its visit's results: the organiser's side (as above,
  team included); the region roles over the school (a county's researchers follow up on what a
  city visit found in their schools); the school's managers when the kind publishes results to
  the school (or the finding came from the school's own work); the teacher it concerns; its
  owner; the leader of the group it concerns or that owns it.

Every single object is fetched through a `get_*_for_user` function that raises Http404 both for
"missing" and for "not yours".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Scope, people_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, Person, Role
from visits.models import (
    UNRESOLVED_STATUSES,
    Finding,
    FindingQuerySet,
    FollowUpPlan,
    Visit,
    VisitCategory,
    VisitMember,
    VisitQuerySet,
    VisitReport,
    VisitSchool,
    VisitStatus,
    Walkthrough,
)

# Region roles that read the visits organised at or below their node.
VISIT_READER_ROLES = REGION_ROLES
# Region roles that organise and manage visits at their node (part-time researchers take part
# in teams but do not organise).
VISIT_ORGANISER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)
# Bureau routine checks are organised by the region's admin (the bureau's office), or its head.
CHECK_ORGANISER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)
# A school's own check is organised by its principal and vice principal.
SCHOOL_CHECK_ORGANISER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
# School roles that see a school's own checks (the team of group leaders included).
SCHOOL_CHECK_READER_ROLES = (*SCHOOL_MANAGER_ROLES, Role.GROUP_LEADER)


def _any(parts: list[Q]) -> Q:
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _visit_q(scope: Scope) -> Q:
    parts: list[Q] = []
    for g in scope.grants:
        if g.role in VISIT_READER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(organiser__path__startswith=g.path))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES:
            parts.append(Q(Exists(VisitSchool.objects.filter(visit=OuterRef("pk"), school_id=g.node_id))))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_CHECK_READER_ROLES:
            parts.append(Q(category=VisitCategory.SCHOOL_CHECK, organiser_id=g.node_id))
    if scope.person_id is not None:
        parts.append(Q(Exists(VisitMember.objects.filter(visit=OuterRef("pk"), person_id=scope.person_id))))
        parts.append(Q(lead_id=scope.person_id))
    return _any(parts)


def visits_visible_to(user: AnyUser) -> VisitQuerySet:
    scope = scope_of(user)
    qs = Visit.objects.all()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_visit_q(scope))


def can_organise_at(user: AnyUser, node: OrgNode, category: str = VisitCategory.INSPECTION) -> bool:
    """Whether `user` may create a visit of `category` organised by `node`."""
    scope = scope_of(user)
    if category == VisitCategory.SCHOOL_CHECK:
        return node.kind == OrgKind.SCHOOL and scope.has_role_over(node.path, SCHOOL_CHECK_ORGANISER_ROLES)
    if node.kind == OrgKind.SCHOOL:
        return False
    roles = CHECK_ORGANISER_ROLES if category == VisitCategory.BUREAU_CHECK else VISIT_ORGANISER_ROLES
    return scope.has_role_over(node.path, roles)


def organiser_nodes(user: AnyUser, category: str = VisitCategory.INSPECTION) -> list[OrgNode]:
    """The nodes the user may organise visits of `category` for: their own posts' nodes."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        kinds = [OrgKind.SCHOOL] if category == VisitCategory.SCHOOL_CHECK else \
            [OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY]
        return list(OrgNode.objects.filter(kind__in=kinds).order_by("depth", "path")[:200])
    ids = [g.node_id for g in scope.grants]
    nodes = OrgNode.objects.filter(pk__in=ids).order_by("depth", "path")
    return [n for n in nodes if can_organise_at(user, n, category)]


def is_team_member(user: AnyUser, visit: Visit) -> bool:
    scope = scope_of(user)
    if scope.person_id is None:
        return False
    return visit.lead_id == scope.person_id or visit.members.filter(person_id=scope.person_id).exists()


def can_manage_visit(user: AnyUser, visit: Visit) -> bool:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if scope.person_id is not None and visit.lead_id == scope.person_id:
        return True
    return can_organise_at(user, visit.organiser, visit.category)


def followable_visits(user: AnyUser, *, limit: int = 100) -> list[tuple[Visit, int]]:
    """Earlier visits the user manages that still have unresolved findings: what a follow-up
    visit (复查) may re-check, newest first, each with the number of its unresolved findings."""
    candidates = (visits_visible_to(user).exclude(status=VisitStatus.CANCELLED)
                  .annotate(n_open=Count("findings", filter=Q(findings__status__in=UNRESOLVED_STATUSES)))
                  .filter(n_open__gt=0).select_related("organiser").order_by("-start", "-id")[:limit * 2])
    return [(v, int(v.n_open)) for v in candidates  # type: ignore[attr-defined]  # the annotation above
            if can_manage_visit(user, v)][:limit]


def can_record_on_site(user: AnyUser, visit: Visit) -> bool:
    """Team members (and managers) write check records, notes, photos and findings."""
    return can_manage_visit(user, visit) or is_team_member(user, visit)


def findings_visible_to(user: AnyUser) -> FindingQuerySet:
    from visits.rules import published_to_school_q

    scope = scope_of(user)
    qs = Finding.objects.all()
    if scope.is_sysadmin:
        return qs
    # The organiser's side and the team see every finding of their visits.
    parts: list[Q] = [Q(visit__in=Visit.objects.filter(_organiser_side_q(scope)))]
    for g in scope.grants:
        if g.role in VISIT_READER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(school__path__startswith=g.path))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES:
            parts.append(Q(school_id=g.node_id, visit__isnull=True))
            parts.append(Q(school_id=g.node_id, visit__category=VisitCategory.SCHOOL_CHECK))
            parts.append(Q(school_id=g.node_id) & published_to_school_q())
    if scope.person_id is not None:
        parts.append(Q(teacher_id=scope.person_id) | Q(owner_person_id=scope.person_id)
                     | Q(group__leader_id=scope.person_id) | Q(owner_group__leader_id=scope.person_id))
    return qs.filter(_any(parts))


def _organiser_side_q(scope: Scope) -> Q:
    """Visits the user sees as organiser or team member (not only as a host school)."""
    parts: list[Q] = []
    for g in scope.grants:
        if g.role in VISIT_READER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(organiser__path__startswith=g.path))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_CHECK_READER_ROLES:
            parts.append(Q(category=VisitCategory.SCHOOL_CHECK, organiser_id=g.node_id))
    if scope.person_id is not None:
        parts.append(Q(Exists(VisitMember.objects.filter(visit=OuterRef("pk"), person_id=scope.person_id))))
        parts.append(Q(lead_id=scope.person_id))
    return _any(parts)


def reports_visible_to(user: AnyUser) -> QuerySet[VisitReport]:
    """Drafts to the organiser's side; issued reports also to the managers of the school they
    concern (or of every visited school, for a visit-wide report) when the kind publishes."""
    from visits.rules import published_to_school_q

    scope = scope_of(user)
    qs = VisitReport.objects.all()
    if scope.is_sysadmin:
        return qs
    parts: list[Q] = [Q(visit__in=Visit.objects.filter(_organiser_side_q(scope)))]
    for g in scope.grants:
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES:
            hosted = Q(school_id=g.node_id) | Q(
                school__isnull=True, visit__in=VisitSchool.objects.filter(school_id=g.node_id).values("visit_id"))
            parts.append(hosted & Q(status="issued") & Q(visit__in=Visit.objects.filter(
                published_to_school_q(prefix=""))))
    return qs.filter(_any(parts))


# ---------------------------------------------------------------- single objects


def get_visit_for_user(user: AnyUser, visit_id: int, *, write: bool = False) -> Visit:
    visit = visits_visible_to(user).filter(pk=visit_id).select_related("organiser", "term", "lead").first()
    if visit is None or (write and not can_manage_visit(user, visit)):
        raise Http404("没有找到该视导")
    return visit


def get_visit_for_recording(user: AnyUser, visit_id: int) -> Visit:
    """A visit the user may add on-site records to (a team member or a manager)."""
    visit = get_visit_for_user(user, visit_id)
    if not can_record_on_site(user, visit):
        raise Http404("没有找到该视导")
    return visit


def get_finding_for_user(user: AnyUser, finding_id: int) -> Finding:
    finding = findings_visible_to(user).filter(pk=finding_id).with_refs().first()
    if finding is None:
        raise Http404("没有找到该问题")
    return finding


def get_report_for_user(user: AnyUser, report_id: int, *, write: bool = False) -> VisitReport:
    report = reports_visible_to(user).filter(pk=report_id).select_related("visit", "school").first()
    if report is None or (write and not can_manage_visit(user, report.visit)):
        raise Http404("没有找到该报告")
    return report


# ---- findings and rectification (vfind)

# Region roles that verify and follow up visitless findings (a walkthrough's, an observation's)
# over the schools below them; a bureau viewer reads but does not verify.
FINDING_VERIFIER_ROLES = VISIT_ORGANISER_ROLES
# School roles that answer for a finding whatever its owner, and set its measure.
FINDING_SCHOOL_ROLES = SCHOOL_MANAGER_ROLES
# Who may open a follow-up plan for a teacher of a school: the region organisers over it and the
# school's principal and vice principal.
PLAN_SCHOOL_ROLES = SCHOOL_CHECK_ORGANISER_ROLES


def _region_role_over(scope: Scope, path: str, roles: tuple[str, ...]) -> bool:
    return scope.is_sysadmin or any(g.role in roles and g.node_kind != OrgKind.SCHOOL and path.startswith(g.path)
                                    for g in scope.grants)


def _school_role(scope: Scope, school_id: int, roles: tuple[str, ...]) -> bool:
    return any(g.role in roles and g.node_id == school_id for g in scope.grants)


def can_record_finding_at(user: AnyUser, school: OrgNode) -> bool:
    """A visitless finding (from a walkthrough or an observation) is written by the school's
    managers or the region organisers over it."""
    scope = scope_of(user)
    return (scope.is_sysadmin or _school_role(scope, school.pk, FINDING_SCHOOL_ROLES)
            or _region_role_over(scope, school.path, FINDING_VERIFIER_ROLES))


def can_verify_finding(user: AnyUser, finding: Finding) -> bool:
    """The organiser's side accepts or reopens: whoever manages the finding's visit, or for a
    visitless finding the region organisers over its school."""
    if finding.visit_id is not None:
        assert finding.visit is not None
        return can_manage_visit(user, finding.visit)
    return _region_role_over(scope_of(user), finding.school.path, FINDING_VERIFIER_ROLES)


def can_answer_finding(user: AnyUser, finding: Finding) -> bool:
    """The owner answers (the person, the leader of the owning group), or any of the school's
    managers for the school."""
    scope = scope_of(user)
    if scope.is_sysadmin or _school_role(scope, finding.school_id, FINDING_SCHOOL_ROLES):
        return True
    if scope.person_id is None:
        return False
    if finding.owner_kind == "person" and finding.owner_person_id == scope.person_id:
        return True
    return (finding.owner_kind == "group" and finding.owner_group is not None
            and finding.owner_group.leader_id == scope.person_id)


def answerable_findings_q(user: AnyUser) -> Q:
    """`can_answer_finding` as a filter on findings (the workbench counts them in the database)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return Q()
    parts = [Q(school_id__in=sorted({g.node_id for g in scope.grants if g.role in FINDING_SCHOOL_ROLES}))]
    if scope.person_id is not None:
        parts.append(Q(owner_kind="person", owner_person_id=scope.person_id))
        parts.append(Q(owner_kind="group", owner_group__leader_id=scope.person_id))
    return _any(parts)


def verifiable_findings_q(user: AnyUser) -> Q:
    """`can_verify_finding` as a filter on findings: those of a visit the user manages (its lead,
    or `can_organise_at` its organiser for its category), and visitless ones at a school under
    the user's region organiser posts."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return Q()
    parts: list[Q] = []
    if scope.person_id is not None:
        parts.append(Q(visit__lead_id=scope.person_id))
    for g in scope.grants:
        if g.role in SCHOOL_CHECK_ORGANISER_ROLES:
            parts.append(Q(visit__category=VisitCategory.SCHOOL_CHECK, visit__organiser__kind=OrgKind.SCHOOL,
                           visit__organiser__path__startswith=g.path))
        if g.role in VISIT_ORGANISER_ROLES:
            # A region's visits: inspections, and bureau checks for the check organisers.
            categories = ([VisitCategory.INSPECTION, VisitCategory.BUREAU_CHECK] if g.role in CHECK_ORGANISER_ROLES
                          else [VisitCategory.INSPECTION])
            parts.append(Q(visit__category__in=categories, visit__organiser__path__startswith=g.path,
                           visit__organiser__kind__in=[k for k in OrgKind.values if k != OrgKind.SCHOOL]))
        if g.role in FINDING_VERIFIER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(visit__isnull=True, school__path__startswith=g.path))
    return _any(parts)


def can_set_measure(user: AnyUser, finding: Finding) -> bool:
    """The organiser's side sets or changes the measure, owner and deadline; so do the school's
    managers, who often write the measure themselves in their rectification plan."""
    scope = scope_of(user)
    return can_verify_finding(user, finding) or _school_role(scope, finding.school_id, FINDING_SCHOOL_ROLES)


def can_plan_follow_up(user: AnyUser, school: OrgNode) -> bool:
    scope = scope_of(user)
    return (scope.is_sysadmin or _school_role(scope, school.pk, PLAN_SCHOOL_ROLES)
            or _region_role_over(scope, school.path, FINDING_VERIFIER_ROLES))


def can_plan_anywhere(user: AnyUser) -> bool:
    """Whether the user may open a follow-up plan at some school (the plans page's form)."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(
        (g.role in FINDING_VERIFIER_ROLES and g.node_kind != OrgKind.SCHOOL)
        or (g.role in PLAN_SCHOOL_ROLES and g.node_kind == OrgKind.SCHOOL) for g in scope.grants)


def _school_staff_parts(scope: Scope, school: str) -> list[Q]:
    """Records kept at a school (through the field `school`): the region roles over it and the
    school's managers see them."""
    parts: list[Q] = []
    for g in scope.grants:
        if g.role in VISIT_READER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(**{f"{school}__path__startswith": g.path}))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES:
            parts.append(Q(**{f"{school}_id": g.node_id}))
    return parts


def follow_up_plans_visible_to(user: AnyUser) -> QuerySet[FollowUpPlan]:
    """A plan is seen by its teacher and mentor, the managers of the teacher's school, and the
    region roles over that school."""
    scope = scope_of(user)
    qs = FollowUpPlan.objects.select_related("teacher__org", "mentor", "host_school")
    if scope.is_sysadmin:
        return qs
    parts = _school_staff_parts(scope, "teacher__org")
    if scope.person_id is not None:
        parts.append(Q(teacher_id=scope.person_id) | Q(mentor_id=scope.person_id))
    return qs.filter(_any(parts))


def can_manage_plan(user: AnyUser, plan: FollowUpPlan) -> bool:
    scope = scope_of(user)
    if scope.person_id is not None and plan.mentor_id == scope.person_id:
        return True
    return can_plan_follow_up(user, plan.teacher.org)


def get_plan_for_user(user: AnyUser, plan_id: int, *, write: bool = False) -> FollowUpPlan:
    plan = follow_up_plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None or (write and not can_manage_plan(user, plan)):
        raise Http404("没有找到该跟踪计划")
    return plan
# ---- plan (vplan)


def can_set_visit_rules(user: AnyUser, region: OrgNode) -> bool:
    """The weekly pattern and the kind rules of a region are set by its admin or institute head."""
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, CHECK_ORGANISER_ROLES)


def rule_regions(user: AnyUser) -> list[OrgNode]:
    """The region nodes whose pattern and rules the user reads on the pattern and rules pages:
    the nodes of their organising posts (admin, institute head, full-time researcher)."""
    return organiser_nodes(user, VisitCategory.INSPECTION)


def stop_schools_for(user: AnyUser, visit: Visit) -> set[int] | None:
    """The schools whose days of `visit` the user reads: None for all of them (the organiser's
    side, the team), else only the schools the user manages (a host school sees its own day)."""
    scope = scope_of(user)
    if scope.is_sysadmin or is_team_member(user, visit):
        return None
    for g in scope.grants:
        if g.role in VISIT_READER_ROLES and g.node_kind != OrgKind.SCHOOL and visit.organiser.path.startswith(g.path):
            return None
        if (visit.category == VisitCategory.SCHOOL_CHECK and g.node_kind == OrgKind.SCHOOL
                and g.node_id == visit.organiser_id and g.role in SCHOOL_CHECK_READER_ROLES):
            return None
    return {g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES}


# ---- on site (vonsite): on-site records, walkthroughs


def can_read_onsite(user: AnyUser, visit: Visit) -> bool:
    """The records made on site (checks, notes, photos, questionnaire results) are read by the
    organiser's side and the team, not by the host school (it reads the findings and report)."""
    if can_record_on_site(user, visit):
        return True
    scope = scope_of(user)
    return Visit.objects.filter(_organiser_side_q(scope), pk=visit.pk).exists()


def walkthroughs_visible_to(user: AnyUser) -> QuerySet[Walkthrough]:
    """A walkthrough is seen by its leader, the school's managers, the region roles over the
    school, and the teacher whose class it looked at."""
    scope = scope_of(user)
    qs = Walkthrough.objects.all()
    if scope.is_sysadmin:
        return qs
    parts = _school_staff_parts(scope, "school")
    if scope.person_id is not None:
        parts.append(Q(leader_id=scope.person_id) | Q(teacher_id=scope.person_id))
    return qs.filter(_any(parts))


def walkthrough_schools(user: AnyUser) -> list[OrgNode]:
    """The schools where the user walks through classes: where they are a manager."""
    scope = scope_of(user)
    ids = [g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


def walkthrough_overview_schools(user: AnyUser) -> list[OrgNode]:
    """The schools whose per-leader walkthrough counts the user reads: its principal and vice
    principal (and the system admin, for every school is too many: none listed)."""
    scope = scope_of(user)
    ids = [g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_CHECK_ORGANISER_ROLES]
    return list(OrgNode.objects.filter(pk__in=ids).order_by("path"))


# ---- statistics


def can_read_visit_stats(user: AnyUser, node: OrgNode) -> bool:
    """An institution's yearly visit statistics: the region roles at that node or above."""
    return node.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(node.path, VISIT_READER_ROLES)


# ---- planning pickers


def team_candidates(user: AnyUser, node: OrgNode) -> list[Person]:
    """Whom the pickers offer: the region's researchers first, then its other staff, within what
    the user may see."""
    visible = people_visible_to(user).filter(is_active=True)
    research = list(visible.filter(posts__role__in=[Role.RESEARCHER, Role.PART_TIME_RESEARCHER,
                                                    Role.INSTITUTE_HEAD],
                                   posts__org__path__startswith=node.path).distinct()[:150])
    ids = {p.pk for p in research}
    rest = [p for p in visible.filter(org__path__startswith=node.path)[:150] if p.pk not in ids]
    return research + rest


def schedulable_schools(visit: Visit) -> list[OrgNode]:
    if visit.category == VisitCategory.SCHOOL_CHECK:
        return [visit.organiser]
    return list(OrgNode.objects.filter(kind=OrgKind.SCHOOL, path__startswith=visit.organiser.path)
                .order_by("name")[:800])
