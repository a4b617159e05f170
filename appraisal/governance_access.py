"""Who may see and do what with the governance records, built only from core.access primitives.

- Meetings and plans belong to the region that holds them; they are visible to everyone posted
  in that region's subtree or above it (a school's teacher sees the county's, the city's and the
  province's meetings; county B's people not county A's).
- A task is visible where its node is: to those whose posts lie at or under that node, or above
  it (a county's principal sees the county's and the city's tasks, and his own school's), and to
  its owner. Completion rolled up on a plan's page is counted over the tasks the viewer sees.
- A region's managers (its admin and institute head, or theirs above) record its meetings, write
  its plans, and push items down to, and add sub-items at, the nodes they manage; a task is
  marked done by its owner, its node's managers (a school's principal and vice principal for a
  school) or the managers of the region that issued it.
- A school's spending is seen by the school's managers and by the region roles over the school;
  it is entered by the school's principal and vice principal (or a region admin over it) and
  checked by the county: the admins and institute heads of a region above the school.

Single objects come through `get_*_for_user`, which raise Http404 for "missing" and "not yours".
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from appraisal.models.governance import GovMeeting, GovTask, MeetingDecision, PlanItem, SchoolSpending, WorkPlan
from core.access import SCHOOL_MANAGER_ROLES, AnyUser, schools_visible_to, scope_of
from core.models import REGION_ROLES, OrgKind, OrgNode, OrgNodeQuerySet, Role
from core.paths import subtree_or_ancestors_q, under_q

# A region's managers: they hold its meetings, write its plans and check its schools' spending.
MANAGER_ROLES = (Role.ADMIN, Role.INSTITUTE_HEAD)
# A school's roles that enter its spending and mark its tasks done.
SCHOOL_ENTRY_ROLES = (Role.PRINCIPAL, Role.VICE_PRINCIPAL)
# Education administrations bound by GOV.MEETING (000 §14 "各级教育行政部门").
ADMINISTRATION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)
# Who writes a yearly plan (年度教研工作要点): a province or a city.
PLAN_KINDS = (OrgKind.PROVINCE, OrgKind.CITY)


def _regional_q(user: AnyUser, field: str) -> Q | None:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return None
    if not scope.paths:
        return Q(pk__in=[])
    return subtree_or_ancestors_q(scope.paths, field)


def meetings_visible_to(user: AnyUser) -> QuerySet[GovMeeting]:
    qs = GovMeeting.objects.select_related("region")
    q = _regional_q(user, "region__path")
    return qs if q is None else qs.filter(q)


def plans_visible_to(user: AnyUser) -> QuerySet[WorkPlan]:
    qs = WorkPlan.objects.select_related("region")
    q = _regional_q(user, "region__path")
    return qs if q is None else qs.filter(q)


def items_visible_to(user: AnyUser) -> QuerySet[PlanItem]:
    """Items of visible plans written at a node the user sees or above it (county B's own
    sub-items stay county B's)."""
    qs = PlanItem.objects.filter(plan__in=plans_visible_to(user)).select_related("plan__region", "region", "parent")
    q = _regional_q(user, "region__path")
    return qs if q is None else qs.filter(q)


def tasks_visible_to(user: AnyUser) -> QuerySet[GovTask]:
    qs = GovTask.objects.select_related("node", "owner", "decision__meeting__region", "item__plan__region")
    scope = scope_of(user)
    if scope.is_sysadmin:
        return qs
    q = _regional_q(user, "node__path")
    assert q is not None
    if scope.person_id is not None:
        q |= Q(owner_id=scope.person_id)
    return qs.filter(q)


def _spending_paths(user: AnyUser) -> list[str]:
    scope = scope_of(user)
    return sorted({g.path for g in scope.grants
                   if (g.node_kind != OrgKind.SCHOOL and g.role in REGION_ROLES)
                   or (g.node_kind == OrgKind.SCHOOL and g.role in SCHOOL_MANAGER_ROLES)})


def spendings_visible_to(user: AnyUser) -> QuerySet[SchoolSpending]:
    qs = SchoolSpending.objects.select_related("school", "school__parent")
    if scope_of(user).is_sysadmin:
        return qs
    paths = _spending_paths(user)
    return qs.filter(under_q(paths, "school__path")) if paths else qs.none()


def sees_spending(user: AnyUser) -> bool:
    return scope_of(user).is_sysadmin or bool(_spending_paths(user))


# ---------------------------------------------------------------- permissions


def can_manage_region(user: AnyUser, region: OrgNode) -> bool:
    return region.kind != OrgKind.SCHOOL and scope_of(user).has_role_over(region.path, MANAGER_ROLES)


def can_record_meeting(user: AnyUser, region: OrgNode) -> bool:
    return region.kind in ADMINISTRATION_KINDS and can_manage_region(user, region)


def can_act_at(user: AnyUser, node: OrgNode) -> bool:
    """Push down, add sub-items and mark tasks done at `node`: its managers (a school's principal
    and vice principal for a school)."""
    roles = MANAGER_ROLES + SCHOOL_ENTRY_ROLES if node.kind == OrgKind.SCHOOL else MANAGER_ROLES
    return scope_of(user).has_role_over(node.path, roles)


def _managed(user: AnyUser, kinds: tuple[str, ...]) -> list[OrgNode]:
    scope = scope_of(user)
    if scope.is_sysadmin:
        return list(OrgNode.objects.filter(kind__in=kinds).order_by("depth", "path")[:300])
    paths = [g.path for g in scope.grants if g.role in MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL]
    if not paths:
        return []
    return list(OrgNode.objects.filter(under_q(paths, "path"), kind__in=kinds).order_by("depth", "path")[:300])


def meeting_regions(user: AnyUser) -> list[OrgNode]:
    """The administrations whose meetings the user records: those at or under his manager posts."""
    return _managed(user, ADMINISTRATION_KINDS)


def plan_regions(user: AnyUser) -> list[OrgNode]:
    return _managed(user, PLAN_KINDS)


def own_nodes(user: AnyUser) -> set[int]:
    """The nodes where the user himself holds a post that acts for them (a region's manager, a
    school's principal and vice principal): whose tasks are his to do, not every node below."""
    return {g.node_id for g in scope_of(user).grants
            if g.role in (SCHOOL_ENTRY_ROLES if g.node_kind == OrgKind.SCHOOL else MANAGER_ROLES)}


def can_update_task(user: AnyUser, task: GovTask) -> bool:
    scope = scope_of(user)
    if scope.person_id is not None and task.owner_id == scope.person_id:
        return True
    if can_act_at(user, task.node):
        return True
    issuer = task.decision.meeting.region if task.decision is not None else task.item.plan.region  # type: ignore[union-attr]  # one of the two is set (a constraint)
    return can_manage_region(user, issuer)


def can_enter_spending(user: AnyUser, school: OrgNode) -> bool:
    return school.kind == OrgKind.SCHOOL and scope_of(user).has_role_over(
        school.path, SCHOOL_ENTRY_ROLES + (Role.ADMIN,))


def can_check_spending(user: AnyUser, school: OrgNode) -> bool:
    """The county's check: managers at a region above the school (not the school's own people)."""
    scope = scope_of(user)
    return scope.is_sysadmin or any(g.role in MANAGER_ROLES and g.node_kind != OrgKind.SCHOOL
                                    and school.path.startswith(g.path) for g in scope.grants)


def entry_schools(user: AnyUser) -> OrgNodeQuerySet:
    """The schools whose spending the user may enter."""
    scope = scope_of(user)
    qs = schools_visible_to(user)
    if scope.is_sysadmin:
        return qs
    paths = [g.path for g in scope.grants if g.role in SCHOOL_ENTRY_ROLES + (Role.ADMIN,)]
    return qs.filter(under_q(paths, "path")) if paths else qs.none()


def can_enter_somewhere(user: AnyUser) -> bool:
    scope = scope_of(user)
    return scope.is_sysadmin or bool(scope.roles & set(SCHOOL_ENTRY_ROLES + (Role.ADMIN,)))


# ---------------------------------------------------------------- single objects


def get_meeting_for_user(user: AnyUser, meeting_id: int, *, write: bool = False) -> GovMeeting:
    meeting = meetings_visible_to(user).filter(pk=meeting_id).first()
    if meeting is None or (write and not can_record_meeting(user, meeting.region)):
        raise Http404("没有找到该会议")
    return meeting


def get_decision_for_user(user: AnyUser, decision_id: int, *, write: bool = False) -> MeetingDecision:
    decision = (MeetingDecision.objects.filter(pk=decision_id, meeting__in=meetings_visible_to(user))
                .select_related("meeting__region").first())
    if decision is None or (write and not can_record_meeting(user, decision.meeting.region)):
        raise Http404("没有找到该决定事项")
    return decision


def get_plan_for_user(user: AnyUser, plan_id: int, *, write: bool = False) -> WorkPlan:
    plan = plans_visible_to(user).filter(pk=plan_id).first()
    if plan is None or (write and not can_manage_region(user, plan.region)):
        raise Http404("没有找到该工作要点")
    return plan


def get_item_for_user(user: AnyUser, item_id: int) -> PlanItem:
    item = items_visible_to(user).filter(pk=item_id).first()
    if item is None:
        raise Http404("没有找到该工作事项")
    return item


def get_task_for_user(user: AnyUser, task_id: int, *, write: bool = False) -> GovTask:
    task = tasks_visible_to(user).filter(pk=task_id).first()
    if task is None or (write and not can_update_task(user, task)):
        raise Http404("没有找到该任务")
    return task


def get_spending_for_user(user: AnyUser, spending_id: int, *, write: bool = False,
                          check: bool = False) -> SchoolSpending:
    record = spendings_visible_to(user).filter(pk=spending_id).first()
    if record is None or (write and not can_enter_spending(user, record.school)) or (
            check and not can_check_spending(user, record.school)):
        raise Http404("没有找到该经费记录")
    return record
