"""School appraisal by progress (依进论出, 004 (六)): the value-added indicator is pre-filled with
the value added quality monitoring computes for the school, its uncertainty named; and
QM.VALUE_ADDED ("teachers and schools are judged by progress, not raw level alone") holds for a
county whose school appraisal includes such an indicator, and not before."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from appraisal.services import campaigns as svc
from appraisal.services.campaign_prefill import school_value_added
from appraisal.services.campaigns import CampaignError
from core.compliance import evaluate
from core.models import Norm, Subject
from core.norm_results import system_user
from tests.appraisal.campaign_school_setup import school_rubric
from tests.quality.test_warnings import _three_exams


def _papers(cast: Any) -> tuple[Any, Any]:
    exams = _three_exams(cast)
    math = Subject.objects.get(code="math")
    return exams[2].papers.get(subject=math), exams[1].papers.get(subject=math)


def _campaign(cast: Any, **kw: Any) -> Any:
    paper, prior = _papers(cast)
    return svc.campaign_create(actor=cast.users["county_admin"], org=cast.county_a, kind="school",
                               title="小店区2026年学校办学质量考评", start=dt.date(2026, 9, 1),
                               end=dt.date(2027, 1, 15), version=school_rubric(cast.county_a),
                               value_added_code="1.1", va_paper=paper, va_prior=prior, **kw)


def _va_row(cast: Any) -> Any:
    rows = evaluate(system_user(), cast.city, cast.term, Norm.objects.get(code="QM.VALUE_ADDED")).rows
    return {r.label: r for r in rows}["小店测试区"]


def test_the_value_added_indicator_is_prefilled_with_its_uncertainty(cast: Any) -> None:
    c = _campaign(cast)
    svc.subjects_generate(actor=None, campaign=c)
    va = school_value_added(c)
    a1 = c.subjects.get(school=cast.school_a1)
    _, prefill = svc.stage_initial(a1, c.stages[0])
    got = va[cast.school_a1.code]
    assert got.reported and got.se is not None and got.se > 0 and got.n == 20
    z = max(-2.0, min(2.0, (got.effect or 0) / got.se))
    assert prefill["1.1"]["value"] == round(20 * (z + 2) / 4, 2)
    assert f"标准误 {got.se:.2f}" in prefill["1.1"]["source"] and "95%区间" in prefill["1.1"]["source"]
    assert set(prefill) == {"1.1"}  # the records hold no other indicator of this rubric


def test_value_added_needs_two_papers_of_one_subject_in_order(cast: Any) -> None:
    paper, prior = _papers(cast)
    with pytest.raises(CampaignError, match="前测应为同一学科、更早的考试"):
        svc.campaign_create(actor=None, org=cast.county_a, kind="school", title="x", start=dt.date(2026, 9, 1),
                            end=dt.date(2027, 1, 15), version=school_rubric(cast.county_a), value_added_code="1.1",
                            va_paper=prior, va_prior=paper)
    with pytest.raises(CampaignError, match="量表中没有评分项“9.9”"):
        svc.campaign_create(actor=None, org=cast.county_a, kind="school", title="x", start=dt.date(2026, 9, 1),
                            end=dt.date(2027, 1, 15), version=school_rubric(cast.city), value_added_code="9.9",
                            va_paper=paper, va_prior=prior)


def test_qm_value_added_holds_once_the_school_appraisal_includes_it(cast: Any) -> None:
    c = _campaign(cast)
    row = _va_row(cast)
    assert not row.meets and "学校考评中没有增值评价指标" in row.detail  # a draft does not judge yet
    assert "关联学生" in row.detail
    svc.subjects_generate(actor=None, campaign=c)
    svc.assessor_add(actor=None, campaign=c, stage="district", person=cast.people["county_researcher"])
    svc.campaign_open(actor=None, campaign=c)
    row = _va_row(cast)
    assert row.meets and row.detail.startswith("学校考评含增值评价指标：小店区2026年学校办学质量考评")
    # County B's schools are not appraised by county A's campaign.
    rows = evaluate(system_user(), cast.city, cast.term, Norm.objects.get(code="QM.VALUE_ADDED")).rows
    assert not {r.label: r for r in rows}["迎泽测试区"].meets
