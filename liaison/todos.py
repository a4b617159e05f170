"""The liaison app's items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through LiaisonConfig.todo_items): a linked person short of the semester's on-site days
(RES.ONSITE), and a school's plans waiting for its principal's agreement."""

from __future__ import annotations

from django.urls import reverse

from core.compliance import effective_threshold
from core.todo import Todo
from core.todo_selectors import TodoContext
from liaison import rules
from liaison.access import can_agree_plan, links_visible_to, onsite_days_visible_to
from liaison.models import LinkStatus, PlanStatus


def todo_items(ctx: TodoContext) -> list[Todo]:
    out: list[Todo] = []
    term = ctx.term
    if ctx.me is not None and term is not None:
        mine = list(links_visible_to(ctx.user).filter(person_id=ctx.me, status=LinkStatus.ACCEPTED,
                                                      round__status="implementation",
                                                      round__impl_start__lte=term.end, round__impl_end__gte=term.start))
        if mine:
            days = rules.working_days(
                (d, 1.0 if p == "full" else 0.5) for d, p in onsite_days_visible_to(ctx.user).filter(
                    link__in=mine, date__gte=term.start, date__lte=term.end).values_list("date", "portion"))
            target = effective_threshold("RES.ONSITE", mine[0].round.institution) or 5.0
            if days < target:
                out.append(Todo("liaison_onsite", f"本学期驻校工作{days:g}天，还差{target - days:g}天",
                                reverse("liaison:link_detail", args=[mine[0].pk]), count=1,
                                detail="、".join(lk.school.name for lk in mine[:3])))
    if ctx.leader and ctx.schools:
        drafts = [lk for lk in links_visible_to(ctx.user).filter(school__in=ctx.schools, plan__status=PlanStatus.DRAFT)
                  .exclude(status=LinkStatus.ENDED)[:20] if can_agree_plan(ctx.user, lk)]
        if drafts:
            out.append(Todo("liaison_plan", f"{len(drafts)}份定点联系工作计划待学校确认",
                            reverse("liaison:link_detail", args=[drafts[0].pk]) + "#plan", count=len(drafts),
                            detail="、".join(f"{lk.person.name}（{lk.round.title}）" for lk in drafts[:3])))
    return out

