"""The observation app's items of the workbench's to-do list (core.todo_selectors reads
`todo_items` through ObserveConfig.todo_items)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from core.access import scope_of
from core.todo import Todo
from core.todo_selectors import TodoContext
from observe.access import HEAD_ROLES, MIDDLE_ROLES, can_observe, observations_visible_to
from observe.models import ObservationStatus
from observe.quotas import BEHIND, quota_report


def todo_items(ctx: TodoContext) -> list[Todo]:
    """Feedback to read and reflections to write (the teacher); drafts to finish, one's quota and
    the next lesson to observe (leaders); leaders behind pace (the principal)."""
    user, me, schools = ctx.user, ctx.me, ctx.schools
    if me is None:
        return []
    out: list[Todo] = []
    observer = can_observe(user)
    # One query for the three lists (feedback unread, reflections due, own drafts), each as before
    # newest first and at most 50; the rows are the user's own lessons and drafts.
    received = Q(teacher_id=me, status=ObservationStatus.SUBMITTED) & (Q(read_at__isnull=True) | Q(reflection=""))
    wanted = (received | Q(observer_id=me, status=ObservationStatus.DRAFT)) if observer else received
    unread: list[int] = []
    due: list[int] = []
    drafts: list[int] = []
    for pk, status, read_at in (observations_visible_to(user).filter(wanted).order_by("-date", "-id")
                                .values_list("pk", "status", "read_at")):
        if status != ObservationStatus.SUBMITTED:
            drafts.append(pk)
        elif read_at is None:
            unread.append(pk)
        else:
            due.append(pk)
    unread, due, drafts = unread[:50], due[:50], drafts[:50]
    if unread:
        out.append(Todo("feedback", f"{len(unread)}条新的评课意见待阅读",
                        reverse("observe:detail", args=[unread[0]]) if len(unread) == 1 else reverse("observe:received"),
                        count=len(unread), detail="听课人已提交对您课堂的评价"))
    if due:
        out.append(Todo("reflection", f"{len(due)}节课的教学反思待写",
                        reverse("observe:detail", args=[due[0]]) + "#feedback" if len(due) == 1
                        else reverse("observe:received"), count=len(due), detail="读过评课意见后写下教学反思"))
    if not observer:
        return out
    if drafts:
        out.append(Todo("draft", f"{len(drafts)}份听课记录草稿待完成",
                        reverse("observe:edit", args=[drafts[0]]) if len(drafts) == 1 else reverse("observe:home"),
                        count=len(drafts), detail="完成评分并提交，授课教师才能看到评课意见"))
    scope = scope_of(user)
    for school in schools:
        roles = {g.role for g in scope.grants if g.node_id == school.pk}
        if not roles & {*HEAD_ROLES, *MIDDLE_ROLES}:
            continue
        term = ctx.term_at(school)
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
