"""The visits app's contribution to the teacher archive (observe.archive): the findings about a
teacher with their rectification chain, as the viewer may see them (visits.access)."""

from __future__ import annotations

from django.urls import reverse

from core.access import AnyUser
from core.models import Person
from observe.archive import ArchiveEntry, register_source
from visits.access import findings_visible_to

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
