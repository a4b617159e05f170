"""Read-side selectors: the filtered lists that pages and the API share, and the summaries of
the workbench and the org pages, always within the viewer's scope (core.access).

A list that a page and an API endpoint both show has ONE selector here, taking a frozen filter
dataclass; each edge validates its own input (a Django form for pages, a pydantic schema for the
API), resolves codes to objects through core.access, and hands the clean filter over.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from core.access import (
    AnyUser,
    groups_visible_to,
    nodes_visible_to,
    people_visible_to,
    posts_at,
    posts_visible_to,
    schools_visible_to,
)
from core.kept import Kept, kept
from core.models import (
    SCHOOL_TYPE_STAGES,
    AuditEvent,
    GroupKind,
    GroupStatus,
    Locale,
    OrgKind,
    OrgNode,
    OrgNodeQuerySet,
    Person,
    PersonQuerySet,
    Post,
    Role,
    SchoolType,
    Stage,
    Subject,
    Title,
)
from core.paths import path_at_depth

# The models a region's counts of schools and people read (core.kept versions).
ROSTER_MODELS = ("core.OrgNode", "core.Person", "core.Post")


@dataclass(frozen=True)
class PeopleFilter:
    """Who to list. `subject` matches the main or any additional subject (a teacher who also
    teaches maths is a maths teacher to a researcher); people who left are hidden unless asked
    for."""

    q: str = ""
    under: OrgNode | None = None
    subject: str = ""
    title: str = ""
    stage: str = ""
    role: str = ""
    include_inactive: bool = False


def people_matching(user: AnyUser, f: PeopleFilter) -> PersonQuerySet:
    """The people list of the people page, its export and GET /api/v1/people."""
    qs = people_visible_to(user)
    if f.under is not None:
        qs = qs.under(f.under.path)
    if f.q.strip():
        qs = qs.search(f.q)
    if f.subject:
        taught = Person.subjects.through.objects.filter(subject__code=f.subject).values("person_id")
        qs = qs.filter(Q(main_subject__code=f.subject) | Q(pk__in=taught))
    if f.title:
        qs = qs.filter(title=f.title)
    if f.stage:
        qs = qs.filter(stage=f.stage)
    if f.role:
        qs = qs.filter(pk__in=posts_visible_to(user).active().filter(role=f.role).values("person_id"))
    if not f.include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("pinyin", "code")


@dataclass(frozen=True)
class SchoolFilter:
    """Which schools to list. `q` matches a part of the name or the start of the code (a
    county's schools share the first digits of their 学校标识码)."""

    q: str = ""
    under: OrgNode | None = None
    stage: str = ""
    school_type: str = ""
    locale: str = ""
    weak: bool | None = None
    teaching_point: bool | None = None


def schools_matching(user: AnyUser, f: SchoolFilter) -> OrgNodeQuerySet:
    """The school list of the schools page, its export and GET /api/v1/schools."""
    qs = schools_visible_to(user).select_related("parent")
    if f.under is not None:
        qs = qs.under(f.under.path)
    q = f.q.strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    if f.stage:
        # A school's stages follow from its type, so the stage filter is a filter on types.
        qs = qs.filter(school_type__in=[t for t, stages in SCHOOL_TYPE_STAGES.items() if f.stage in stages])
    if f.school_type:
        qs = qs.filter(school_type=f.school_type)
    if f.locale:
        qs = qs.filter(locale=f.locale)
    if f.weak is not None:
        qs = qs.filter(is_weak=f.weak)
    if f.teaching_point is not None:
        qs = qs.filter(is_teaching_point=f.teaching_point)
    return qs.order_by("path")


@dataclass
class RegionStats:
    schools: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    by_stage: dict[str, int] = field(default_factory=dict)
    rural: int = 0
    town: int = 0
    urban: int = 0
    weak: int = 0
    teaching_points: int = 0
    classes: int = 0
    students: int = 0
    teachers: int = 0


def region_stats(user: AnyUser, node: OrgNode) -> RegionStats:
    schools = schools_visible_to(user).under(node.path)
    stats = RegionStats()
    type_labels = dict(SchoolType.choices)
    stage_labels = dict(Stage.choices)
    by_stage: Counter[str] = Counter()
    # One grouped scan of the schools for every figure (the sums per group add up to the totals).
    for row in schools.values("school_type", "locale", "is_weak", "is_teaching_point").annotate(
            n=Count("id"), classes=Sum("class_count"), students=Sum("student_count")):
        n = row["n"]
        stats.schools += n
        stats.classes += row["classes"] or 0
        stats.students += row["students"] or 0
        label = type_labels.get(row["school_type"], "其他")
        stats.by_type[label] = stats.by_type.get(label, 0) + n
        for st in SCHOOL_TYPE_STAGES.get(row["school_type"], ()):
            by_stage[stage_labels[st]] += n
        if row["locale"] == Locale.RURAL:
            stats.rural += n
        elif row["locale"] == Locale.TOWN:
            stats.town += n
        elif row["locale"] == Locale.URBAN:
            stats.urban += n
        if row["is_weak"]:
            stats.weak += n
        if row["is_teaching_point"]:
            stats.teaching_points += n
    stats.by_stage = {label: by_stage[label] for label in stage_labels.values() if by_stage[label]}
    stats.teachers = people_visible_to(user).under(node.path).filter(org__kind=OrgKind.SCHOOL,
                                                    is_active=True).count()
    return stats


@dataclass
class RegionRow:
    """A region below the page's node with its school counts."""

    node: OrgNode
    schools: int = 0
    rural: int = 0
    weak: int = 0
    points: int = 0
    classes: int = 0


def child_regions_table(user: AnyUser, node: OrgNode, levels: int = 1) -> list[RegionRow]:
    """Each visible region `levels` below the node (children, or grandchildren such as a
    province's counties) with its school counts, from one scan of the schools."""
    return child_regions_tables(user, node, (levels,))[levels]


def child_regions_tables(user: AnyUser, node: OrgNode, levels: tuple[int, ...]) -> dict[int, list[RegionRow]]:
    """child_regions_table for several levels at once (a province's cities and counties), from one
    read of the regions and one scan of the schools."""
    depths = [node.depth + lv for lv in levels]
    children = list(nodes_visible_to(user).under(node.path).filter(depth__in=depths)
                    .exclude(kind=OrgKind.SCHOOL).select_related("parent").order_by("path"))
    tables: dict[int, dict[str, RegionRow]] = {lv: {} for lv in levels}
    for c in children:
        tables[c.depth - node.depth][c.path] = RegionRow(c)
    if children:
        wanted = [(node.depth + lv, rows) for lv, rows in tables.items() if rows]
        for s in (schools_visible_to(user).under(node.path)
                  .values("path", "locale", "is_weak", "is_teaching_point", "class_count")):
            for depth, rows in wanted:
                r = rows.get(path_at_depth(s["path"], depth))
                if r is None:
                    continue
                r.schools += 1
                r.rural += s["locale"] == Locale.RURAL
                r.weak += bool(s["is_weak"])
                r.points += bool(s["is_teaching_point"])
                r.classes += s["class_count"]
    return {lv: list(rows.values()) for lv, rows in tables.items()}


@dataclass(frozen=True)
class RegionCounters:
    """A region's workbench figures: its school and teacher counts, the tables of the regions
    below (by level) and the visible teachers of each of the viewer's subjects."""

    stats: RegionStats
    tables: dict[int, list[RegionRow]]
    subjects: list[tuple[Subject, int]]


def region_counters(user: AnyUser, node: OrgNode, levels: tuple[int, ...], subject_ids: set[int]) -> Kept[RegionCounters]:
    """region_stats, child_regions_tables and teachers_of_subject of a region; at a large region
    kept until the roster changes (core.kept: a province's count of 400,000 people and scan of
    12,000 schools were half of its workbench, on every request)."""

    def count() -> RegionCounters:
        return RegionCounters(region_stats(user, node), child_regions_tables(user, node, levels) if levels else {},
                              [(s, teachers_of_subject(user, node, s.pk)) for s in
                               Subject.objects.filter(pk__in=subject_ids).order_by("sort", "pk")])

    name = f"region-counters:{'.'.join(map(str, levels))}:{'.'.join(map(str, sorted(subject_ids)))}"
    return kept(user, node, name, count, reads=ROSTER_MODELS)


@dataclass
class GroupCounts:
    total: int = 0
    confirmed: int = 0


@dataclass(frozen=True)
class SchoolRow:
    """A school of a list with its counts, links and labels prepared for the template."""

    school: OrgNode
    teachers: int
    groups: GroupCounts
    url: str
    groups_url: str
    stages: str
    locale: str


def school_rows(user: AnyUser, qs: QuerySet[OrgNode], term_key: str | None) -> list[SchoolRow]:
    """Schools with their teacher and group counts for the term (two grouped queries)."""
    schools = list(qs)
    ids = [s.pk for s in schools]
    teachers = dict(people_visible_to(user).filter(org_id__in=ids, is_active=True)
                    .values_list("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    groups: dict[int, GroupCounts] = defaultdict(GroupCounts)
    if term_key:
        for g in (groups_visible_to(user).filter(school_id__in=ids, term_key=term_key, kind=GroupKind.SUBJECT)
                  .values("school_id", "status").annotate(n=Count("id"))):
            groups[g["school_id"]].total += g["n"]
            if g["status"] == GroupStatus.CONFIRMED:
                groups[g["school_id"]].confirmed += g["n"]
    # Links and labels are prepared once here rather than per row in the template (a county
    # lists a hundred or more schools on the workbench).
    node_url = reverse("node_detail", args=["CODE"])
    groups_url = reverse("school_groups", args=["CODE"])
    locales = dict(Locale.choices)
    stage_labels = {t: "、".join(Stage(st).label for st in stages) for t, stages in SCHOOL_TYPE_STAGES.items()}
    return [SchoolRow(school=s, teachers=teachers.get(s.pk, 0), groups=groups[s.pk],
                      url=node_url.replace("CODE", s.code), groups_url=groups_url.replace("CODE", s.code),
                      stages=stage_labels.get(s.school_type, ""), locale=locales.get(s.locale, ""))
            for s in schools]


@dataclass(frozen=True)
class Tally:
    """A label and how many people carry it."""

    label: str
    n: int


@dataclass(frozen=True)
class StaffSummary:
    total: int
    by_subject: list[Tally]
    by_title: list[Tally]
    leaders: list[Post]


def staff_summary(user: AnyUser, school: OrgNode) -> StaffSummary:
    # Both tallies from one grouped query (subject x title), added up here, largest first.
    subjects: Counter[str | None] = Counter()
    by_title_n: Counter[str] = Counter()
    for r in (people_visible_to(user).filter(org=school, is_active=True)
              .values("main_subject__name", "title").annotate(n=Count("id")).order_by()):
        subjects[r["main_subject__name"]] += r["n"]
        by_title_n[r["title"]] += r["n"]
    by_subject = [Tally(name or "未设学科", n) for name, n in subjects.most_common()]
    titles = dict(Title.choices)
    by_title = [Tally(titles.get(t, t), n) for t, n in by_title_n.most_common()]
    # Leaders' posts at the school are visible to whoever sees the school (posts_visible_to).
    leaders = (posts_at(user, school).active().filter(role__in=[
        Role.PRINCIPAL, Role.VICE_PRINCIPAL, Role.MIDDLE_MANAGER, Role.GROUP_LEADER])
        .select_related("person__org").order_by("role", "person__pinyin"))
    return StaffSummary(total=sum(t.n for t in by_subject), by_subject=by_subject, by_title=by_title,
                        leaders=list(leaders))


@dataclass(frozen=True)
class GrantNotice:
    """A post granted at a school, with who granted it: shown to the school so that a grant
    nobody there asked for is noticed."""

    post: Post
    granted_by: str
    at: dt.datetime


def recent_grants(user: AnyUser, school: OrgNode, *, days: int = 90, limit: int = 10) -> list[GrantNotice]:
    """Posts granted at the school in the last `days`, newest first, with their granters from
    the audit log (two queries)."""
    since = timezone.now() - dt.timedelta(days=days)
    posts = list(posts_at(user, school).filter(created_at__gte=since).select_related("person__org")
                 .order_by("-created_at")[:limit])
    granters = {e.object_id: (e.actor.name if e.actor else "系统")
                for e in AuditEvent.objects.filter(model=Post._meta.label, action=AuditEvent.Action.CREATE,
                                                   object_id__in=[str(p.pk) for p in posts]).select_related("actor")}
    return [GrantNotice(p, granters.get(str(p.pk), "系统"), p.created_at) for p in posts]


def teachers_of_subject(user: AnyUser, node: OrgNode, subject_id: int) -> int:
    return people_visible_to(user).under(node.path).filter(main_subject_id=subject_id, is_active=True).count()
