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



def _teacher_papers(cast: Any) -> tuple[Any, Any]:
    """Two math exams of school A1 (8(1)班 taught by 何静, 8(2)班 by 冯志刚): between them 8(2)班
    gains and 8(1)班 loses ground, with a little noise per student (a model needs some)."""
    from quality.models import ClassTeacher
    from tests.quality.factories import apply, make_exam, messy_xlsx, upload

    math = Subject.objects.get(code="math")
    papers = []
    for k, (term, day) in enumerate([("2025-2", dt.date(2026, 6, 30)), ("2026-1", dt.date(2026, 11, 10))]):
        exam = make_exam(cast.county_a, name=f"教师增值第{k + 1}次", term_key=term, held_on=day)
        rows: list[list[object]] = []
        for i in range(24):
            cls = "8(1)班" if i % 2 else "8(2)班"
            s7 = 3 + i % 5 + (k * (2 if cls == "8(2)班" else -1)) + (k * ((i * 7) % 3 - 1))
            rows.append([f"V{i:03d}", f"生{i}", cls, 1, 1, 0, 0, 1, 3, s7, 6 + s7])
        apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
        ClassTeacher.objects.create(school=cast.school_a1, term_key=term, grade=8, class_label="8(1)班",
                                    subject=math, teacher=cast.people["teacher"])
        ClassTeacher.objects.create(school=cast.school_a1, term_key=term, grade=8, class_label="8(2)班",
                                    subject=math, teacher=cast.people["group_leader"])
        papers.append(exam.papers.get(subject=math))
    return papers[1], papers[0]


def test_a_teacher_appraisal_over_a_schools_teachers_weighs_each_ones_value_added(cast: Any) -> None:
    """依进论出 for teachers: the campaign's subjects are school A1's teachers; a teacher's value added
    over the classes they taught the paper's subject is pre-filled with its uncertainty; a teacher
    who taught no class of it gets no value (the assessor rates it); each teacher sees only their own."""
    from appraisal.campaign_access import subjects_visible_to
    from appraisal.services.campaign_prefill import teacher_value_added

    paper, prior = _teacher_papers(cast)
    c = svc.campaign_create(actor=cast.users["county_admin"], org=cast.county_a, kind="teacher",
                            title="小店区2026年教师考核", start=dt.date(2026, 9, 1), end=dt.date(2027, 1, 15),
                            version=school_rubric(cast.county_a), value_added_code="1.1", va_paper=paper,
                            va_prior=prior)
    assert [s["key"] for s in c.stages] == ["self", "school"]
    svc.subjects_generate(actor=None, campaign=c, within=[cast.school_a1])
    names = {cast.people[k].name for k in ("teacher", "group_leader", "principal", "vice_principal",
                                            "middle_manager", "part_time_researcher")}
    assert set(c.subjects.values_list("label", flat=True)) == names
    va = teacher_value_added(c)
    he, feng = va[cast.people["teacher"].pk], va[cast.people["group_leader"].pk]
    assert set(va) == {cast.people["teacher"].pk, cast.people["group_leader"].pk}
    assert he.reported and feng.reported and he.n == feng.n == 12
    assert he.effect is not None and feng.effect is not None and he.effect < 0 < feng.effect
    mine = c.subjects.get(person=cast.people["teacher"])
    _, prefill = svc.stage_initial(mine, c.stages[0])
    assert he.se is not None and he.se > 0
    z = max(-2.0, min(2.0, he.effect / he.se))
    assert prefill["1.1"]["value"] == round(20 * (z + 2) / 4, 2) < 10
    assert f"标准误 {he.se:.2f}" in prefill["1.1"]["source"] and "95%区间" in prefill["1.1"]["source"]
    _, none = svc.stage_initial(c.subjects.get(person=cast.people["vice_principal"]), c.stages[0])
    assert none == {}
    # Each teacher sees their own; the school's leaders assess them all; other schools see none.
    assert list(subjects_visible_to(cast.users["teacher"]).filter(campaign=c)) == [mine]
    assert subjects_visible_to(cast.users["principal"]).filter(campaign=c).count() == len(names)
    for key in ("teacher_a2", "outside_teacher", "outside_principal"):
        assert not subjects_visible_to(cast.users[key]).filter(campaign=c).exists()
    # QM.VALUE_ADDED names the teacher appraisal judged by progress once it runs (not as a draft).
    assert "教师考评中没有增值评价指标" in _va_row(cast).detail
    svc.campaign_open(actor=None, campaign=c)
    row = _va_row(cast)
    assert "教师考评含增值评价指标：小店区2026年教师考核" in row.detail and not row.meets
