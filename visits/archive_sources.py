"""The visits app's contribution to the teacher archive (observe.archive): the findings about a
teacher with their rectification chain, as the viewer may see them (visits.access). For TEACHER.ARCHIVE a finding naming the teacher that
needs rectification is a problem, followed up once it has a measure and a deadline (or is closed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser
from core.models import Person
from observe.archive import ArchiveEntry, ArchiveProblem, ProblemSource, register_problems, register_source
from visits.access import findings_visible_to
from visits.models import Finding, FindingQuerySet, FindingStatus

ARCHIVE_LIMIT = 300


def findings_about(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    qs = (findings_visible_to(user).filter(teacher=person).with_refs().prefetch_related("entries")
          .order_by("-found_on", "-id")[:ARCHIVE_LIMIT])
    out = []
    for f in qs:
        lines: list[tuple[str, str]] = [("问题", f.description)]
        if f.measure:
            lines.append(("整改措施", f.measure))
        for e in f.entries.all():
            lines.append((f"{e.get_step_display()} {e.created_at:%Y-%m-%d}", e.text or e.get_status_after_display()))
        source = f.visit.title if f.visit is not None else "巡课" if f.source_kind == "walkthrough" else "听评课"
        out.append(ArchiveEntry(
            date=f.found_on, source="visits.findings", kind_label="亮点" if f.is_strength else "视导发现",
            title=f"{source}：{f.get_area_display()}（{f.school.name}）", url=reverse("visits:finding_detail", args=[f.pk]),
            lines=tuple(lines), tags=(f.get_status_display(),), sort_key=(f.pk,)))
    return out


register_source("visits.findings", findings_about)


KEY = "visits.findings"
_PLANNED = (~Q(measure="") & Q(deadline__isnull=False)) | Q(status=FindingStatus.CLOSED)


def _problems(qs: FindingQuerySet) -> FindingQuerySet:
    return qs.filter(teacher__isnull=False, is_strength=False, needs_rectification=True)


def findings_counted(start: dt.date, end: dt.date) -> QuerySet[Any]:
    return (_problems(Finding.objects.filter(found_on__gte=start, found_on__lte=end))
            .annotate(archive_person=F("teacher_id"),
                      archive_followed=Case(When(_PLANNED, then=Value(True)), default=Value(False),
                                            output_field=BooleanField())))


def findings_problems(user: AnyUser, person: Person) -> list[ArchiveProblem]:
    qs = (_problems(findings_visible_to(user).filter(teacher=person)).with_refs().prefetch_related("entries")
          .order_by("-found_on", "-id")[:ARCHIVE_LIMIT])
    out = []
    for f in qs:
        actions: list[tuple[dt.date | None, str]] = []
        if f.measure.strip():
            actions.append((f.deadline, f"整改措施：{f.measure.strip()}"
                            + (f"（期限{f.deadline:%Y-%m-%d}）" if f.deadline else "（未定期限）")))
        for e in f.entries.all():
            actions.append((timezone.localdate(e.created_at), f"{e.get_step_display()}：{e.text or e.get_status_after_display()}"))
        source = f.visit.title if f.visit is not None else "巡课" if f.source_kind == "walkthrough" else "听评课"
        out.append(ArchiveProblem(
            source=KEY, problem_id=f.pk, date=f.found_on, kind_label="视导发现问题",
            title=f"{source}：{f.get_area_display()}（{f.get_status_display()}）",
            url=reverse("visits:finding_detail", args=[f.pk]), detail=f.description, actions=tuple(actions),
            followed=bool(f.measure.strip() and f.deadline is not None) or f.status == FindingStatus.CLOSED))
    return out


register_problems(ProblemSource(KEY, "视导发现涉及本人的问题", findings_counted, findings_problems))
