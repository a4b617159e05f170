"""Visits norms (core.compliance @metric): VISIT.PROVINCE, VISIT.CITY, VISIT.COUNTY, VISIT.REPORT,
VISIT.KINDS, CHECK.CITY_HIGH, CHECK.COUNTY_COMPULSORY, WEEK.PATTERN and GOV.CITY_FOCUS
(norms.md; 000 §5, §6; 001 一(一); 004 (七), 四(四)).

Every metric is a region metric: the visits are organised by a region's institution (or its
bureau, for routine checks), so the unit is the organising region, and its row names the
institution. A visit counts once it has started (underway, finished or reported); a planned one
is named in the detail but does not meet the norm yet, a cancelled one never counts.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db.models import Exists, OuterRef
from django.urls import reverse

from core.access import nodes_visible_to
from core.compliance import MetricContext, Row, Thresholds, metric
from core.models import SCHOOL_TYPE_STAGES, Affiliation, OrgKind, OrgNode, Stage, Term
from visits.models import (
    ReportStatus,
    Visit,
    VisitCategory,
    VisitKind,
    VisitMode,
    VisitQuerySet,
    VisitReport,
    VisitSchool,
    VisitStatus,
    WeekActivity,
    WeekPattern,
)

HELD = (VisitStatus.UNDERWAY, VisitStatus.FINISHED, VisitStatus.REPORTED)
DONE = (VisitStatus.FINISHED, VisitStatus.REPORTED)
# School types with a senior (high-school) stage, and with a compulsory (primary or junior) stage.
HIGH_TYPES = tuple(t for t, stages in SCHOOL_TYPE_STAGES.items() if Stage.SENIOR in stages)
COMPULSORY_TYPES = tuple(t for t, stages in SCHOOL_TYPE_STAGES.items()
                         if Stage.PRIMARY in stages or Stage.JUNIOR in stages)
# Norms whose catalogue threshold is a rule rather than a number (WEEK.PATTERN, GOV.CITY_FOCUS):
# the share (percent) that keeps the rule, unless a region sets its own threshold.
WEEK_PATTERN_SHARE = 100.0
FOCUS_SHARE = 50.0
NAMES_SHOWN = 10


def _regions(ctx: MetricContext, *kinds: str) -> list[OrgNode]:
    if ctx.exact:  # a refresh keeps the unit's own row only (core.compliance)
        return [ctx.node] if ctx.node.kind in kinds else []
    return list(nodes_visible_to(ctx.user).under(ctx.node.path).filter(kind__in=kinds).order_by("depth", "path"))


def _range(ctx: MetricContext, code: str, region: OrgNode) -> tuple[float | None, float | None]:
    """The threshold range in force at `region`: the unit's own in a refresh, else each listed
    region's (a county's override applies to its row on a city's live page)."""
    if ctx.exact or region.pk == ctx.node.pk:
        return ctx.threshold_min, ctx.threshold_max
    th = ctx.memo.get("thresholds")
    if th is None:
        th = ctx.memo["thresholds"] = Thresholds()
    low, high = th.range_at(code, region.path)
    return low, high


def _meets(ctx: MetricContext, code: str, region: OrgNode, value: float, default: float) -> tuple[bool, float]:
    """(meets, target) of a value against the range at `region` (`default` when the catalogue
    gives a rule rather than a number)."""
    low, high = _range(ctx, code, region)
    if low is None and high is None:
        return value >= default, default
    return (low is None or value >= low) and (high is None or value <= high), low if low is not None else high  # type: ignore[return-value]  # one end is set here


def institution(region: OrgNode) -> str:
    return region.institute_name or f"{region.name}教研机构"


def bureau(region: OrgNode) -> str:
    return region.bureau_name or f"{region.name}教育行政部门"


def school_year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 9, 1), dt.date(year + 1, 8, 31)


def _in_year(qs: VisitQuerySet, year: int) -> VisitQuerySet:
    start, end = school_year_span(year)
    return qs.filter(start__lte=end, end__gte=start)


def _names(items: list[str]) -> str:
    more = len(items) - NAMES_SHOWN
    return "、".join(items[:NAMES_SHOWN]) + (f"等{len(items)}所" if more > 0 else "")


def _stats_url(region: OrgNode) -> str:
    return reverse("visits:stats") + f"?node={region.code}"


def _collective(region: OrgNode) -> VisitQuerySet:
    return Visit.objects.filter(organiser=region, category=VisitCategory.INSPECTION, mode=VisitMode.COLLECTIVE)


def _visit_rows(ctx: MetricContext, code: str, kind: str, period: str) -> list[Row]:
    assert ctx.term is not None
    rows = []
    for region in _regions(ctx, kind):
        qs = _collective(region).exclude(status=VisitStatus.CANCELLED)
        qs = _in_year(qs, ctx.term.school_year) if period == "year" else qs.in_term(ctx.term)
        held = qs.filter(status__in=HELD).count()
        planned = qs.filter(status=VisitStatus.PLANNED).count()
        when = f"{ctx.term.school_year}学年" if period == "year" else "本学期"
        detail = f"{when}已开展集体视导{held}次" if held else f"{when}尚未开展集体视导"
        if planned:
            detail += f"，另有{planned}次在计划中"
        meets, target = _meets(ctx, code, region, held, 1)
        rows.append(Row(label=institution(region), meets=meets, value=held, target=target,
                        detail=detail, context=region.name, url=_stats_url(region), path=region.path))
    return rows


@metric("VISIT.PROVINCE", needs_term=True, unit="region")
def visit_province(ctx: MetricContext) -> list[Row]:
    """The provincial institution organises a collective inspection visit each school year."""
    return _visit_rows(ctx, "VISIT.PROVINCE", OrgKind.PROVINCE, "year")


@metric("VISIT.CITY", needs_term=True, unit="region")
def visit_city(ctx: MetricContext) -> list[Row]:
    """Each city institution organises a collective inspection visit each semester."""
    return _visit_rows(ctx, "VISIT.CITY", OrgKind.CITY, "term")


@metric("VISIT.COUNTY", needs_term=True, unit="region")
def visit_county(ctx: MetricContext) -> list[Row]:
    """Each county institution organises a collective inspection visit each semester."""
    return _visit_rows(ctx, "VISIT.COUNTY", OrgKind.COUNTY, "term")


@metric("VISIT.REPORT", needs_term=True, unit="region")
def visit_report(ctx: MetricContext) -> list[Row]:
    """Every collective inspection visit that has finished ends in an issued feedback report."""
    assert ctx.term is not None
    rows = []
    for region in _regions(ctx, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY):
        issued = VisitReport.objects.filter(visit=OuterRef("pk"), status=ReportStatus.ISSUED)
        visits = (_collective(region).in_term(ctx.term).filter(status__in=DONE)
                  .annotate(has_report=Exists(issued)).order_by("start", "id")
                  .values_list("title", "end", "has_report"))
        for title, end, has_report in visits:
            rows.append(Row(label=title, meets=bool(has_report), value=1 if has_report else 0, target=1,
                            detail="已印发视导报告" if has_report else f"视导已于{end:%Y-%m-%d}结束，尚未印发报告",
                            context=institution(region), url=reverse("visits:reports"), path=region.path))
    return rows


@metric("VISIT.KINDS", needs_term=True, unit="region")
def visit_kinds(ctx: MetricContext) -> list[Row]:
    """Every visit declares one of the five kinds (004 (七)); the row shows the spread of kinds."""
    assert ctx.term is not None
    labels = dict(VisitKind.choices)
    rows = []
    for region in _regions(ctx, OrgKind.PROVINCE, OrgKind.CITY, OrgKind.COUNTY):
        kinds = list(Visit.objects.filter(organiser=region, category=VisitCategory.INSPECTION).in_term(ctx.term)
                     .exclude(status=VisitStatus.CANCELLED).values_list("kind", flat=True))
        if not kinds:
            continue
        declared = [k for k in kinds if k in labels]
        spread = Counter(declared)
        share = 100 * len(declared) / len(kinds)
        detail = "、".join(f"{labels[k]}{spread[k]}次" for k in labels if spread[k])
        if len(declared) < len(kinds):
            detail += f"；{len(kinds) - len(declared)}次未标明五类之一"
        rows.append(Row(label=institution(region), meets=len(declared) == len(kinds), value=round(share, 1),
                        target=100, detail=f"本学期视导{len(kinds)}次：{detail}", context=region.name,
                        url=_stats_url(region), path=region.path))
    return rows


def _checked_school_ids(region: OrgNode, qs: VisitQuerySet) -> set[int]:
    visits = qs.filter(organiser=region, category=VisitCategory.BUREAU_CHECK, status__in=HELD)
    return set(VisitSchool.objects.filter(visit__in=visits).values_list("school_id", flat=True))


def _schools(region: OrgNode, types: tuple[str, ...]) -> list[OrgNode]:
    return list(OrgNode.objects.filter(path__startswith=region.path, kind=OrgKind.SCHOOL, school_type__in=types)
                .order_by("path"))


@metric("CHECK.CITY_HIGH", needs_term=True, unit="region")
def check_city_high(ctx: MetricContext) -> list[Row]:
    """The city's bureau checks every high school in the school year, and every city-direct (市直属)
    high school every semester (004 四(四)); the schools not yet checked are named."""
    assert ctx.term is not None
    rows = []
    for city in _regions(ctx, OrgKind.CITY):
        schools = _schools(city, HIGH_TYPES)
        if not schools:
            continue
        in_year = _checked_school_ids(city, _in_year(Visit.objects.all(), ctx.term.school_year))
        in_term = _checked_school_ids(city, Visit.objects.in_term(ctx.term))
        missing_direct = [s.name for s in schools if s.affiliation == Affiliation.CITY_DIRECT and s.pk not in in_term]
        missing_other = [s.name for s in schools if s.affiliation != Affiliation.CITY_DIRECT and s.pk not in in_year]
        done = len(schools) - len(missing_direct) - len(missing_other)
        parts = [f"已检查{done}/{len(schools)}所高中"]
        if missing_direct:
            parts.append("本学期未检查的市直属高中：" + _names(missing_direct))
        if missing_other:
            parts.append("本学年未检查：" + _names(missing_other))
        rows.append(Row(label=bureau(city), meets=not missing_direct and not missing_other, value=done,
                        target=len(schools), detail="；".join(parts), context=city.name,
                        url=reverse("visits:home"), path=city.path))
    return rows


@metric("CHECK.COUNTY_COMPULSORY", needs_term=True, unit="region")
def check_county_compulsory(ctx: MetricContext) -> list[Row]:
    """The county's bureau checks every compulsory-education school each semester; the schools
    not yet checked are named."""
    assert ctx.term is not None
    rows = []
    for county in _regions(ctx, OrgKind.COUNTY):
        schools = _schools(county, COMPULSORY_TYPES)
        if not schools:
            continue
        checked = _checked_school_ids(county, Visit.objects.in_term(ctx.term))
        missing = [s.name for s in schools if s.pk not in checked]
        done = len(schools) - len(missing)
        detail = f"本学期已检查{done}/{len(schools)}所义务教育学校" + (f"；未检查：{_names(missing)}" if missing else "")
        rows.append(Row(label=bureau(county), meets=not missing, value=done, target=len(schools), detail=detail,
                        context=county.name, url=reverse("visits:home"), path=county.path))
    return rows


def _visit_days(region: OrgNode, term: Term) -> list[dt.date]:
    visits = (Visit.objects.filter(organiser=region, category=VisitCategory.INSPECTION).in_term(term)
              .exclude(status=VisitStatus.CANCELLED))
    return sorted(set(VisitSchool.objects.filter(visit__in=visits).values_list("date", flat=True)))


@metric("WEEK.PATTERN", needs_term=True, unit="region")
def week_pattern(ctx: MetricContext) -> list[Row]:
    """The institution has a weekly pattern (001 一(一): visits Mon and Wed, subject activities
    Tue and Thu) and its visit days keep it: the share of visit days on a day the pattern gives
    to visits (or leaves free)."""
    assert ctx.term is not None
    patterns = {p.region_id: p for p in WeekPattern.objects.filter(region__in=_regions(ctx, OrgKind.CITY,
                                                                                        OrgKind.COUNTY))}
    labels = dict(WeekActivity.choices)
    weekdays = "一二三四五六日"
    rows = []
    for region in _regions(ctx, OrgKind.CITY, OrgKind.COUNTY):
        pattern = patterns.get(region.pk)
        days = _visit_days(region, ctx.term)
        target = _meets(ctx, "WEEK.PATTERN", region, 0, WEEK_PATTERN_SHARE)[1]
        if pattern is None:
            rows.append(Row(label=institution(region), meets=False, value=None, target=target,
                            detail="未设置每周工作安排" + (f"（本学期视导{len(days)}天）" if days else ""),
                            context=region.name, url=reverse("visits:home"), path=region.path))
            continue
        plan = "，".join(f"周{weekdays[int(d) - 1]}{labels.get(a, a)}" for d, a in sorted(pattern.days.items())
                        if a != WeekActivity.FREE and d.isdigit() and 1 <= int(d) <= 7)
        if not days:
            rows.append(Row(label=institution(region), meets=True, value=None, target=target,
                            detail=f"安排：{plan or '未限定'}；本学期尚无视导日", context=region.name,
                            url=reverse("visits:home"), path=region.path))
            continue
        kept = [d for d in days if pattern.days.get(str(d.isoweekday()), WeekActivity.FREE)
                in (WeekActivity.VISIT, WeekActivity.FREE)]
        share = round(100 * len(kept) / len(days), 1)
        off = [d for d in days if d not in kept]
        detail = f"安排：{plan or '未限定'}；视导日{len(kept)}/{len(days)}天符合安排"
        if off:
            detail += "；不符：" + "、".join(f"{d:%m-%d}（周{weekdays[d.isoweekday() - 1]}）" for d in off[:8])
        meets, target = _meets(ctx, "WEEK.PATTERN", region, share, WEEK_PATTERN_SHARE)
        rows.append(Row(label=institution(region), meets=meets, value=share, target=target, detail=detail,
                        context=region.name,
                        url=reverse("visits:home"), path=region.path))
    return rows


@metric("GOV.CITY_FOCUS", needs_term=True, unit="region")
def gov_city_focus(ctx: MetricContext) -> list[Row]:
    """City institutions focus on high schools, county institutions on compulsory education
    (000 §5): the share of the institution's inspection visits (校次) at such schools."""
    assert ctx.term is not None
    rows = []
    for region in _regions(ctx, OrgKind.CITY, OrgKind.COUNTY):
        focus_types, focus = (HIGH_TYPES, "高中") if region.kind == OrgKind.CITY else (COMPULSORY_TYPES, "义务教育学校")
        visits = (Visit.objects.filter(organiser=region, category=VisitCategory.INSPECTION).in_term(ctx.term)
                  .exclude(status=VisitStatus.CANCELLED))
        stops = set(VisitSchool.objects.filter(visit__in=visits).values_list("visit_id", "school_id",
                                                                               "school__school_type"))
        if not stops:
            continue
        at_focus = sum(1 for _v, _s, t in stops if t in focus_types)
        share = round(100 * at_focus / len(stops), 1)
        meets, target = _meets(ctx, "GOV.CITY_FOCUS", region, share, FOCUS_SHARE)
        rows.append(Row(label=institution(region), meets=meets, value=share, target=target,
                        detail=f"本学期视导{len(stops)}校次，其中{focus}{at_focus}校次（{share:g}%）",
                        context=region.name, url=_stats_url(region), path=region.path))
    return rows

