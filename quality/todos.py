"""The quality app's items of the workbench's to-do list (core.todo_selectors reads `todo_items`
through QualityConfig.todo_items)."""

from __future__ import annotations

from django.db.models import Count, Max
from django.urls import reverse

from core.todo import Todo
from core.todo_selectors import TodoContext
from quality.access import can_manage_exam, exams_visible_to, warnings_visible_to
from quality.models import BatchStatus, ImportBatch, WarningStatus


def todo_items(ctx: TodoContext) -> list[Todo]:
    """Open warnings to handle; score files waiting for their columns to be mapped."""
    user, region_reader = ctx.user, ctx.region_reader
    if not (region_reader or ctx.leader or ctx.me is not None):
        return []
    out: list[Todo] = []
    # How many, and the newest (the one a single warning links to), in one query.
    found = warnings_visible_to(user).filter(status=WarningStatus.OPEN).aggregate(n=Count("pk"), first=Max("pk"))
    n, first = found["n"], found["first"]
    if n:
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
