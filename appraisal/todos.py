"""The governance items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through AppraisalConfig.todo_items): the open tasks of a meeting's decisions and of a yearly
plan that fall to the user, due within two weeks or overdue: the tasks he owns, and those of the
nodes where he holds a manager post himself (not every school below a county admin)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from appraisal.governance_access import own_nodes, tasks_visible_to
from appraisal.models.governance import TaskStatus
from core.todo import Todo
from core.todo_selectors import TodoContext

# How far ahead a task's due date puts it on the list.
DUE_WITHIN = dt.timedelta(days=14)
KIND = "gov_tasks"


def todo_items(ctx: TodoContext, *, today: dt.date | None = None) -> list[Todo]:
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
    return [Todo(KIND, title, reverse("appraisal:governance_tasks"), count=len(due), detail=detail,
                 urgent=bool(overdue))]
