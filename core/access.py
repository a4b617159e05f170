"""The access policy: the one place that decides what a user may see and do.

Visibility follows the org subtree of the user's active posts. A post at a region (researcher,
institute head, bureau viewer, admin) sees that region's subtree; a post at a school sees that
school. A researcher's post with a subject narrows the *people* (and groups) visible to those of
that subject: a county maths researcher sees every school of the county but only its maths
teachers. A system admin (superuser) sees everything. A user with no post sees only their own
person record.

Every view and API endpoint gets records through the selectors here (`*_visible_to`) and gets a
single object through the `get_*_for_user` functions, which raise Http404 both for "missing" and
for "not yours", so an outsider cannot even learn that a record exists.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from core.models import (
    RESEARCHER_ROLES,
    AuditEvent,
    GroupMembership,
    NormResultRow,
    OrgKind,
    OrgNode,
    OrgNodeQuerySet,
    Person,
    PersonQuerySet,
    Post,
    PostQuerySet,
    Role,
    TeachingGroup,
    Term,
    User,
)
from core.paths import outermost, subtree_or_ancestors_q, under_q

AnyUser = User | AnonymousUser

# Roles at a school that see the whole school and every record of its people's work.
SCHOOL_MANAGER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER)
# Roles that may confirm and edit a school's subject groups.
GROUP_EDITOR_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
# Region roles that may write (the others read only).
REGION_WRITER_ROLES = (Role.ADMIN,)
NORM_EDITOR_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)


@dataclass(frozen=True)
class Grant:
    """One active post reduced to what the policy needs."""

    role: str
    path: str
    node_id: int
    node_kind: str
    subject_id: int | None
    stage: str


@dataclass(frozen=True)
class Scope:
    user_id: int | None
    person_id: int | None
    is_sysadmin: bool
    grants: tuple[Grant, ...]
    # Where the user's own person record sits, to know whether a grant already covers it.
    person_path: str = ""
    person_subject_id: int | None = None

    @property
    def sees_self_through_grants(self) -> bool:
        return any(self.person_path.startswith(g.path)
                   and (g.role not in RESEARCHER_ROLES or g.subject_id is None
                        or g.subject_id == self.person_subject_id)
                   for g in self.grants) if self.person_path else False

    @property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    @property
    def paths(self) -> list[str]:
        """Root paths of the visible subtrees, without paths nested in another."""
        return outermost(g.path for g in self.grants)

    def covers(self, path: str) -> bool:
        return self.is_sysadmin or any(path.startswith(g.path) for g in self.grants)

    def has_role_over(self, path: str, roles: tuple[str, ...]) -> bool:
        """True if one of `roles` is held at this path or an ancestor of it."""
        return self.is_sysadmin or any(g.role in roles and path.startswith(g.path) for g in self.grants)

    def people_grants(self) -> list[Grant]:
        return list(self.grants)


def scope_of(user: AnyUser) -> Scope:
    """The user's scope, computed once per request and kept on the user object."""
    if not user.is_authenticated:
        return Scope(None, None, False, ())
    assert isinstance(user, User)
    cached: Scope | None = getattr(user, "_jiaoyan_scope", None)
    if cached is not None:
        return cached
    grants: tuple[Grant, ...] = ()
    person_path, person_subject = "", None
    if user.person_id is not None:
        posts = Post.objects.active().filter(person_id=user.person_id).select_related("org")
        grants = tuple(
            Grant(p.role, p.org.path, p.org_id, p.org.kind, p.subject_id, p.stage) for p in posts
        )
        me = Person.objects.filter(pk=user.person_id).values_list("org__path", "main_subject_id").first()
        if me is not None:
            person_path, person_subject = me
    scope = Scope(user.pk, user.person_id, bool(user.is_superuser and user.is_active), grants,
                  person_path, person_subject)
    # Cached on the request's user object: one query for the posts per request.
    user._jiaoyan_scope = scope  # type: ignore[attr-defined]  # a per-request cache on the user object
    return scope


# ---------------------------------------------------------------- selectors


def nodes_visible_to(user: AnyUser) -> OrgNodeQuerySet:
    scope = scope_of(user)
    qs = OrgNode.objects.all()
    if scope.is_sysadmin:
        return qs
    return qs.filter(under_q(scope.paths, "path"))


def schools_visible_to(user: AnyUser) -> OrgNodeQuerySet:
    return nodes_visible_to(user).filter(kind=OrgKind.SCHOOL)


def _teaches_subject(subject_id: int, prefix: str) -> Q:
    person = f"{prefix}pk" if not prefix else f"{prefix}id"
    taught = Person.subjects.through.objects.filter(person_id=OuterRef(person), subject_id=subject_id)
    return Q(**{f"{prefix}main_subject_id": subject_id}) | Q(Exists(taught))


def _people_q(scope: Scope, prefix: str = "") -> Q:
    """Which people the scope sees, as lookups on Person (or, with prefix 'person__', on a model
    that points to a person), so that related records filter by a join, not a subquery."""
    parts: list[Q] = []
    for g in scope.grants:
        q = Q(**{f"{prefix}org__path__startswith": g.path})
        if g.role in RESEARCHER_ROLES and g.subject_id is not None:
            q &= _teaches_subject(g.subject_id, prefix)
        parts.append(q)
    # One's own record is always visible; the clause is added only where no grant covers it,
    # because an OR on the primary key keeps PostgreSQL from using the org-path index.
    if scope.person_id is not None and not scope.sees_self_through_grants:
        parts.append(Q(**{f"{prefix}pk" if not prefix else f"{prefix}id": scope.person_id}))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def people_visible_to(user: AnyUser) -> PersonQuerySet:
    scope = scope_of(user)
    qs = Person.objects.all()
    if scope.is_sysadmin:
        return qs
    return qs.filter(_people_q(scope))


def posts_visible_to(user: AnyUser) -> PostQuerySet:
    """Posts of visible people, plus every post held at a visible node (a county researcher
    sees the posts at the county's schools; a principal those at the school)."""
    scope = scope_of(user)
    qs = Post.objects.select_related("person", "org", "subject")
    if scope.is_sysadmin:
        return qs
    return qs.filter(_people_q(scope, "person__") | under_q(scope.paths, "org__path"))


def posts_at(user: AnyUser, node: OrgNode) -> PostQuerySet:
    """posts_visible_to(user).filter(org=node): the posts held at one node the user may see. When
    the scope covers the node every post there is visible (posts at a visible node), and the
    query reads the node's posts by their index; through the people clause PostgreSQL joined
    every visible person of a city first (60 ms for a school's leaders at city scale)."""
    if scope_of(user).covers(node.path):
        return Post.objects.select_related("person", "org", "subject").filter(org=node)
    return posts_visible_to(user).filter(org=node)


def groups_q(user: AnyUser, prefix: str = "") -> Q:
    """Which teaching groups the user sees, as lookups on TeachingGroup (or, with a prefix such as
    "group__", on a model pointing to a group), so related records filter by a join rather than
    by a subquery over every visible group (a province has 63,000)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return Q()
    parts: list[Q] = []
    pk = f"{prefix}pk" if not prefix else f"{prefix}id"
    for g in scope.grants:
        q = Q(**{f"{prefix}school__path__startswith": g.path})
        if g.role in RESEARCHER_ROLES and g.subject_id is not None:
            # A 备课组 counts as its parent 教研组's subjects. EXISTS rather than a join, so a
            # group with several subjects is not returned twice.
            through = TeachingGroup.subjects.through.objects
            q &= (Q(Exists(through.filter(teachinggroup_id=OuterRef(pk), subject_id=g.subject_id)))
                  | Q(Exists(through.filter(teachinggroup_id=OuterRef(f"{prefix}parent_id"), subject_id=g.subject_id))))
        parts.append(q)
    return reduce(or_, parts) if parts else Q(pk__in=[])


def groups_visible_to(user: AnyUser) -> QuerySet[TeachingGroup]:
    return TeachingGroup.objects.select_related("school", "leader", "parent").filter(groups_q(user))


def group_members_visible_to(user: AnyUser, group: TeachingGroup) -> QuerySet[GroupMembership]:
    """The members of a visible group whom the user may see. A subject researcher sees the
    merged 语英教研组 because it holds his subject, but not its English teachers: the group is
    shown, its roster narrowed like every list of people."""
    return (GroupMembership.objects.filter(group=group, person__in=people_visible_to(user))
            .select_related("person", "person__main_subject").order_by("role", "person__pinyin"))


def visible_member_counts(user: AnyUser, groups: QuerySet[TeachingGroup] | Iterable[TeachingGroup]) -> dict[int, int]:
    """For each of these groups (a page of them, or a queryset), how many members the user may
    see (as group_members_visible_to), from one grouped query over their memberships. Counted
    for the rows shown, never as an annotation of the whole list: annotating a province's 60,000
    groups before paging took minutes."""
    ids: Any = groups.values("pk") if isinstance(groups, QuerySet) else [g.pk for g in groups]
    qs = GroupMembership.objects.filter(group_id__in=ids)
    if not scope_of(user).is_sysadmin:
        qs = qs.filter(person__in=people_visible_to(user).values("pk"))
    return dict(qs.order_by().values_list("group_id").annotate(n=Count("id")).values_list("group_id", "n"))


def terms_visible_to(user: AnyUser) -> QuerySet[Term]:
    """Terms set by visible regions and by their ancestors (which the subtree inherits)."""
    scope = scope_of(user)
    qs = Term.objects.select_related("region")
    if scope.is_sysadmin:
        return qs
    return qs.filter(subtree_or_ancestors_q(scope.paths, "region__path"))


def audit_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """Admins read the audit log of their subtree; nobody else reads it."""
    scope = scope_of(user)
    qs = AuditEvent.objects.select_related("actor")
    if scope.is_sysadmin:
        return qs
    paths = sorted({g.path for g in scope.grants if g.role == Role.ADMIN})
    if not paths:
        return qs.none()
    return qs.filter(under_q(paths, "scope_path"))


def norm_rows_visible_to(user: AnyUser) -> QuerySet[NormResultRow]:
    """Stored norm results the user may see: rows placed in the user's subtrees (a school, a
    region or a person there), and the rows about the user's own person. The same scope the
    metrics applied when they ran per viewer, except that a subject researcher now sees the
    rows of every subject at the schools of the subtree (norm results are per unit, not per
    viewer)."""
    scope = scope_of(user)
    qs = NormResultRow.objects.all()
    if scope.is_sysadmin:
        return qs
    q = under_q(scope.paths, "path")
    if scope.person_id is not None:
        q |= Q(person_id=scope.person_id)
    return qs.filter(q)


def norm_rows_under(user: AnyUser, path: str) -> QuerySet[NormResultRow]:
    """norm_rows_visible_to(user) under a path. When the user's scope covers the path every row
    there is visible, and the query is the path prefix alone: the OR on the user's own person
    kept PostgreSQL from the path indexes (the rows of a province's quota norm were read from
    1.9 million)."""
    if scope_of(user).covers(path):
        return NormResultRow.objects.filter(path__startswith=path)
    return norm_rows_visible_to(user).filter(path__startswith=path)


# ---------------------------------------------------------------- permissions


def can_read_node(user: AnyUser, node: OrgNode) -> bool:
    return scope_of(user).covers(node.path)


def can_manage_node(user: AnyUser, node: OrgNode) -> bool:
    """Create and edit org nodes, people and posts, import, edit terms: the region's admin."""
    return scope_of(user).has_role_over(node.path, REGION_WRITER_ROLES)


def can_edit_groups(user: AnyUser, school: OrgNode) -> bool:
    scope = scope_of(user)
    return scope.has_role_over(school.path, GROUP_EDITOR_ROLES + REGION_WRITER_ROLES)


def can_override_norms(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, NORM_EDITOR_ROLES)


def grant_refusal(user: AnyUser, *, person: Person, role: str, org: OrgNode) -> str | None:
    """Why `user` may not give `person` the post `role` at `org` (None: they may).

    Posts are granted by region admins, inside the region they administer, and never to
    themselves (a county admin making himself a school's principal, or the county's institute
    head, would read what neither post of his allows). An admin post confers the right to grant,
    so it is given only below the granting admin's own node, never beside or above it. A system
    admin grants anything. Every grant is audited (core.services.post_create) and shown to the
    school it concerns (core.selectors.recent_grants).
    """
    scope = scope_of(user)
    if scope.is_sysadmin:
        return None
    if scope.person_id is not None and person.pk == scope.person_id:
        return "不能给自己授予岗位，请由上级管理员授予"
    admin_paths = [g.path for g in scope.grants if g.role in REGION_WRITER_ROLES]
    if not any(org.path.startswith(p) for p in admin_paths):
        return "只能在本人管理的区域内授予岗位"
    if role == Role.ADMIN and not any(org.path.startswith(p) and org.path != p for p in admin_paths):
        return "区域管理员岗位只能授予下级区域，不能授予本级或上级"
    return None


def is_school_manager(user: AnyUser) -> bool:
    """A principal, vice principal or middle manager somewhere: their workbench shows the school's
    management view."""
    return bool(scope_of(user).roles & set(SCHOOL_MANAGER_ROLES))


def can_read_audit(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or Role.ADMIN in scope.roles


def manageable_roots(user: AnyUser) -> list[OrgNode]:
    """Nodes under which the user may import and edit (their admin posts)."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.filter(parent__isnull=True))
    ids = [g.node_id for g in scope.grants if g.role == Role.ADMIN]
    return list(OrgNode.objects.filter(pk__in=ids))


def home_node(user: AnyUser) -> OrgNode | None:
    """The highest node the user sees: where the workbench and the compliance page start."""
    scope = scope_of(user)
    if scope.is_sysadmin:
        return OrgNode.objects.filter(parent__isnull=True).order_by("path").first()
    paths = scope.paths
    if not paths:
        return None
    return OrgNode.objects.filter(path__in=paths).order_by("depth", "path").first()


def can_open_person(user: AnyUser, person: Person) -> bool:
    """Whether `person`'s page opens for `user`: the same rule as people_visible_to, decided
    from the scope already loaded (a query only for a subject researcher meeting a teacher of
    another main subject, to read the subjects they also teach). Pages that name people whose
    posts the user sees (a school's leaders, a norm's researchers) link only those it opens."""
    scope = scope_of(user)
    if scope.is_sysadmin or (scope.person_id is not None and scope.person_id == person.pk):
        return True
    path = person.org.path
    subjects: set[int | None] | None = None
    for g in scope.grants:
        if not path.startswith(g.path):
            continue
        if g.role not in RESEARCHER_ROLES or g.subject_id is None or g.subject_id == person.main_subject_id:
            return True
        if subjects is None:
            prefetched = getattr(person, "_prefetched_objects_cache", {}).get("subjects")
            subjects = ({s.pk for s in prefetched} if prefetched is not None
                        else set(person.subjects.values_list("pk", flat=True)))
        if g.subject_id in subjects:
            return True
    return False


def has_any_post(user: AnyUser) -> bool:
    """A user with an active post (or the system admin): the only users with work to do here.
    A user with no post is shown their workbench and nothing else."""
    scope = scope_of(user)
    return scope.is_sysadmin or bool(scope.grants)


# ---------------------------------------------------------------- single objects


def get_node_for_user(user: AnyUser, code: str) -> OrgNode:
    node = OrgNode.objects.filter(code=code).select_related("parent").first()
    if node is None or not can_read_node(user, node):
        raise Http404("没有找到该组织")
    return node


def get_person_for_user(user: AnyUser, code: str, *, write: bool = False) -> Person:
    person = people_visible_to(user).filter(code=code).select_related("org", "main_subject").first()
    if person is None:
        raise Http404("没有找到该人员")
    if write and not can_manage_node(user, person.org):
        raise Http404("没有找到该人员")
    return person


def get_group_for_user(user: AnyUser, group_id: int, *, write: bool = False) -> TeachingGroup:
    group = groups_visible_to(user).filter(pk=group_id).first()
    if group is None:
        raise Http404("没有找到该教研组")
    if write and not can_edit_groups(user, group.school):
        raise Http404("没有找到该教研组")
    return group


def get_term_for_user(user: AnyUser, term_id: int, *, write: bool = False) -> Term:
    term = terms_visible_to(user).filter(pk=term_id).first()
    if term is None or (write and not can_manage_node(user, term.region)):
        raise Http404("没有找到该学期")
    return term


def require(condition: bool, message: str = "没有权限") -> None:
    """Refuse with 404 rather than 403 so that existence does not leak."""
    if not condition:
        raise Http404(message)


_M = TypeVar("_M", bound=Model)


def first_or_404(records: QuerySet[_M], message: str, **lookup: Any) -> _M:
    """The record of `records` (already limited to what the user may see) matching `lookup`, or
    a 404 saying `message`: the shape of every app's get_<record>_for_user."""
    found = records.filter(**lookup).first()
    require(found is not None, message)
    assert found is not None
    return found
