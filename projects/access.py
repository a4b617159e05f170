"""Who may see and do what with research projects (课题). Built only on core.access primitives.

- A project is seen and edited (documents, members, outcomes) by its leader and its members.
- It is read by the managers (principal, vice principal, middle manager) of the school that owns
  it, and by the region roles (admin, institute head, researchers, bureau viewer) whose node is
  the owner's or above it.
- It is moved through its stages, and its reviewers assigned, by the approving body's managers:
  for a 校级 project the school's principal, vice principal and middle managers; for the other
  levels the admin, institute head and full-time researchers at the approving region or above.
  They read it too (the approving region is always above the owner).
- An expert assigned to review it sees it, and submits only their own review.

Every single object is fetched through a `get_*_for_user` function raising Http404 both for
"missing" and for "not yours".
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from core.access import SCHOOL_MANAGER_ROLES, AnyUser, Scope, people_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, Person, Post, Role
from core.paths import ancestor_paths
from projects.models import Project, ProjectMember, ProjectQuerySet, ProjectReview, ProjectStatus

# Region roles that read the projects owned at or below their node.
PROJECT_READER_ROLES = REGION_ROLES
# Region roles that approve and manage the projects of their level (part-time researchers and
# bureau viewers read only).
REGION_APPROVER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD, Role.RESEARCHER)
# A school's own (校级) projects are approved by its leaders and the middle manager for research.
SCHOOL_APPROVER_ROLES = SCHOOL_MANAGER_ROLES


def _any(parts: list[Q]) -> Q:
    return reduce(or_, parts) if parts else Q(pk__in=[])


def _project_q(scope: Scope) -> Q:
    parts: list[Q] = []
    for g in scope.grants:
        if g.role in PROJECT_READER_ROLES and g.node_kind != OrgKind.SCHOOL:
            parts.append(Q(owner__path__startswith=g.path))
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES:
            parts.append(Q(owner_id=g.node_id))
    if scope.person_id is not None:
        pid = scope.person_id
        parts.append(Q(leader_id=pid))
        parts.append(Q(Exists(ProjectMember.objects.filter(project=OuterRef("pk"), person_id=pid))))
        parts.append(Q(Exists(ProjectReview.objects.filter(project=OuterRef("pk"), expert_id=pid))))
    return _any(parts)


def projects_visible_to(user: AnyUser) -> ProjectQuerySet:
    scope = scope_of(user)
    qs = Project.objects.all()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_project_q(scope))


def can_approve_at(user: AnyUser, approver: OrgNode) -> bool:
    """Whether `user` manages the projects whose approving body is `approver`."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if approver.kind == OrgKind.SCHOOL:
        return any(g.node_id == approver.pk and g.role in SCHOOL_APPROVER_ROLES for g in scope.grants)
    return any(g.role in REGION_APPROVER_ROLES and g.node_kind != OrgKind.SCHOOL and approver.path.startswith(g.path)
               for g in scope.grants)


def managed_by(user: AnyUser) -> ProjectQuerySet:
    """The visible projects whose approving body the user manages (as can_approve_at)."""
    scope = scope_of(user)
    qs = projects_visible_to(user)
    if scope.is_sysadmin:
        return qs
    parts: list[Q] = []
    for g in scope.grants:
        if g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_APPROVER_ROLES:
            parts.append(Q(approver_id=g.node_id))
        if g.node_kind != OrgKind.SCHOOL and g.role in REGION_APPROVER_ROLES:
            parts.append(Q(approver__path__startswith=g.path) & ~Q(approver__kind=OrgKind.SCHOOL))
    return qs.filter(_any(parts))


def can_manage_project(user: AnyUser, project: Project) -> bool:
    """Move the project through its stages, assign reviewers, mark it a key project."""
    return can_approve_at(user, project.approver)


def can_withdraw_application(user: AnyUser, project: Project) -> bool:
    """The leader withdraws their own application (撤销) before it is approved."""
    pid = scope_of(user).person_id
    return pid is not None and project.leader_id == pid and project.status == "applied"


def is_participant(user: AnyUser, project: Project) -> bool:
    """The leader or a member."""
    pid = scope_of(user).person_id
    if pid is None:
        return False
    return project.leader_id == pid or project.members.filter(person_id=pid).exists()


def can_edit_project(user: AnyUser, project: Project) -> bool:
    """Add documents and outcomes: the leader, the members and the approving body's managers."""
    return scope_of(user).is_sysadmin or is_participant(user, project) or can_manage_project(user, project)


def can_edit_project_fields(user: AnyUser, project: Project) -> bool:
    """Correct the project's basic fields: the approving body's managers until it is concluded or
    withdrawn, the leader only while the application awaits approval (after 立项 the approved
    record is the approver's)."""
    if project.status in (ProjectStatus.CONCLUDED, ProjectStatus.WITHDRAWN):
        return False
    if scope_of(user).is_sysadmin or can_manage_project(user, project):
        return True
    pid = scope_of(user).person_id
    return pid is not None and project.leader_id == pid and project.status == ProjectStatus.APPLIED


def get_member_for_user(user: AnyUser, member_id: int) -> ProjectMember:
    """A team member's row, for those who form the team (404 otherwise)."""
    member = (ProjectMember.objects.filter(pk=member_id, project__in=projects_visible_to(user))
              .select_related("person__org", "project__approver", "project__owner", "project__leader").first())
    if member is None or not can_edit_members(user, member.project):
        raise Http404("没有找到该成员")
    return member


def can_edit_members(user: AnyUser, project: Project) -> bool:
    """The team is the leader's to form (and the approving body's to correct)."""
    scope = scope_of(user)
    return ((scope.person_id is not None and project.leader_id == scope.person_id)
            or can_manage_project(user, project))


def can_file_project(user: AnyUser) -> bool:
    """Anyone with a person record and a post files a project (申报), owned by their own unit."""
    scope = scope_of(user)
    return scope.person_id is not None and bool(scope.grants)


def reviews_assigned_to(user: AnyUser) -> QuerySet[ProjectReview]:
    """The reviews assigned to the user as an expert."""
    pid = scope_of(user).person_id
    if pid is None:
        return ProjectReview.objects.none()
    return (ProjectReview.objects.filter(expert_id=pid)
            .select_related("project", "project__owner", "project__leader", "project__approver"))


def can_read_project_stats(user: AnyUser, node: OrgNode) -> bool:
    """The yearly counts of a node's projects: the region roles at the node or above, and the
    managers of a school for its own."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return True
    if node.kind == OrgKind.SCHOOL:
        return (any(g.node_id == node.pk and g.role in SCHOOL_MANAGER_ROLES for g in scope.grants)
                or scope.has_role_over(node.path, PROJECT_READER_ROLES))
    return scope.has_role_over(node.path, PROJECT_READER_ROLES)


def stats_nodes(user: AnyUser) -> list[OrgNode]:
    """The nodes whose yearly counts the user reads: their own posts' nodes where allowed."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.filter(kind__in=[OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY])
                    .order_by("depth", "path")[:200])
    nodes = OrgNode.objects.filter(pk__in=[g.node_id for g in scope.grants]).order_by("depth", "path")
    return [n for n in nodes if can_read_project_stats(user, n)]


# Posts whose holders the pickers offer as experts beyond the user's own scope.
EXPERT_ROLES = (Role.RESEARCHER, Role.PART_TIME_RESEARCHER, Role.INSTITUTE_HEAD)


def people_for_picking(user: AnyUser, project: Project) -> QuerySet[Person]:
    """Whom the member and reviewer pickers offer: the active people the user sees, and the
    researchers of the approving region and of the regions above it (the experts a review is
    given to; a subject researcher managing a project does not otherwise see a researcher of
    another subject)."""
    chain = ancestor_paths(project.approver.path)
    experts = (Post.objects.active().filter(role__in=EXPERT_ROLES)
               .filter(Q(org__path__startswith=project.approver.path) | Q(org__path__in=chain))
               .values("person_id"))
    return Person.objects.filter(Q(pk__in=people_visible_to(user).values("pk")) | Q(pk__in=experts),
                                 is_active=True)


# ---------------------------------------------------------------- single objects


def get_project_for_user(user: AnyUser, project_id: int, *, write: bool = False) -> Project:
    project = projects_visible_to(user).filter(pk=project_id).with_refs().first()
    if project is None or (write and not can_edit_project(user, project)):
        raise Http404("没有找到该课题")
    return project


def get_review_for_user(user: AnyUser, review_id: int, *, write: bool = False) -> ProjectReview:
    """A review: read by whoever reads its project; written only by its expert."""
    review = (ProjectReview.objects.filter(pk=review_id, project__in=projects_visible_to(user))
              .select_related("project", "project__owner", "project__approver", "project__leader", "expert").first())
    if review is None:
        raise Http404("没有找到该评审")
    if write and review.expert_id != scope_of(user).person_id:
        raise Http404("没有找到该评审")
    return review
