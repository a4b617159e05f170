"""The projects app's contribution to the teacher archive (observe.archive): the research projects
a teacher leads or belongs to, with their stages, reviews and outcomes, as the viewer may see them
(projects.access). For TEACHER.ARCHIVE an approved project the teacher leads or belongs to, running
in the window (approved by its end, not concluded before its start), counts as growth."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core.access import AnyUser
from core.models import Person
from observe.archive import ArchiveEntry, GrowthMeasure, register_growth, register_source
from projects.models import MemberRole, Project, ProjectMember
from projects.selectors import projects_of_person

ARCHIVE_LIMIT = 200


def projects_of(user: AnyUser, person: Person) -> list[ArchiveEntry]:
    projects = list(projects_of_person(user, person).prefetch_related("outcomes", "steps")[:ARCHIVE_LIMIT])
    roles = dict(ProjectMember.objects.filter(person=person, project__in=[p.pk for p in projects])
                 .values_list("project_id", "role"))
    out = []
    for p in projects:
        role = "主持人" if p.leader_id == person.pk else (MemberRole(roles[p.pk]).label if p.pk in roles else "成员")
        lines: list[tuple[str, str]] = [("角色", role), ("承担单位", p.owner.name)]
        if p.number:
            lines.append(("立项编号", p.number))
        for s in p.steps.all():
            lines.append((f"{s.get_status_display()} {s.date:%Y-%m-%d}", s.note or ""))
        for o in p.outcomes.all():
            lines.append((f"成果（{o.get_kind_display()}）", f"{o.title}{'，' + o.get_level_display() if o.level else ''}"))
        tags = [p.get_level_display(), p.get_status_display()] + (["重点课题"] if p.is_key else [])
        out.append(ArchiveEntry(
            date=p.approved_on or p.applied_on, source="projects.projects", kind_label="课题研究",
            title=f"{p.get_level_display()}课题：{p.title}", url=reverse("projects:detail", args=[p.pk]),
            lines=tuple(lines), tags=tuple(tags), sort_key=(p.pk,)))
    return out


register_source("projects.projects", projects_of)


def _projects(start: dt.date, end: dt.date) -> Exists | Q:
    running = (Project.objects.approved().filter(approved_on__lte=end)
               .filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=start)))
    return (Exists(running.filter(leader=OuterRef("pk")))
            | Exists(ProjectMember.objects.filter(person=OuterRef("pk"), project__in=running)))


register_growth(GrowthMeasure("projects.projects", "课题研究", _projects))
