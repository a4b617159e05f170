"""What each user must do next (the workbench's to-do list), gathered from each app's access
modules and selectors; the order is core.todo's.

The core knows no domain app by import at module level: the observation and quality items are
read only when those apps are installed, through their access modules (observe.access,
quality.access) and their selectors (observe.quotas.quota_report, visits.selectors.todo_counts), never their tables directly
except counts on querysets those access modules return.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import reverse

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


def shortfalls_for(user: AnyUser, node: OrgNode, term: Term | None, limit: int = SHORTFALL_LIMIT
                   ) -> list[NormResult]:
    """The norms falling short in the user's scope, worst first (counts of the stored results)."""
    return compliance_shortfalls(user, node, term, limit=limit)


def _observe_todos(user: AnyUser, me: int, schools: list[OrgNode]) -> list[Todo]:
    from observe.access import HEAD_ROLES, MIDDLE_ROLES, can_observe, observations_visible_to
    from observe.models import ObservationStatus
    from observe.quotas import BEHIND, quota_report

    out: list[Todo] = []
    visible = observations_visible_to(user)
    mine = visible.filter(teacher_id=me, status=ObservationStatus.SUBMITTED)
    unread = list(mine.filter(read_at__isnull=True).order_by("-date", "-id").values_list("pk", flat=True)[:50])
    if unread:
        out.append(Todo("feedback", f"{len(unread)}条新的评课意见待阅读",
                        reverse("observe:detail", args=[unread[0]]) if len(unread) == 1 else reverse("observe:received"),
                        count=len(unread), detail="听课人已提交对您课堂的评价"))
    due = list(mine.filter(read_at__isnull=False, reflection="").order_by("-date", "-id")
               .values_list("pk", flat=True)[:50])
    if due:
        out.append(Todo("reflection", f"{len(due)}节课的教学反思待写",
                        reverse("observe:detail", args=[due[0]]) + "#feedback" if len(due) == 1
                        else reverse("observe:received"), count=len(due), detail="读过评课意见后写下教学反思"))
    if not can_observe(user):
        return out
    drafts = list(visible.filter(observer_id=me, status=ObservationStatus.DRAFT).order_by("-date", "-id")
                  .values_list("pk", flat=True)[:50])
    if drafts:
        out.append(Todo("draft", f"{len(drafts)}份听课记录草稿待完成",
                        reverse("observe:edit", args=[drafts[0]]) if len(drafts) == 1 else reverse("observe:home"),
                        count=len(drafts), detail="完成评分并提交，授课教师才能看到评课意见"))
    scope = scope_of(user)
    for school in schools:
        roles = {g.role for g in scope.grants if g.node_id == school.pk}
        if not roles & {*HEAD_ROLES, *MIDDLE_ROLES}:
            continue
        term = current_term(school)
        if term is None:
            continue
        report = quota_report(user, school, term)
        quota_url = f"{reverse('observe:quota')}?node={school.code}"
        row = next((r for r in report.leaders if r.person_id == me), None)
        if row is not None:
            out.append(Todo("quota", f"我的听课任务：已听{row.count}节，共{row.quota:g}节",
                            quota_url, detail=f"按进度此时应听{row.expected:g}节 · {row.status_label}",
                            urgent=row.status == BEHIND))
        coverage = report.schools[0] if report.schools else None
        if coverage is not None and coverage.unobserved:
            nxt = coverage.unobserved[0]
            out.append(Todo("plan", f"下一节：听{nxt.name}的课",
                            f"{reverse('observe:new')}?teacher={nxt.code}", count=len(coverage.unobserved),
                            detail=f"本学期尚有{len(coverage.unobserved)}名教师未被校领导听课"))
        if roles & set(HEAD_ROLES):
            behind = [r for r in report.behind if r.person_id != me]
            if behind:
                names = "、".join(r.name for r in behind[:3]) + ("等" if len(behind) > 3 else "")
                out.append(Todo("leaders_behind", f"{len(behind)}位校领导听课落后进度", quota_url,
                                count=len(behind), detail=names, urgent=True))
    return out


def _quality_todos(user: AnyUser, *, region_reader: bool) -> list[Todo]:
    from quality.access import can_manage_exam, exams_visible_to, warnings_visible_to
    from quality.models import BatchStatus, ImportBatch, WarningStatus

    out: list[Todo] = []
    open_warnings = warnings_visible_to(user).filter(status=WarningStatus.OPEN)
    n = open_warnings.count()
    if n:
        first = open_warnings.order_by("-id").values_list("pk", flat=True).first()
        out.append(Todo("warnings", f"{n}条质量预警待处理",
                        reverse("quality:warning_detail", args=[first]) if n == 1 else reverse("quality:warning_list"),
                        count=n, detail="指定负责人和处理措施"))
    batches = list(ImportBatch.objects.filter(status=BatchStatus.MAPPING, exam__in=exams_visible_to(user))
                   .select_related("exam__org").order_by("-id")[:50])
    waiting = [b for b in batches if b.created_by_id == getattr(user, "pk", None)
               or (region_reader and can_manage_exam(user, b.exam))]
    if waiting:
        out.append(Todo("imports", f"{len(waiting)}个成绩文件待确认列对应",
                        reverse("quality:import_detail", args=[waiting[0].pk]), count=len(waiting),
                        detail=waiting[0].exam.name))
    return out


def _visits_todos(user: AnyUser, me: int | None, node: OrgNode | None, term: Term | None, *,
                  region_reader: bool) -> list[Todo]:
    from visits.selectors import todo_counts

    c = todo_counts(user, me, node, term, region_reader=region_reader)
    out: list[Todo] = []
    if c.today_visit_id is not None:
        out.append(Todo("visit_today", f"今天到{c.today_school}视导", reverse("visits:onsite", args=[c.today_visit_id]),
                        detail=c.today_title))
    if c.to_answer:
        out.append(Todo("findings_answer", f"{c.to_answer}项问题待整改反馈",
                        f"{reverse('visits:findings')}?status=open", count=c.to_answer, urgent=c.to_answer_overdue > 0,
                        detail=f"其中{c.to_answer_overdue}项已逾期" if c.to_answer_overdue else "按期限提交整改情况和佐证"))
    if c.to_verify:
        out.append(Todo("findings_verify", f"{c.to_verify}项整改反馈待验收",
                        f"{reverse('visits:findings')}?status=answered", count=c.to_verify, detail="验收通过或退回重改"))
    if c.unvisited and node is not None and term is not None:
        out.append(Todo("unvisited", f"{c.unvisited}所学校本学期尚未视导", reverse("visits:home"),
                        count=c.unvisited, detail="、".join(c.unvisited_names) + ("等" if c.unvisited > 3 else "")))
    return out


def todos_for(user: AnyUser, node: OrgNode | None, term: Term | None) -> list[Todo]:
    """The user's to-do list, ordered (core.todo.order_todos), at most TODO_LIMIT items."""
    scope = scope_of(user)
    items: list[Todo] = []
    me = scope.person_id
    school_ids = sorted({g.node_id for g in scope.grants if g.node_kind == OrgKind.SCHOOL})
    schools = list(OrgNode.objects.filter(pk__in=school_ids).order_by("path"))
    region_reader = scope.is_sysadmin or any(g.role in REGION_READER_ROLES and g.node_kind != OrgKind.SCHOOL
                                             for g in scope.grants)
    if me is not None and apps.is_installed("observe"):
        items += _observe_todos(user, me, schools)
    for school in schools:
        if not can_edit_groups(user, school):
            continue
        t = current_term(school)
        if t is None:
            continue
        groups = groups_visible_to(user).filter(school=school, term_key=t.key, kind=GroupKind.SUBJECT)
        pending = groups.exclude(status=GroupStatus.CONFIRMED).count()
        url = f"{reverse('school_groups', args=[school.code])}?term={t.key}"
        if not groups.exists():
            items.append(Todo("groups_confirm", f"{school.name}本学期尚未组建教研组", url,
                              detail="按规则生成建议方案后确认"))
        elif pending:
            items.append(Todo("groups_confirm", f"{pending}个教研组待确认", url, count=pending,
                              detail=f"{school.name} · {t.label}"))
    if apps.is_installed("quality") and (region_reader or any(g.role in LEADER_ROLES for g in scope.grants)
                                         or me is not None):
        items += _quality_todos(user, region_reader=region_reader)
    if apps.is_installed("visits"):
        items += _visits_todos(user, me, node, term, region_reader=region_reader)
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
        members = list(group_members_visible_to(user, g))
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
