"""Growth norms (core.compliance @metric): RES.TRAINING, RES.ROTATION, RES.BACKBONE (000 §12),
STUDIO.LARGE_SCHOOL (004 (二)6), BASE.SCHOOLS (004 (二)5) and PSY.CERT (004 (二)2).

Each metric fetches plain values through growth.access / core.access (the refresh's scope sees
everything) and leaves the arithmetic to growth.rules.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser, people_visible_to, posts_visible_to, schools_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import RESEARCHER_ROLES, Level, OrgKind, OrgNode, Post, Role, Stage, Subject
from core.paths import under_q
from growth import rules
from growth.access import (
    bases_visible_to,
    certificates_visible_to,
    programmes_visible_to,
    record_people_visible_to,
    rotations_visible_to,
    studios_visible_to,
    trainings_visible_to,
)
from growth.models import MemberStatus, ProgrammeKind, ProgrammeMember

# 004 (二)6 "縣級以上的(名)教師工作室".
COUNTY_OR_HIGHER = (Level.COUNTY, Level.CITY, Level.PROVINCE, Level.NATIONAL)
# 004 (二)5: "高中、初中、小學3個學段每個學科".
BASE_STAGES = (Stage.PRIMARY, Stage.JUNIOR, Stage.SENIOR)


def _researcher_posts(ctx: MetricContext, roles: tuple[str, ...]) -> list[Post]:
    """Active researcher posts at the unit (a refresh) or under it, one per person and node."""
    where = Q(org=ctx.node) if ctx.exact else under_q([ctx.node.path], "org__path")
    posts = (posts_visible_to(ctx.user).active().filter(where, role__in=roles)
             .select_related("person", "org", "subject").order_by("org__path", "person__pinyin", "start"))
    seen: set[tuple[int, int]] = set()
    out = []
    for p in posts:
        if (p.person_id, p.org_id) not in seen:
            seen.add((p.person_id, p.org_id))
            out.append(p)
    return out


def _context(post: Post) -> str:
    return f"{post.org.name}·{post.get_role_display()}" + (f"·{post.subject.name}" if post.subject else "")


@link_guard
def training_link(user: AnyUser, url: str) -> bool | None:
    """A RES.TRAINING row links to the researcher's training page: shown only to a viewer who may
    read that person's records (a subject researcher sees other subjects' rows, not their pages)."""
    prefix = reverse("growth:training_person", args=["_"])[:-2]
    if not url.startswith(prefix):
        return None
    code = url[len(prefix):].split("/")[0]
    return record_people_visible_to(user).filter(code=code).exists()


@metric("RES.TRAINING", needs_term=True, unit="any")
def researcher_training(ctx: MetricContext) -> list[Row]:
    """Class hours of training each researcher received in the term's calendar year (000 §12:
    "每人每年接受不少于72课时的培训")."""
    assert ctx.term is not None and ctx.threshold is not None
    posts = _researcher_posts(ctx, RESEARCHER_ROLES)
    year = rules.training_year(ctx.term.start)
    first, last = rules.year_bounds(year)
    hours = rules.hours_by_person(
        trainings_visible_to(ctx.user).filter(person_id__in={p.person_id for p in posts}, end__gte=first, end__lte=last)
        .values_list("person_id", "hours"))
    rows = []
    for post in posts:
        standing = rules.hours_standing(hours.get(post.person_id, Decimal(0)), ctx.threshold)
        rows.append(Row(label=post.person.name, meets=standing.meets, value=float(standing.hours),
                        target=ctx.threshold, detail=f"{year}年{standing.detail}", context=_context(post),
                        url=reverse("growth:training_person", args=[post.person.code]) + f"?year={year}",
                        path=post.org.path, person_id=post.person_id))
    return rows


@metric("RES.ROTATION", unit="any")
def researcher_rotation(ctx: MetricContext) -> list[Row]:
    """Full-time researchers after 5 years in post teach a school year in a school (000 §12:
    "专职教研员在岗从事教研工作满5年,原则上要到中小学校从事1学年以上教育教学工作"). Due (the
    5 years are reached within a year) is named and meets; overdue misses."""
    assert ctx.threshold is not None
    posts = _researcher_posts(ctx, (Role.RESEARCHER,))
    stints: dict[int, list[tuple]] = defaultdict(list)  # type: ignore[type-arg]  # (start, end) pairs
    for pid, start, end in rotations_visible_to(ctx.user).filter(
            person_id__in={p.person_id for p in posts}).values_list("person_id", "start", "end"):
        stints[pid].append((start, end))
    today = timezone.localdate()
    rows = []
    for post in posts:
        s = rules.rotation_standing(post.start, stints[post.person_id], today, school_years=ctx.threshold)
        if s.state == rules.NO_START:
            detail = "缺少教研员任职开始日期"
        elif s.state == rules.IN_SCHOOL:
            detail = "正在学校任教"
        else:
            detail = f"{s.label}：在岗{s.years_in_post:.1f}年，{s.reached_on:%Y-%m-%d}满5年"
        rows.append(Row(label=post.person.name, meets=s.meets,
                        value=round(s.years_in_post, 1) if s.years_in_post is not None else None,
                        target=rules.ROTATION_PERIOD_YEARS, detail=detail, context=_context(post),
                        url=reverse("growth:rotation"), path=post.org.path, person_id=post.person_id))
    return rows


@metric("RES.BACKBONE", unit="region")
def provincial_backbone(ctx: MetricContext) -> list[Row]:
    """The province's backbone researchers selected and trained (000 §12: "全省范围选拔培养200名
    省级骨干教研员"): members (in training or finished) of the province's provincial 骨干教研员
    programmes, against the province total."""
    assert ctx.threshold is not None
    if ctx.exact:
        provinces = [ctx.node] if ctx.node.kind == OrgKind.PROVINCE else []
    else:
        provinces = list(OrgNode.objects.filter(kind=OrgKind.PROVINCE, path__startswith=ctx.node.path).order_by("path"))
    rows = []
    for province in provinces:
        programmes = programmes_visible_to(ctx.user).filter(
            kind=ProgrammeKind.BACKBONE_RESEARCHER, level=Level.PROVINCE, region__path__startswith=province.path)
        count = (ProgrammeMember.objects.filter(programme__in=programmes)
                 .exclude(status=MemberStatus.WITHDRAWN).values("person_id").distinct().count())
        rows.append(Row(label=province.institute_name or province.name, meets=count >= ctx.threshold,
                        value=count, target=ctx.threshold, detail=f"省级骨干教研员{count}名（目标{ctx.threshold:g}名）",
                        context=province.name, url=reverse("growth:programmes"), path=province.path))
    return rows


@metric("STUDIO.LARGE_SCHOOL")
def large_school_studio(ctx: MetricContext) -> list[Row]:
    """A school of 30 classes or more has a county-level or higher master-teacher studio (004
    (二)6: "學校規模達到30個班的學校,原則上應建立縣級以上的(名)教師工作室")."""
    assert ctx.threshold is not None
    schools = list(schools_visible_to(ctx.user).under(ctx.node.path)
                   .filter(class_count__gte=rules.LARGE_SCHOOL_CLASSES).only("id", "code", "name", "path", "class_count"))
    today = timezone.localdate()
    counts = dict(studios_visible_to(ctx.user).filter(
        school__in=schools, level__in=COUNTY_OR_HIGHER, start__lte=today).filter(
        Q(end__isnull=True) | Q(end__gte=today)).order_by().values("school_id").annotate(n=Count("id"))
        .values_list("school_id", "n"))
    rows = []
    for s in schools:
        n = counts.get(s.pk, 0)
        rows.append(Row(label=s.name, meets=n >= ctx.threshold, value=n, target=ctx.threshold,
                        detail=f"{s.class_count}个班；县级及以上工作室{n}个", url=reverse("growth:studios"),
                        path=s.path))
    return rows


@metric("BASE.SCHOOLS", unit="region")
def base_schools(ctx: MetricContext) -> list[Row]:
    """A city designates 2 to 3 quality subject base schools per stage and subject (004 (二)5:
    "在全市高中、初中、小學3個學段每個學科分別打造2至3所學校為市級優質學科基地"). One row per
    stage and subject the curriculum offers in that stage, counting the city's own bases in force."""
    if ctx.exact:
        cities = [ctx.node] if ctx.node.kind == OrgKind.CITY else []
    else:
        cities = list(OrgNode.objects.filter(kind=OrgKind.CITY, path__startswith=ctx.node.path).order_by("path"))
    if not cities:
        return []
    today = timezone.localdate()
    counts: dict[tuple[int, str, int], int] = {}
    for row in (bases_visible_to(ctx.user).filter(region__in=cities, start__lte=today, end__gte=today)
                .order_by().values("region_id", "stage", "subject_id").annotate(n=Count("school_id", distinct=True))):
        counts[(row["region_id"], row["stage"], row["subject_id"])] = row["n"]
    subjects = list(Subject.objects.order_by("sort", "code"))
    stage_labels = dict(Stage.choices)
    rows = []
    for city in cities:
        for stage in BASE_STAGES:
            for subject in subjects:
                if stage not in (subject.stages or []):
                    continue
                n = counts.get((city.pk, stage, subject.pk), 0)
                rows.append(Row(label=f"{city.name} {stage_labels[stage]}{subject.name}",
                                meets=rules.within(n, ctx.threshold_min, ctx.threshold_max), value=n,
                                target=ctx.threshold_min,
                                detail=rules.range_detail(n, ctx.threshold_min, ctx.threshold_max),
                                context=city.name, url=reverse("growth:bases"), path=city.path))
    return rows


@metric("PSY.CERT", needs_term=True)
def psy_certificates(ctx: MetricContext) -> list[Row]:
    """Teachers holding a mental-health education C or B certificate reach the coverage the region
    plans (004 (二)2: "教師的心理健康教育C證和B證應達到計劃覆蓋率"). The norm has no default: until
    a region sets its percentage there is nothing to measure, and no rows."""
    assert ctx.term is not None
    if ctx.threshold is None:
        return []
    schools = list(schools_visible_to(ctx.user).under(ctx.node.path).only("id", "code", "name", "path"))
    teachers = dict(people_visible_to(ctx.user).filter(org__in=schools, is_active=True).order_by()
                    .values("org_id").annotate(n=Count("id")).values_list("org_id", "n"))
    holders = dict(certificates_visible_to(ctx.user).filter(
        person__org__in=schools, person__is_active=True, issued_on__lte=ctx.term.end).order_by()
        .values("person__org_id").annotate(n=Count("person_id", distinct=True)).values_list("person__org_id", "n"))
    rows = []
    for s in schools:
        n, h = teachers.get(s.pk, 0), holders.get(s.pk, 0)
        if not n:
            continue
        pct = rules.coverage_percent(h, n)
        rows.append(Row(label=s.name, meets=pct >= ctx.threshold, value=pct, target=ctx.threshold,
                        detail=f"持证{h}人 / 教师{n}人 = {pct:g}%", url=reverse("growth:certificates"), path=s.path))
    return rows
