"""Reads of the projects app shared by the pages and the API, always through projects.access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q

from core.access import AnyUser, scope_of
from core.models import Level, OrgNode, Person
from projects import access, lifecycle
from projects.models import Project, ProjectMember, ProjectQuerySet, ProjectStatus

SIDES = ("mine", "managed", "reviewing")


@dataclass(frozen=True)
class ProjectFilter:
    level: str = ""
    status: str = ""
    subject_id: int | None = None
    year: int | None = None
    side: str = ""  # "mine" (leader or member), "managed" (the user approves), "reviewing"
    q: str = ""
    node: OrgNode | None = None  # owned at or under this node


def year_q(year: int) -> Q:
    """Projects counted in `year`: approved (立项) that year, or applied that year and not approved."""
    return Q(approved_on__year=year) | Q(approved_on__isnull=True, applied_on__year=year)


def projects_list(user: AnyUser, f: ProjectFilter) -> ProjectQuerySet:
    qs = access.projects_visible_to(user).with_refs()
    if f.level in Level.values:
        qs = qs.filter(level=f.level)
    if f.status in ProjectStatus.values:
        qs = qs.filter(status=f.status)
    if f.subject_id is not None:
        qs = qs.filter(subject_id=f.subject_id)
    if f.year is not None:
        qs = qs.filter(year_q(f.year))
    if f.q.strip():
        qs = qs.filter(Q(title__contains=f.q.strip()) | Q(number__contains=f.q.strip())
                       | Q(leader__name=f.q.strip()))
    if f.node is not None:
        qs = qs.filter(owner__path__startswith=f.node.path)
    scope = scope_of(user)
    pid = scope.person_id
    if f.side == "mine":
        qs = qs.filter(Q(leader_id=pid) | Q(Exists(ProjectMember.objects.filter(project=OuterRef("pk"), person_id=pid))))\
            if pid is not None else qs.none()
    elif f.side == "reviewing":
        qs = qs.filter(reviews__expert_id=pid).distinct() if pid is not None else qs.none()
    elif f.side == "managed":
        qs = qs.filter(pk__in=access.managed_by(user).values("pk"))
    return qs.order_by("-applied_on", "-id")


def projects_of_person(user: AnyUser, person: Person) -> ProjectQuerySet:
    """The projects `person` leads or belongs to that `user` may see (the teacher archive)."""
    member = ProjectMember.objects.filter(project=OuterRef("pk"), person=person)
    return (access.projects_visible_to(user).filter(Q(leader=person) | Q(Exists(member))).with_refs()
            .order_by("-applied_on", "-id"))


# ---------------------------------------------------------------- yearly statistics


# The stage dates counted per year, in the order of the table's columns.
STAT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("applied_on", "申报"), ("approved_on", "立项"), ("opened_on", "开题"), ("midterm_on", "中期检查"),
    ("concluded_on", "结题"), ("extended_on", "延期"), ("withdrawn_on", "撤销"),
)
LEVEL_ORDER = (Level.NATIONAL, Level.PROVINCE, Level.CITY, Level.COUNTY, Level.SCHOOL)


@dataclass
class YearCounts:
    node: OrgNode
    year: int
    # level -> one count per STAT_COLUMNS column, and the key projects approved that year.
    rows: dict[str, list[int]] = field(default_factory=dict)
    key: dict[str, int] = field(default_factory=dict)
    running: dict[str, int] = field(default_factory=dict)  # in progress at the year's end
    key_projects: list[Project] = field(default_factory=list)

    def table(self) -> list[tuple[str, list[int], int, int]]:
        """(level label, stage counts, key projects, running) per level, then the total."""
        out = []
        total = [0] * len(STAT_COLUMNS)
        for level in LEVEL_ORDER:
            counts = self.rows.get(level, [0] * len(STAT_COLUMNS))
            out.append((Level(level).label, counts, self.key.get(level, 0), self.running.get(level, 0)))
            total = [a + b for a, b in zip(total, counts, strict=True)]
        out.append(("合计", total, sum(self.key.values()), sum(self.running.values())))
        return out


def year_counts(user: AnyUser, node: OrgNode, year: int) -> YearCounts:
    """How many projects owned under `node` reached each stage in `year`, by level (one grouped
    query per stage date); the key projects approved that year; those running at the year's end."""
    base = access.projects_visible_to(user).filter(owner__path__startswith=node.path).order_by()
    out = YearCounts(node=node, year=year)
    for i, (date_field, _label) in enumerate(STAT_COLUMNS):
        for level, n in (base.filter(**{f"{date_field}__year": year}).values("level")
                         .annotate(n=Count("id")).values_list("level", "n")):
            out.rows.setdefault(level, [0] * len(STAT_COLUMNS))[i] = n
    for level, n in (base.filter(approved_on__year=year, is_key=True).values("level").annotate(n=Count("id"))
                     .values_list("level", "n")):
        out.key[level] = n
    end = dt.date(year, 12, 31)
    running = (base.filter(approved_on__lte=end).exclude(concluded_on__lte=end).exclude(withdrawn_on__lte=end))
    for level, n in running.values("level").annotate(n=Count("id")).values_list("level", "n"):
        out.running[level] = n
    out.key_projects = list(base.filter(approved_on__year=year, is_key=True).with_refs()
                            .order_by("level", "approved_on", "id")[:200])
    return out


def stage_timeline(project: Project) -> list[dict[str, object]]:
    """The main line with each stage's date (None: not reached), then 延期 and 撤销 where they happened."""
    steps = list(project.steps.all())
    notes = {s.status: s.note for s in steps}
    out: list[dict[str, object]] = []
    for status in lifecycle.MAIN_LINE:
        out.append({"status": status, "label": lifecycle.label(status), "date": project.stage_date(status),
                    "note": notes.get(status, ""), "current": project.status == status})
    for status in (lifecycle.EXTENDED, lifecycle.WITHDRAWN):
        date = project.stage_date(status)
        if date is not None:
            out.append({"status": status, "label": lifecycle.label(status), "date": date,
                        "note": notes.get(status, ""), "current": project.status == status})
    return out
