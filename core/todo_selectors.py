"""What each user must do next (the workbench's to-do list); the order is core.todo's.

The core knows no domain app: each app that has items for the list names a function in its
AppConfig's `todo_items` ("app.todos.todo_items"), called with the `TodoContext` of the request
and returning its `Todo`s, built from that app's own access module and selectors. The core adds
its own items (groups to confirm, norms falling short).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.module_loading import import_string

from core.access import AnyUser, can_edit_groups, groups_visible_to, scope_of
from core.compliance import NormResult
from core.compliance import shortfalls_for as compliance_shortfalls
from core.models import RESEARCHER_ROLES, GroupKind, GroupStatus, OrgKind, OrgNode, Role, TeachingGroup, Term
from core.terms import current_term
from core.todo import Todo, order_todos

TODO_LIMIT = 8
SHORTFALL_LIMIT = 5
# Roles whose posts make a user a reader of a region's work (the researcher's list).
REGION_READER_ROLES = (*RESEARCHER_ROLES, Role.INSTITUTE_HEAD, Role.ADMIN, Role.BUREAU_VIEWER)
LEADER_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER)


@dataclass
class GroupView:
    """A middle manager's or group leader's own group: its members and their observations."""

    group: TeachingGroup
    members: list[Any] = field(default_factory=list)
    observations: list[Any] = field(default_factory=list)
    observation_count: int = 0


@dataclass(frozen=True)
class TodoContext:
    """What an app's `todo_items` is given: the user, their person id, the node and term the
    workbench shows, the schools where they hold a post, whether they read a region's work
    (researchers, the institute head, the admin, the bureau) and whether they lead a school."""

    user: AnyUser
    me: int | None
    node: OrgNode | None
    term: Term | None
    schools: list[OrgNode]
    region_reader: bool
    leader: bool
    _terms: dict[int, Term | None] = field(default_factory=dict, repr=False, compare=False)

    def term_at(self, node: OrgNode) -> Term | None:
        """core.terms.current_term of a node, read once per request (the workbench's node and
        each school where the user holds a post are asked for by several apps)."""
        if node.pk not in self._terms:
            self._terms[node.pk] = current_term(node)
        return self._terms[node.pk]


def _providers() -> list[Callable[[TodoContext], list[Todo]]]:
    return [import_string(dotted) for cfg in apps.get_app_configs()
            if (dotted := getattr(cfg, "todo_items", None))]


def shortfalls_for(user: AnyUser, node: OrgNode, term: Term | None, limit: int = SHORTFALL_LIMIT
                   ) -> list[NormResult]:
    """The norms falling short in the user's scope, worst first (counts of the stored results)."""
    return compliance_shortfalls(user, node, term, limit=limit)


def todos_for(user: AnyUser, node: OrgNode | None, term: Term | None) -> list[Todo]:
    """The user's to-do list, ordered (core.todo.order_todos), at most TODO_LIMIT items; `term`
    is the node's current term (core.terms.current_term), as the workbench shows it."""
    scope = scope_of(user)
    items: list[Todo] = []
    me = scope.person_id
    school_ids = sorted({g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL})
    # Most school staff hold posts at the one school the workbench shows: no second read of it.
    schools = ([node] if node is not None and school_ids == [node.pk]
               else list(OrgNode.objects.filter(pk__in=school_ids).order_by("path")))
    region_reader = scope.is_sysadmin or any(g.role in REGION_READER_ROLES and g.node_kind != OrgKind.SCHOOL
                                             for g in scope.grants)
    ctx = TodoContext(user, me, node, term, schools, region_reader,
                      leader=any(g.role in LEADER_ROLES for g in scope.grants),
                      _terms={node.pk: term} if node is not None else {})
    for provider in _providers():
        items += provider(ctx)
    for school in schools:
        if not can_edit_groups(user, school):
            continue
        t = ctx.term_at(school)
        if t is None:
            continue
        # One query for both figures: whether the term has groups, and how many await confirmation.
        n = (groups_visible_to(user).filter(school=school, term_key=t.key, kind=GroupKind.SUBJECT)
             .aggregate(total=Count("pk"), pending=Count("pk", filter=~Q(status=GroupStatus.CONFIRMED))))
        pending = n["pending"]
        url = f"{reverse('school_groups', args=[school.code])}?term={t.key}"
        if not n["total"]:
            items.append(Todo("groups_confirm", f"{school.name}本学期尚未组建教研组", url,
                              detail="按规则生成建议方案后确认"))
        elif pending:
            items.append(Todo("groups_confirm", f"{pending}个教研组待确认", url, count=pending,
                              detail=f"{school.name} · {t.label}"))
    if region_reader and node is not None and node.kind != OrgKind.SCHOOL:
        for r in shortfalls_for(user, node, term):
            items.append(Todo("norms_short", f"{r.norm.title}：{r.short_count}个未达标",
                              f"{reverse('norm_detail', args=[r.norm.code])}?node={node.code}"
                              f"{'&term=' + term.key if term else ''}&only=short",
                              count=r.short_count, detail=f"达标{r.met}/{r.total}"))
    return order_todos(items, limit=TODO_LIMIT)


def my_group_views(user: AnyUser, term: Term | None) -> list[GroupView]:
    """The groups a middle manager or group leader leads (or, for a middle manager, the
    school's groups they belong to), with the members the user may see and the group's
    observations this term."""
    scope = scope_of(user)
    me = scope.person_id
    if me is None or term is None or not scope.roles & {Role.MIDDLE_MANAGER, Role.GROUP_LEADER, Role.PREP_LEADER}:
        return []
    from core.access import group_members_visible_to

    groups = list(groups_visible_to(user).filter(term_key=term.key).filter(leader_id=me)
                  .order_by("kind", "name")[:3])
    if not groups:
        groups = list(groups_visible_to(user).filter(term_key=term.key, memberships__person_id=me)
                      .order_by("kind", "name")[:2])
    out = []
    for g in groups:
        # The template links each member (core.access.can_open_person reads the person's unit and
        # the subjects they also teach): both loaded with the members, not once per member.
        members = list(group_members_visible_to(user, g).select_related("person__org")
                       .prefetch_related("person__subjects"))
        view = GroupView(g, members)
        if apps.is_installed("observe"):
            from observe.access import observations_visible_to
            from observe.models import ObservationStatus

            qs = (observations_visible_to(user).filter(status=ObservationStatus.SUBMITTED,
                                                        teacher_id__in=[m.person_id for m in members],
                                                        date__gte=term.start, date__lte=term.end)
                  .select_related("teacher", "observer").order_by("-date", "-id"))
            view.observation_count = qs.count()
            view.observations = list(qs[:5])
        out.append(view)
    return out
