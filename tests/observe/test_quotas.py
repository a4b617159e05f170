"""LEAD.OBSERVE_HEAD, LEAD.OBSERVE_MIDDLE, LEAD.COVERAGE: counts, pace and coverage, live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from core import services as core_services
from core.compliance import compliance_for
from core.models import Norm
from observe.models import Observation
from observe.quotas import BEHIND, MET, ON_PACE, elapsed_fraction, pace_status, quota_report
from tests.conftest import Cast

TODAY = dt.date(2026, 11, 27)


def test_pace_rules(cast: Cast) -> None:
    term = cast.term
    assert elapsed_fraction(term, term.start) == pytest.approx(1 / 142)
    assert elapsed_fraction(term, dt.date(2026, 8, 1)) == 0
    assert elapsed_fraction(term, dt.date(2027, 3, 1)) == 1
    assert pace_status(30, 30, 0.2) == MET
    assert pace_status(5, 30, 0.2) == BEHIND  # 6 expected by now
    assert pace_status(5, 30, 0.19) == ON_PACE  # 5.7 expected: not yet a whole lesson behind
    assert pace_status(6, 30, 0.2) == ON_PACE
    assert pace_status(3, 30, 0.5) == BEHIND
    assert pace_status(0, 30, 0.01) == ON_PACE


def test_report_counts_own_school_in_term(cast: Cast, rec: Callable[..., Observation]) -> None:
    for _ in range(3):
        rec("principal", "teacher")
    rec("principal", "group_leader", subject="math")
    rec("principal", "teacher", date=dt.date(2026, 5, 10))  # last term: not counted
    rec("principal", "teacher", submit=False)  # a draft: not counted
    rec("principal", "teacher_a2", school=cast.school_a2, subject="math")  # another school
    rec("middle_manager", "teacher")
    report = quota_report(cast.users["principal"], cast.school_a1, cast.term, today=TODAY)
    rows = {r.name: r for r in report.leaders}
    assert set(rows) == {"孙国庆", "吴海燕", "郑红梅"}
    assert rows["孙国庆"].count == 4 and rows["孙国庆"].quota == 30 and rows["孙国庆"].norm == "LEAD.OBSERVE_HEAD"
    assert rows["郑红梅"].count == 1 and rows["郑红梅"].quota == 25
    # 88 of 142 days gone: 30 × 0.62 = 18.6 expected, so everyone is behind pace.
    assert rows["孙国庆"].expected == 18  # 30 × 62% = 18.6, in whole lessons (observe.quotas.expected_by_now)
    assert all(r.status == BEHIND for r in report.leaders)
    cov = report.schools[0]
    # Teachers of A1 other than its 校领导 (孙国庆, 吴海燕): 4; observed by them: 何静 and 冯志刚
    # (the middle manager's observation does not count for coverage: LEAD.COVERAGE, 004 (一)1).
    assert cov.teachers == 4 and cov.observed == 2
    assert "何静" not in {t.name for t in cov.unobserved}


def test_override_threshold_applies(cast: Cast, rec: Callable[..., Observation]) -> None:
    norm = Norm.objects.get(code="LEAD.OBSERVE_HEAD")
    core_services.norm_override_set(actor=None, norm=norm, region=cast.county_a, threshold=2)
    rec("principal", "teacher")
    rec("principal", "group_leader", subject="math")
    report = quota_report(cast.users["county_researcher"], cast.county_a, cast.term, today=TODAY)
    row = next(r for r in report.leaders if r.name == "孙国庆")
    assert row.quota == 2 and row.status == MET


def test_metrics_plugged_into_compliance(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher")
    results = {r.norm.code: r for r in compliance_for(cast.users["county_researcher"], cast.county_a, cast.term,
                                                      codes=["LEAD.OBSERVE_HEAD", "LEAD.OBSERVE_MIDDLE",
                                                             "LEAD.COVERAGE"], with_rows=True)}
    head = results["LEAD.OBSERVE_HEAD"]
    assert head.has_metric and {r.label for r in head.rows} == {"孙国庆", "吴海燕"}
    assert next(r for r in head.rows if r.label == "孙国庆").value == 1
    assert {r.label for r in results["LEAD.OBSERVE_MIDDLE"].rows} == {"郑红梅"}
    cov = {r.label: r for r in results["LEAD.COVERAGE"].rows}
    assert set(cov) == {"小店第一中学", "北格镇中心小学"}
    assert not cov["小店第一中学"].meets and "1/4" in cov["小店第一中学"].detail


def test_outsider_sees_no_county_a_rows(cast: Cast, rec: Callable[..., Observation]) -> None:
    rec("principal", "teacher")
    report = quota_report(cast.users["outside_principal"], cast.city, cast.term, today=TODAY)
    assert {r.school_name for r in report.schools} == {"迎泽实验小学"}
    assert {r.name for r in report.leaders} == {"马立新"}
