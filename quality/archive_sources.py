"""The quality app's contribution to the teacher archive's problems (observe.archive): the early
warnings raised about a teacher (a person named on the warning, such as TEACHER.BELOW_PEERS), as
the viewer may see them (quality.access). Followed up once an action is recorded on the warning
or it has moved on from 待处理."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser
from core.models import Person
from observe.archive import ArchiveProblem, ProblemSource, register_problems
from quality.access import warnings_visible_to
from quality.models import EarlyWarning, WarningAction, WarningStatus

KEY = "quality.warnings"
ARCHIVE_LIMIT = 100


def warnings_counted(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return (EarlyWarning.objects.filter(person__isnull=False, created_at__date__gte=start, created_at__date__lte=end)
            .annotate(archive_person=F("person_id"),
                      archive_followed=ExpressionWrapper(
                          Exists(WarningAction.objects.filter(warning=OuterRef("pk"))) | ~Q(status=WarningStatus.OPEN),
                          output_field=BooleanField())))


def warnings_about(user: AnyUser, person: Person) -> list[ArchiveProblem]:
    qs = warnings_visible_to(user).filter(person=person).prefetch_related("actions").order_by("-created_at")
    out = []
    for w in qs[:ARCHIVE_LIMIT]:
        actions = tuple((a.due, f"{a.get_kind_display()}：{a.note}（期限{a.due:%Y-%m-%d}）") for a in w.actions.all())
        out.append(ArchiveProblem(
            source=KEY, problem_id=w.pk, date=timezone.localdate(w.created_at), kind_label="质量预警",
            title=f"{w.title}（{w.get_status_display()}）", url=reverse("quality:warning_detail", args=[w.pk]),
            detail=w.exam.name if w.exam_id else "", actions=actions,
            followed=bool(actions) or w.status != WarningStatus.OPEN))
    return out


register_problems(ProblemSource(KEY, "质量预警", warnings_counted, warnings_about))
