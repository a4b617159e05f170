"""Metrics for the norms whose data the core owns: GROUP.FORM, GROUP.PREP, RES.QUALIFY_YEARS,
RES.QUALIFY_TITLE and RES.STAFFING. Each reads only what the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser, can_open_person, people_visible_to, posts_visible_to, schools_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import (
    RESEARCHER_ROLES,
    TITLE_LEVEL_LABEL,
    TITLE_RANK,
    GroupKind,
    GroupMembership,
    GroupStatus,
    MembershipRole,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    Stage,
    Subject,
    TeachingGroup,
)
from core.paths import under_q


def _schools(ctx: MetricContext) -> list[OrgNode]:
    return list(schools_visible_to(ctx.user).under(ctx.node.path)
                .only("id", "code", "name", "path", "class_count", "school_type"))


class GroupFacts(NamedTuple):
    """What the group metrics read of a group: plain values, no model instance."""

    pk: int
    kind: str
    name: str
    status: str
    parent_id: int | None
    subject_ids: tuple[int, ...]


def _school_groups(school_ids: list[int], term_key: str) -> dict[int, list[GroupFacts]]:
    """Each school's groups of the term, from two `values_list` queries (a province has hundreds
    of thousands of groups: building model instances for them cost seconds)."""
    subjects: dict[int, list[int]] = defaultdict(list)
    for gid, sid in TeachingGroup.subjects.through.objects.filter(
            teachinggroup__school_id__in=school_ids, teachinggroup__term_key=term_key).values_list(
            "teachinggroup_id", "subject_id"):
        subjects[gid].append(sid)
    groups: dict[int, list[GroupFacts]] = defaultdict(list)
    for gid, school_id, kind, name, status, parent_id in (
            TeachingGroup.objects.filter(school_id__in=school_ids, term_key=term_key).order_by("school", "kind", "name")
            .values_list("id", "school_id", "kind", "name", "status", "parent_id")):
        groups[school_id].append(GroupFacts(gid, kind, name, status, parent_id, tuple(subjects[gid])))
    return groups


@metric("GROUP.FORM", needs_term=True)
def group_form(ctx: MetricContext) -> list[Row]:
    """A school meets GROUP.FORM when its confirmed 教研组 for the term give every subject with
    at least the threshold number of (main-subject) teachers a group of its own (003 三(一))."""
    assert ctx.term is not None and ctx.threshold is not None
    schools = _schools(ctx)
    ids = [s.pk for s in schools]
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    for row in (Person.objects.filter(org_id__in=ids, is_active=True, main_subject__isnull=False)
                .values("org_id", "main_subject_id").annotate(n=Count("id"))):
        counts[row["org_id"]][row["main_subject_id"]] = row["n"]
    names = dict(Subject.objects.values_list("id", "name"))
    groups = _school_groups(ids, ctx.term.key)
    rows = []
    for s in schools:
        required = {sid for sid, n in counts[s.pk].items() if n >= ctx.threshold}
        mine = [g for g in groups[s.pk] if g.kind == GroupKind.SUBJECT]
        confirmed = bool(mine) and all(g.status == GroupStatus.CONFIRMED for g in mine)
        # A subject with enough teachers must lead a group of its own: in a group where it is
        # the only subject with that many teachers (small subjects may join it).
        grouped: dict[int, int] = {}
        for g in mine:
            big = [sid for sid in g.subject_ids if sid in required]
            for sid in big:
                grouped[sid] = len(big)
        missing = sorted(names[sid] for sid in required if grouped.get(sid) != 1)
        if not mine:
            detail = "本学期尚未组建教研组"
        elif not confirmed:
            detail = "教研组方案待校长确认"
        elif missing:
            detail = "应单独成组：" + "、".join(missing)
        else:
            detail = f"{len(mine)}个教研组"
        rows.append(Row(label=s.name, meets=confirmed and not missing, detail=detail,
                        url=reverse("school_groups", args=[s.code]), path=s.path))
    return rows


@metric("GROUP.PREP", needs_term=True)
def group_prep(ctx: MetricContext) -> list[Row]:
    """A large school (class count at or above the threshold) meets GROUP.PREP when every 教研组
    that has a subject with at least six main-subject members has 备课组 under it (003 三(一):
    备课组 by grade under each 教研组; a merged group of small subjects needs none)."""
    assert ctx.term is not None and ctx.threshold is not None
    schools = [s for s in _schools(ctx) if s.class_count >= ctx.threshold]
    groups = _school_groups([s.pk for s in schools], ctx.term.key)
    big_groups = set(
        GroupMembership.objects.filter(group__school__in=schools, group__term_key=ctx.term.key,
                                       group__kind=GroupKind.SUBJECT, role=MembershipRole.MAIN,
                                       group__subjects=F("person__main_subject"))
        .values("group_id", "person__main_subject").annotate(n=Count("id")).filter(n__gte=6)
        .values_list("group_id", flat=True))
    rows = []
    for s in schools:
        mine = groups[s.pk]
        parents_with_prep = {g.parent_id for g in mine if g.kind == GroupKind.PREP}
        needing = [g for g in mine if g.pk in big_groups]
        missing = [g.name for g in needing if g.pk not in parents_with_prep]
        if not mine:
            detail, meets = "本学期尚未组建教研组", False
        elif missing:
            detail, meets = "未设备课组：" + "、".join(missing), False
        else:
            detail, meets = f"{len(parents_with_prep)}个教研组下设备课组", True
        rows.append(Row(label=s.name, meets=meets, detail=f"{s.class_count}个班；{detail}",
                        url=reverse("school_groups", args=[s.code]), path=s.path))
    return rows


@link_guard
def person_link(user: AnyUser, url: str) -> bool | None:
    """A row's link to a person's page (the researcher norms name researchers) shows only to a
    viewer who may open that page: a subject researcher sees other subjects' researchers' posts,
    not their pages."""
    prefix = reverse("person_detail", args=["_"])[:-2]
    if not url.startswith(prefix):
        return None
    code = url[len(prefix):].strip("/")
    person = Person.objects.filter(code=code).select_related("org").first()
    return person is not None and can_open_person(user, person)


def _researcher_posts(ctx: MetricContext) -> list[tuple[Person, Post]]:
    where = Q(org=ctx.node) if ctx.exact else under_q([ctx.node.path], "org__path")
    posts = (posts_visible_to(ctx.user).active()
             .filter(where, role__in=RESEARCHER_ROLES)
             .select_related("person", "org", "subject").order_by("org__path", "person__pinyin"))
    return [(p.person, p) for p in posts]


@metric("RES.QUALIFY_YEARS", unit="any")
def researcher_years(ctx: MetricContext) -> list[Row]:
    """Years of teaching before the researcher post began (000 §11: at least 6)."""
    assert ctx.threshold is not None
    rows = []
    today = timezone.localdate()
    for person, post in _researcher_posts(ctx):
        start = post.start or today
        subject = post.subject
        context = f"{post.org.name}·{post.get_role_display()}" + (f"·{subject.name}" if subject else "")
        if person.teaching_since is None:
            rows.append(Row(label=person.name, meets=False, detail="缺少从教年份", context=context,
                            url=reverse("person_detail", args=[person.code]), path=post.org.path,
                            person_id=person.pk))
            continue
        years = start.year - person.teaching_since
        rows.append(Row(label=person.name, meets=ctx.within(years), value=years, target=ctx.threshold,
                        detail=f"任教研员前教龄{years}年", context=context,
                        url=reverse("person_detail", args=[person.code]), path=post.org.path, person_id=person.pk))
    return rows


@metric("RES.QUALIFY_TITLE", unit="any")
def researcher_title(ctx: MetricContext) -> list[Row]:
    """Researchers hold at least an intermediate title (一级教师 = 中级; 000 §11)."""
    assert ctx.threshold is not None
    rows = []
    for person, post in _researcher_posts(ctx):
        rank = TITLE_RANK.get(person.title, 0)
        rows.append(Row(label=person.name, meets=ctx.within(rank),
                        detail=f"{person.get_title_display()}（{TITLE_LEVEL_LABEL.get(person.title, '')}）",
                        context=f"{post.org.name}·{post.get_role_display()}",
                        url=reverse("person_detail", args=[person.code]), path=post.org.path, person_id=person.pk))
    return rows


@metric("RES.STAFFING", unit="region")
def researcher_staffing(ctx: MetricContext) -> list[Row]:
    """Full-time researchers per 1,000 teachers, by stage and subject (004 (五)1: at least 5‰).

    For a region the count takes every full-time researcher posted at an institute in its
    subtree (a city's own and its counties'), over the teachers of its schools. Rows are the
    scope region itself and, below a city or province, each child region.
    """
    assert ctx.threshold is not None
    node = ctx.node
    if node.kind == OrgKind.SCHOOL:
        return []
    regions = [node] + list(node.children.exclude(kind=OrgKind.SCHOOL).order_by("path")) \
        if node.kind in (OrgKind.PROVINCE, OrgKind.CITY) and not ctx.exact else [node]
    subjects = dict(Subject.objects.values_list("id", "name"))
    stages = dict(Stage.choices)
    teachers: dict[str, dict[tuple[str, int], int]] = {r.path: defaultdict(int) for r in regions}
    people = (people_visible_to(ctx.user).under(node.path).filter(org__kind=OrgKind.SCHOOL,
                                                 is_active=True, main_subject__isnull=False)
              .exclude(stage="").values("org__path", "stage", "main_subject_id").annotate(n=Count("id")))
    for row in people:
        for r in regions:
            if row["org__path"].startswith(r.path):
                teachers[r.path][(row["stage"], row["main_subject_id"])] += row["n"]
    researchers: dict[str, dict[tuple[str, int], int]] = {r.path: defaultdict(int) for r in regions}
    for post in (posts_visible_to(ctx.user).active()
                 .filter(under_q([node.path], "org__path"), role=Role.RESEARCHER, subject__isnull=False)
                 .exclude(stage="").values("org__path", "stage", "subject_id").annotate(n=Count("id"))):
        for r in regions:
            if post["org__path"].startswith(r.path):
                researchers[r.path][(post["stage"], post["subject_id"])] += post["n"]
    rows = []
    for r in regions:
        for (stage, sid), n_teachers in sorted(teachers[r.path].items()):
            n_res = researchers[r.path].get((stage, sid), 0)
            per_mille = 1000 * n_res / n_teachers
            rows.append(Row(label=f"{r.name} {stages.get(stage, stage)}{subjects.get(sid, '')}",
                            meets=ctx.within(per_mille), value=round(per_mille, 2), target=ctx.threshold,
                            detail=f"教研员{n_res}人 / 教师{n_teachers}人 = {per_mille:.1f}‰",
                            context=r.name, url=reverse("node_detail", args=[r.code]), path=r.path))
    return rows
