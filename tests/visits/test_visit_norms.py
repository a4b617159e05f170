"""The visits norms, each from its clause in spec/norms.md (VISIT.*, CHECK.*, WEEK.PATTERN,
GOV.CITY_FOCUS), computed live through core.compliance as the compliance page's refresh does."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import services as core_services
from core.compliance import evaluate
from core.models import Affiliation, Norm, NormOverride, OrgKind, OrgNode, SchoolType
from core.norm_results import system_user
from visits.models import (
    Visit,
    VisitCategory,
    VisitKind,
    VisitMode,
    VisitReport,
    VisitSchool,
    VisitStatus,
    WeekPattern,
)


def _rows(cast: Any, code: str, node: OrgNode | None = None, term: Any = None) -> dict[str, Any]:
    result = evaluate(system_user(), node or cast.province, term or cast.term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def _visit(cast: Any, organiser: OrgNode, *, start: dt.date = dt.date(2026, 10, 12), days: int = 1,
           schools: tuple[OrgNode, ...] = (), status: str = VisitStatus.FINISHED, kind: str = VisitKind.GUIDE,
           category: str = VisitCategory.INSPECTION, mode: str = VisitMode.COLLECTIVE, title: str = "视导") -> Visit:
    v = Visit.objects.create(organiser=organiser, category=category, kind=kind, mode=mode, term=cast.term, title=title,
                             start=start, end=start + dt.timedelta(days=days - 1), status=status)
    for i, s in enumerate(schools):
        VisitSchool.objects.create(visit=v, school=s, date=start + dt.timedelta(days=i % days))
    return v


def test_visit_per_level_and_period_names_the_institutions_short(cast: Any) -> None:
    # VISIT.COUNTY: "county 教研 institution organises a collective inspection visit >= 1 / semester".
    _visit(cast, cast.county_a, schools=(cast.school_a1,))
    _visit(cast, cast.county_b, status=VisitStatus.PLANNED, schools=(cast.school_b1,))
    _visit(cast, cast.county_b, status=VisitStatus.CANCELLED)
    rows = _rows(cast, "VISIT.COUNTY")
    assert rows["小店区教研室"].meets and rows["小店区教研室"].value == 1
    short = rows["迎泽区教研室"]
    assert not short.meets and "尚未开展集体视导" in short.detail and "1次在计划中" in short.detail
    # An individual visit is not a collective one; another semester does not count.
    _visit(cast, cast.city, mode=VisitMode.INDIVIDUAL)
    _visit(cast, cast.city, start=dt.date(2026, 3, 10))
    assert not _rows(cast, "VISIT.CITY")["市教研室"].meets
    # VISIT.PROVINCE is counted over the school year: a visit in the second semester counts.
    _visit(cast, cast.province, start=dt.date(2027, 4, 7))
    assert _rows(cast, "VISIT.PROVINCE")["省教育科学研究院"].meets


def test_threshold_comes_from_the_catalogue_and_overrides(cast: Any) -> None:
    _visit(cast, cast.county_a)
    assert _rows(cast, "VISIT.COUNTY")["小店区教研室"].target == 1
    norm = Norm.objects.get(code="VISIT.COUNTY")
    NormOverride.objects.create(norm=norm, region=cast.county_a, threshold_min=2)
    row = _rows(cast, "VISIT.COUNTY")["小店区教研室"]
    assert row.target == 2 and not row.meets


def test_every_finished_collective_visit_has_an_issued_report(cast: Any) -> None:
    done = _visit(cast, cast.county_a, title="秋季视导")
    _visit(cast, cast.county_a, title="未结束的视导", status=VisitStatus.UNDERWAY)
    reported = _visit(cast, cast.county_a, title="已出报告的视导", status=VisitStatus.REPORTED)
    VisitReport.objects.create(visit=reported, title="报告", issuer="小店区教研室", status="issued",
                               issued_on=dt.date(2026, 10, 20))
    VisitReport.objects.create(visit=done, title="草稿", issuer="小店区教研室")
    rows = _rows(cast, "VISIT.REPORT")
    assert set(rows) == {"秋季视导", "已出报告的视导"}
    assert rows["已出报告的视导"].meets
    assert not rows["秋季视导"].meets and "尚未印发报告" in rows["秋季视导"].detail  # a draft is not a report


def test_kinds_declared_and_their_spread(cast: Any) -> None:
    _visit(cast, cast.county_a, kind=VisitKind.GUIDE)
    _visit(cast, cast.county_a, kind=VisitKind.GUIDE)
    _visit(cast, cast.county_a, kind=VisitKind.DIAGNOSE)
    row = _rows(cast, "VISIT.KINDS")["小店区教研室"]
    assert row.meets and row.value == 100 and "指导性视导2次、诊断性视导1次" in row.detail
    Visit.objects.filter(kind=VisitKind.DIAGNOSE).update(kind="unknown")
    row = _rows(cast, "VISIT.KINDS")["小店区教研室"]
    assert not row.meets and "1次未标明五类之一" in row.detail


def _school(cast: Any, code: str, name: str, stype: str, affiliation: str, parent: OrgNode) -> OrgNode:
    return core_services.org_node_create(actor=None, code=code, name=name, kind=OrgKind.SCHOOL, parent=parent,
                                         school_type=stype, locale="urban", affiliation=affiliation)


def test_city_checks_every_high_school_and_city_direct_ones_every_semester(cast: Any) -> None:
    OrgNode.objects.filter(pk=cast.school_a1.pk).update(affiliation=Affiliation.COUNTY)  # 完全中学: a high school
    direct = _school(cast, "1140105009", "太原市第五中学", SchoolType.SENIOR, Affiliation.CITY_DIRECT, cast.county_a)
    # Checked last semester (same school year is 2025 → not this year), and this semester: none yet.
    _visit(cast, cast.city, category=VisitCategory.BUREAU_CHECK, start=dt.date(2026, 3, 10), schools=(direct,))
    row = _rows(cast, "CHECK.CITY_HIGH")["太原测试市教育行政部门"]
    assert not row.meets and row.value == 0 and row.target == 2
    assert "本学期未检查的市直属高中：太原市第五中学" in row.detail and "本学年未检查：小店第一中学" in row.detail
    # A check in the second semester of this school year covers the county school for the year,
    # but the city-direct one needs its own check this semester.
    spring = Visit.objects.create(organiser=cast.city, category=VisitCategory.BUREAU_CHECK, term=cast.term,
                                  title="春季常规检查", start=dt.date(2027, 4, 6), end=dt.date(2027, 4, 6),
                                  status=VisitStatus.FINISHED)
    VisitSchool.objects.create(visit=spring, school=cast.school_a1, date=dt.date(2027, 4, 6))
    row = _rows(cast, "CHECK.CITY_HIGH")["太原测试市教育行政部门"]
    assert not row.meets and "小店第一中学" not in row.detail and "太原市第五中学" in row.detail
    _visit(cast, cast.city, category=VisitCategory.BUREAU_CHECK, schools=(direct,))
    assert _rows(cast, "CHECK.CITY_HIGH")["太原测试市教育行政部门"].meets


def test_county_checks_every_compulsory_school_each_semester(cast: Any) -> None:
    # School A1 is a 完全中学 (junior and senior): compulsory; A2 a primary.
    _visit(cast, cast.county_a, category=VisitCategory.BUREAU_CHECK, schools=(cast.school_a1,))
    _visit(cast, cast.county_a, category=VisitCategory.INSPECTION, schools=(cast.school_a2,))  # not a check
    row = _rows(cast, "CHECK.COUNTY_COMPULSORY")["小店测试区教育行政部门"]
    assert not row.meets and row.value == 1 and row.target == 2 and "未检查：北格镇中心小学" in row.detail
    _visit(cast, cast.county_a, category=VisitCategory.BUREAU_CHECK, schools=(cast.school_a2,))
    assert _rows(cast, "CHECK.COUNTY_COMPULSORY")["小店测试区教育行政部门"].meets


def test_week_pattern_configured_and_kept(cast: Any) -> None:
    # 2026-10-12 is a Monday, 10-13 a Tuesday.
    _visit(cast, cast.county_a, start=dt.date(2026, 10, 12), days=2, schools=(cast.school_a1, cast.school_a2))
    row = _rows(cast, "WEEK.PATTERN")["小店区教研室"]
    assert not row.meets and "未设置每周工作安排" in row.detail
    WeekPattern.objects.create(region=cast.county_a, days={"1": "visit", "2": "subject_activity", "3": "visit",
                                                           "4": "subject_activity"})
    row = _rows(cast, "WEEK.PATTERN")["小店区教研室"]
    assert row.value == 50 and not row.meets and "视导日1/2天符合安排" in row.detail and "10-13（周二）" in row.detail
    assert "周一下校视导" in row.detail


def test_city_focus_on_high_schools_county_on_compulsory(cast: Any) -> None:
    _visit(cast, cast.county_a, schools=(cast.school_a1, cast.school_a2))
    _visit(cast, cast.city, schools=(cast.school_a2, cast.school_b1))
    rows = _rows(cast, "GOV.CITY_FOCUS")
    assert rows["小店区教研室"].meets and rows["小店区教研室"].value == 100
    city = rows["市教研室"]
    assert not city.meets and city.value == 0 and "其中高中0校次" in city.detail


def test_stored_refresh_keeps_each_institutions_own_row(cast: Any) -> None:
    from core.models import NormResultRow
    from core.norm_results import refresh_units

    _visit(cast, cast.county_a, schools=(cast.school_a1,))
    refresh_units([cast.county_a, cast.county_b, cast.city], cast.term.key)
    stored = {(r.unit.code, r.norm_code): r for r in NormResultRow.objects.filter(
        norm_code__in=["VISIT.COUNTY", "VISIT.CITY", "GOV.CITY_FOCUS"]).select_related("unit")}
    assert stored[("140105", "VISIT.COUNTY")].meets and not stored[("140106", "VISIT.COUNTY")].meets
    assert not stored[("140100", "VISIT.CITY")].meets and ("140100", "VISIT.COUNTY") not in stored
    assert stored[("140105", "GOV.CITY_FOCUS")].value == 100
