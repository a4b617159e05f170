"""The liaison app's contribution to the teacher archive (observe.archive): the follow-up
guidance plans for a teacher (跟进式指导, 002 四(六)) and the teacher's own links as a backbone
teacher, as the viewer may see them (liaison.access). A guidance plan links to its link's page
only for a viewer who may open that page (the teacher guided reads the plan here, not the link)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser
from core.models import Person
from liaison.access import guidance_visible_to, links_visible_to
from observe.archive import ArchiveEntry, register_source

ARCHIVE_LIMIT = 100


def guidance_for(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    plans = list(guidance_visible_to(user).filter(teacher=person).order_by("-created_at")[:ARCHIVE_LIMIT])
    openable = set(links_visible_to(user).filter(pk__in=[p.link_id for p in plans]).values_list("pk", flat=True))
    out = []
    for p in plans:
        lines: list[tuple[str, str]] = [("教师现状", p.current_level), ("发展目标", p.goals)]
        if p.measures:
            lines.append(("指导措施", p.measures))
        if p.case_text:
            lines.append(("指导案例", p.case_text))
        out.append(ArchiveEntry(
            date=timezone.localdate(p.created_at), source="liaison.guidance", kind_label="跟进式指导",
            title=f"{p.link.person.name}的跟进式指导方案（{p.link.school.name}）",
            url=reverse("liaison:link_detail", args=[p.link_id]) + "#guidance" if p.link_id in openable else "",
            lines=tuple(lines), tags=(p.get_status_display(),), sort_key=(p.pk,)))
    return out


def links_of(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    out = []
    for lk in links_visible_to(user).filter(person=person).order_by("-round__start_year", "school__path")[:ARCHIVE_LIMIT]:
        out.append(ArchiveEntry(
            date=lk.round.impl_start, source="liaison.links", kind_label="定点联系",
            title=f"{lk.round.title}：联系{lk.school.name}", url=reverse("liaison:link_detail", args=[lk.pk]),
            lines=(("联系理由", lk.reason),) if lk.reason else (), tags=(lk.get_status_display(),), sort_key=(lk.pk,)))
    return out


register_source("liaison.guidance", guidance_for)
register_source("liaison.links", links_of)
