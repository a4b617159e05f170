"""The fixed-link norms (norms.md; 000 §7, 002 三 and 七).

- RES.LINK_MIN (any unit, no term): every subject researcher links at least one school: accepted
  links of open rounds, distinct schools, per researcher (rows at the researcher's post).
- RES.LINK_RANGE (any unit, no term): a city compulsory-stage researcher, and each backbone
  teacher of a city round, links 1 to 4 schools in a round (the threshold's range).
- RES.LINK_LEVEL (region, no term): each open round's links keep the level pairing (省联系县、
  市联系乡镇、县联系乡村学校和教学点).
- RES.ONSITE (any unit, per term): each linked person spends at least 5 working days on site at
  the linked schools in the semester; the short ones are named with the days missing.
- RES.ROUND (region, no term): each open round lasts two school years in its three phases.
- RES.EXCHANGE (region, per term): each round in implementation holds an exchange meeting in the
  semester.

Only accepted links count (a proposal is the organiser's draft); rounds count while open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse

from core.access import nodes_visible_to, posts_visible_to
from core.compliance import MetricContext, Row, metric
from core.models import RESEARCHER_ROLES, OrgKind, Person, Post
from core.paths import under_q
from liaison import rules
from liaison.models import ExchangeMeeting, LinkerKind, OnsiteDay, Round, RoundQuerySet
from liaison.selectors import counted_links

REGION_KINDS = (OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY)


def _person_url(person: Person) -> str:
    return reverse("person_detail", args=[person.code])


def _subject_researchers(ctx: MetricContext) -> list[tuple[Person, Post]]:
    """Active subject researchers' posts at the unit (exact) or under it, one per person."""
    where = Q(org=ctx.node) if ctx.exact else under_q([ctx.node.path], "org__path")
    posts = (posts_visible_to(ctx.user).active().filter(where, role__in=RESEARCHER_ROLES, subject__isnull=False)
             .select_related("person", "org", "subject").order_by("org__path", "person__pinyin", "pk"))
    seen: dict[int, tuple[Person, Post]] = {}
    for p in posts:
        seen.setdefault(p.person_id, (p.person, p))
    return list(seen.values())


def _schools_by_person(person_ids: list[int]) -> dict[int, dict[int, set[int]]]:
    """person id -> round id -> linked unit ids, over accepted links of open rounds."""
    out: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for pid, rid, sid in counted_links().filter(person_id__in=person_ids).values_list("person_id", "round_id",
                                                                                      "school_id"):
        out[pid][rid].add(sid)
    return out


@metric("RES.LINK_MIN", unit="any")
def link_min(ctx: MetricContext) -> list[Row]:
    """000 §7: 原则上每名学科教研员至少联系一所学校."""
    assert ctx.threshold is not None
    people = _subject_researchers(ctx)
    links = _schools_by_person([p.pk for p, _ in people])
    rows = []
    for person, post in people:
        n = len({s for schools in links[person.pk].values() for s in schools})
        rows.append(Row(label=person.name, meets=ctx.within(n), value=n, target=ctx.threshold,
                        detail=f"联系{n}所学校" if n else "尚未联系学校",
                        context=f"{post.org.name}·{post.subject.name if post.subject else ''}",
                        url=_person_url(person), path=post.org.path, person_id=person.pk))
    return rows


@metric("RES.LINK_RANGE", unit="any")
def link_range(ctx: MetricContext) -> list[Row]:
    """002 三: 义务教育阶段教研员带领骨干教师团队……分别确定1-4所定点联系学校 — city compulsory-stage
    researchers, and the backbone teachers of city rounds, each round."""
    where = Q(org=ctx.node) if ctx.exact else under_q([ctx.node.path], "org__path")
    posts = (posts_visible_to(ctx.user).active()
             .filter(where, role__in=RESEARCHER_ROLES, org__kind=OrgKind.CITY, stage__in=rules.COMPULSORY_STAGES)
             .select_related("person", "org").order_by("org__path", "person__pinyin", "pk"))
    subjects: dict[int, tuple[Person, str]] = {}
    for post in posts:
        subjects.setdefault(post.person_id, (post.person, post.org.path))
    person_where = Q(person__org=ctx.node) if ctx.exact else under_q([ctx.node.path], "person__org__path")
    for link in (counted_links().filter(person_where, kind=LinkerKind.BACKBONE, round__institution__kind=OrgKind.CITY)
                 .select_related("person", "person__org").order_by("person__pinyin")):
        subjects.setdefault(link.person_id, (link.person, link.person.org.path))
    links = _schools_by_person(list(subjects))
    rounds = {r.pk: r for r in Round.objects.filter(pk__in={rid for per in links.values() for rid in per})}
    low, high = ctx.threshold_min, ctx.threshold_max
    target = ctx.threshold
    rows = []
    for pid, (person, path) in subjects.items():
        per_round = links[pid] or {0: set()}
        for rid, schools in per_round.items():
            n = len(schools)
            ok = ctx.within(n)
            if ok:
                detail = f"联系{n}所学校"
            elif n == 0:
                detail = "本轮尚未确定联系学校"
            elif high is not None and n > high:
                detail = f"联系{n}所学校，超过{high:g}所"
            else:
                detail = f"联系{n}所学校，少于{low:g}所" if low is not None else f"联系{n}所学校"
            round_ = rounds.get(rid)
            rows.append(Row(label=person.name, meets=ok, value=n, target=target, detail=detail,
                            context=round_.title if round_ else "", url=_person_url(person), path=path,
                            person_id=person.pk))
    return rows


def _rounds(ctx: MetricContext) -> RoundQuerySet:
    if ctx.node.kind == OrgKind.SCHOOL:
        return Round.objects.none()
    where = Q(institution=ctx.node) if ctx.exact else Q(institution__in=nodes_visible_to(ctx.user).under(ctx.node.path))
    return Round.objects.open().filter(where).select_related("institution").order_by("institution__path", "start_year")


def _round_url(r: Round) -> str:
    return reverse("liaison:round_detail", args=[r.pk])


@metric("RES.LINK_LEVEL", unit="region")
def link_level(ctx: MetricContext) -> list[Row]:
    """000 §7: 省级教研机构联系县域、市级教研机构联系乡镇、县级教研机构联系乡村学校和教学点. One row per
    open round: the share of its accepted links at the right level, those off named."""
    rows = []
    for r in _rounds(ctx):
        links = list(counted_links().filter(round=r).select_related("school", "person"))
        bad = []
        for link in links:
            problem = rules.level_problem(r.institution.kind, link.school.kind, link.school.locale,
                                          link.school.is_teaching_point)
            if problem:
                bad.append(f"{link.person.name}→{link.school.name}（{problem}）")
        share = 100.0 * (len(links) - len(bad)) / len(links) if links else 0.0
        if not links:
            detail = "尚未确定联系学校"
        elif bad:
            detail = f"{len(bad)}条联系层级不对应：" + "；".join(bad[:5]) + ("……" if len(bad) > 5 else "")
        else:
            detail = f"{len(links)}条联系均层级对应"
        rows.append(Row(label=r.title, meets=bool(links) and not bad, value=round(share, 1), target=100,
                        detail=detail, context=r.institution_label, url=_round_url(r), path=r.institution.path))
    return rows


@metric("RES.ROUND", unit="region")
def round_shape(ctx: MetricContext) -> list[Row]:
    """002 七: 每轮次……分为三个阶段: 准备阶段(第一年6月-8月), 落实阶段(第一年9月-第三年7月), 总结阶段
    (第三年7月-8月); 每两学年为一个轮次 (三). The round meets with exactly the threshold's school
    years (a range when a region sets one) and its phases in those months."""
    assert ctx.threshold is not None
    rows = []
    for r in _rounds(ctx):
        check = rules.round_check(rules.Phases(r.start_year, r.prep_start, r.prep_end, r.impl_start, r.impl_end,
                                               r.summary_start, r.summary_end))
        years_ok = ctx.within(check.years) if ctx.threshold_max is not None else check.years == ctx.threshold
        problems = list(check.problems)
        if not years_ok:
            problems.insert(0, f"落实阶段跨{check.years}个学年，应为{ctx.threshold:g}个")
        rows.append(Row(label=r.title, meets=not problems, value=check.years, target=ctx.threshold,
                        detail="；".join(problems) if problems else f"{check.years}个学年，三个阶段安排符合要求",
                        context=r.institution_label, url=_round_url(r), path=r.institution.path))
    return rows


@metric("RES.EXCHANGE", needs_term=True, unit="region")
def exchange(ctx: MetricContext) -> list[Row]:
    """002 七(二)3: 开展工作交流(每学期交流一次) — each round whose implementation overlaps the
    semester holds a meeting dated in it."""
    assert ctx.term is not None and ctx.threshold is not None
    term = ctx.term
    rows = []
    for r in _rounds(ctx):
        if not rules.overlaps(r.impl_start, r.impl_end, term.start, term.end):
            continue
        n = ExchangeMeeting.objects.filter(round=r, date__gte=term.start, date__lte=term.end).count()
        rows.append(Row(label=r.title, meets=ctx.within(n), value=n, target=ctx.threshold,
                        detail=f"本学期交流会{n}次" if n else "本学期尚未召开工作交流会",
                        context=r.institution_label, url=_round_url(r), path=r.institution.path))
    return rows


@metric("RES.ONSITE", needs_term=True, unit="any")
def onsite(ctx: MetricContext) -> list[Row]:
    """002 三: 每学期在定点联系学校现场工作时间累计不少于一周 — working days on site in the semester,
    per linked person (researchers and backbone teachers), rows at the person's unit."""
    assert ctx.term is not None and ctx.threshold is not None
    term = ctx.term
    where = Q(person__org=ctx.node) if ctx.exact else under_q([ctx.node.path], "person__org__path")
    links = list(counted_links().filter(where, round__impl_start__lte=term.end, round__impl_end__gte=term.start)
                 .select_related("person", "person__org", "school").order_by("person__pinyin", "pk"))
    people: dict[int, Person] = {}
    schools: dict[int, list[str]] = defaultdict(list)
    for link in links:
        people.setdefault(link.person_id, link.person)
        schools[link.person_id].append(link.school.name)
    entries: dict[int, list[tuple[dt.date, float]]] = defaultdict(list)
    for pid, day, portion in (OnsiteDay.objects.filter(link__in=[lk.pk for lk in links], date__gte=term.start,
                                                        date__lte=term.end)
                              .values_list("link__person_id", "date", "portion")):
        entries[pid].append((day, 1.0 if portion == "full" else 0.5))
    rows = []
    for pid, person in people.items():
        days = rules.working_days(entries[pid])
        ok = ctx.within(days)
        detail = f"驻校{days:g}个工作日" + ("" if ok else f"，还差{max(0.0, ctx.threshold - days):g}天")
        rows.append(Row(label=person.name, meets=ok, value=days, target=ctx.threshold, detail=detail,
                        context="、".join(schools[pid][:4]), url=_person_url(person), path=person.org.path,
                        person_id=person.pk))
    return rows

