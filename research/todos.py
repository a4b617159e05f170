"""The research app's items of the workbench's to-do list (core.todo_selectors reads
`todo_items` through ResearchConfig.todo_items)."""

from __future__ import annotations

from django.urls import reverse

from core.todo import Todo
from core.todo_selectors import TodoContext
from research.activity_selectors import todo_counts


def todo_items(ctx: TodoContext) -> list[Todo]:
    """Activities the user hosts that took place without a written outcome; today's activity
    the user is invited to and has not signed in to."""
    c = todo_counts(ctx.user, ctx.me)
    out: list[Todo] = []
    if c.today_id is not None:
        out.append(Todo("activity_today", f"今天参加教研活动：{c.today_title}",
                        reverse("research:activity_detail", args=[c.today_id]), detail="到场后扫描现场二维码签到"))
    if c.lacking_outcome and c.lacking_first_id is not None:
        url = (reverse("research:activity_detail", args=[c.lacking_first_id]) + "#outcome"
               if c.lacking_outcome == 1 else f"{reverse('research:activities')}?side=mine")
        out.append(Todo("activity_outcome", f"{c.lacking_outcome}项主持的教研活动待提交成果", url,
                        count=c.lacking_outcome, detail="填写或上传案例、研究报告或纪要，然后结束活动"))
    return out
