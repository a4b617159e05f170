"""The appraisal app's items of the workbench's to-do list (core.todo_selectors reads
`todo_items` through AppraisalConfig.todo_items), each read through the area's access module:

- gov_tasks: the open tasks of a meeting's decisions and of a yearly plan that fall to the user,
  due within two weeks or overdue: the tasks he owns, and those of the nodes where he holds a
  manager post himself (not every school below a county admin);
- campaign_scores: campaign subjects whose next stage is the user's to score (self-assessment,
  the school's stage, a stage he is named for);
- objections: open objections (申诉) of the campaigns the user runs;
- researcher_check: a computed researcher appraisal the user runs, its figures to check and
  adjust before the rating opens;
- researcher_rating: a researcher appraisal's questionnaire open to the user, not yet answered;
- report_issue: a yearly report draft of an institution whose reports the user issues."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from appraisal import campaign_access, report_access, researcher_access
from appraisal.governance_access import own_nodes, tasks_visible_to
from appraisal.models import ResearcherAppraisal
from appraisal.models.governance import TaskStatus
from appraisal.services.researchers import has_rated
from core.models import User
from core.todo import Todo
from core.todo_selectors import TodoContext

# How far ahead a task's due date puts it on the list.
DUE_WITHIN = dt.timedelta(days=14)


def todo_items(ctx: TodoContext, *, today: dt.date | None = None) -> list[Todo]:
    return [*gov_tasks(ctx, today=today), *campaign_scores(ctx), *objections(ctx), *researcher_check(ctx),
            *researcher_rating(ctx), *report_issue(ctx)]


def gov_tasks(ctx: TodoContext, *, today: dt.date | None = None) -> list[Todo]:
    day = today or timezone.localdate()
    nodes = own_nodes(ctx.user)
    mine = Q(node_id__in=nodes) if nodes else Q(pk__in=[])
    if ctx.me is not None:
        mine |= Q(owner_id=ctx.me)
    due = list(tasks_visible_to(ctx.user).filter(mine, status=TaskStatus.OPEN, due__lte=day + DUE_WITHIN)
               .order_by("due", "id")[:50])
    if not due:
        return []
    overdue = [t for t in due if t.due < day]
    first = due[0]
    title = (f"{len(overdue)}项任务已逾期" if overdue else f"{len(due)}项任务两周内到期")
    detail = f"最近：{first.title}（{first.node.name}，{first.due:%m月%d日}前）"
    return [Todo("gov_tasks", title, reverse("appraisal:governance_tasks"), count=len(due), detail=detail,
                 urgent=bool(overdue))]


def campaign_scores(ctx: TodoContext) -> list[Todo]:
    waiting = campaign_access.subjects_waiting_for(ctx.user)
    if not waiting:
        return []
    first, stage = waiting[0]
    campaigns = {s.campaign_id for s, _ in waiting}
    if len(waiting) == 1:
        url = reverse("appraisal:campaign_score", args=[first.pk, stage["key"]])
    elif len(campaigns) == 1:
        url = reverse("appraisal:campaign", args=[first.campaign_id])
    else:
        url = reverse("appraisal:campaigns")
    more = f"等{len(campaigns)}项考评" if len(campaigns) > 1 else ""
    return [Todo("campaign_scores", f"{len(waiting)}个考评对象待评分", url, count=len(waiting),
                 detail=f"{first.campaign.title}{more}：{first.label}（{stage['label']}）")]


def objections(ctx: TodoContext) -> list[Todo]:
    rows = campaign_access.objections_to_handle(ctx.user)
    if not rows:
        return []
    first = rows[0]
    url = (reverse("appraisal:campaign_objection", args=[first.pk]) if len(rows) == 1
           else reverse("appraisal:campaign", args=[first.subject.campaign_id]))
    return [Todo("objections", f"{len(rows)}项申诉待处理", url, count=len(rows),
                 detail=f"{first.subject.campaign.title}：{first.subject.label}（{first.raised_on:%m月%d日}提出）")]


def _appraisal_label(a: ResearcherAppraisal) -> str:
    return f"{a.region.name}{a.year}年度教研员考核"


def researcher_check(ctx: TodoContext) -> list[Todo]:
    return [Todo("researcher_check", f"{_appraisal_label(a)}已计算，待核定工作量",
                 reverse("appraisal:researcher_appraisal", args=[a.pk]),
                 detail="核对各项工作量（调整须说明理由）后开放教师和学校评价")
            for a in researcher_access.appraisals_to_check(ctx.user)]


def researcher_rating(ctx: TodoContext) -> list[Todo]:
    user = ctx.user
    if not isinstance(user, User):
        return []
    return [Todo("researcher_rating", f"请评价{_appraisal_label(a)}中的教研员",
                 reverse("appraisal:researcher_rate", args=[a.pk]), detail="匿名评价，每人一次")
            for a in researcher_access.ratable_appraisals(user).order_by("-year", "region__path")[:10]
            if not has_rated(a, user)]


def report_issue(ctx: TodoContext) -> list[Todo]:
    return [Todo("report_issue", f"{r.title}（草稿）待发布", reverse("appraisal:report_detail", args=[r.pk]),
                 detail=f"生成于{timezone.localtime(r.generated_at):%m月%d日}，审定后发布")
            for r in report_access.reports_to_issue(ctx.user)]
