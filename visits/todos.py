"""The visits app's items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through VisitsConfig.todo_items)."""

from __future__ import annotations

from django.urls import reverse

from core.todo import Todo
from core.todo_selectors import TodoContext
from visits.selectors import todo_counts


def todo_items(ctx: TodoContext) -> list[Todo]:
    """Today's visit day; problems to answer (overdue first) and answers to verify; schools not
    yet visited this term."""
    node, term = ctx.node, ctx.term
    c = todo_counts(ctx.user, ctx.me, node, term, region_reader=ctx.region_reader)
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
