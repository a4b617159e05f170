"""The growth app's items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through GrowthConfig.todo_items): a researcher's own training hours short of the year's target
once the second half of the year has begun (000 §12), and the member's own tier duties not yet
taught this term (001 一(二)二)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from core.access import scope_of
from core.models import RESEARCHER_ROLES, Person
from core.todo import Todo
from core.todo_selectors import TodoContext
from growth import rules, selectors
from growth.access import members_visible_to, trainings_visible_to
from growth.models import MemberStatus


def todo_items(ctx: TodoContext) -> list[Todo]:
    if ctx.me is None:
        return []
    out: list[Todo] = []
    today = timezone.localdate()
    me = Person.objects.filter(pk=ctx.me).select_related("org").first()
    if me is None:
        return []
    # The user's active posts are in the request's scope already (core.access.scope_of).
    if today.month >= 7 and any(g.role in RESEARCHER_ROLES for g in scope_of(ctx.user).grants):
        first, last = rules.year_bounds(today.year)
        hours = rules.hours_by_person(trainings_visible_to(ctx.user).filter(
            person_id=ctx.me, end__gte=first, end__lte=last).values_list("person_id", "hours")).get(ctx.me, Decimal(0))
        standing = rules.hours_standing(hours, selectors.training_target(me.org))
        if not standing.meets:
            out.append(Todo("training_short", f"本年度培训还差{rules.fmt_hours(standing.short_by)}学时",
                            reverse("growth:training_person", args=[me.code]) + f"?year={today.year}",
                            detail=standing.detail, urgent=today.month >= 11))
    if ctx.term is not None:
        for m in members_visible_to(ctx.user).filter(person_id=ctx.me, status=MemberStatus.ACTIVE)[:5]:
            short = [r for r in selectors.duty_rows(ctx.user, m.programme, ctx.term)
                     if r.member.pk == m.pk and not r.standing.meets]
            if short:
                lessons = "、".join(f"{r.standing.short}节{r.duty.lesson_kind_label}" for r in short)
                out.append(Todo("programme_duty", f"{m.tier.name}职责：还差{lessons}",
                                reverse("growth:programme_detail", args=[m.programme_id]),
                                count=sum(r.standing.short for r in short), detail=m.programme.name))
    return out
