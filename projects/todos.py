"""The projects app's items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through ProjectsConfig.todo_items): reviews the user must submit as an expert, and applications
waiting for the user's approving body."""

from __future__ import annotations

from django.urls import reverse

from core.todo import Todo
from core.todo_selectors import TodoContext
from projects import access
from projects.models import ProjectStatus


def todo_items(ctx: TodoContext) -> list[Todo]:
    out: list[Todo] = []
    # The expert's own open reviews (a handful): counted and the first one's title in one query.
    titles = list(access.reviews_assigned_to(ctx.user).filter(submitted_at__isnull=True)
                  .order_by("due", "id").values_list("project__title", flat=True))
    n = len(titles)
    if n:
        out.append(Todo("project_reviews", f"{n}项课题评审待提交", reverse("projects:reviews"), count=n,
                        detail=titles[0]))
    waiting = access.managed_by(ctx.user).filter(status=ProjectStatus.APPLIED).count()
    if waiting:
        out.append(Todo("project_applications", f"{waiting}项课题申报待立项",
                        f"{reverse('projects:home')}?side=managed&status=applied", count=waiting,
                        detail="审核申报书，决定立项或退回撤销"))
    return out
