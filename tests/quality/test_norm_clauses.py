"""The quality norms measured against their clauses in shared/spec/norms.md (issue 10).

Every test quotes the clause it checks. Rows are read through `rows_for`, the one place that
calls the norms framework (the integrator adapts it if the framework's entry point changes).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from core import services as core_services
from core.compliance import Row, evaluate
from core.models import Norm, OrgNode, Post, Role, Subject, Term, User
from quality import services
from quality.models import Exam, RuleKind
from quality.warnings import evaluate as warnings_evaluate
from tests.conftest import Cast
from tests.quality.factories import BLUEPRINT, apply, clean_rows, make_exam, messy_xlsx, upload
from tests.quality.test_warnings import _rows, _three_exams


def rows_for(code: str, user: User, node: OrgNode, term: Term | None) -> list[Row]:
    return evaluate(user, node, term, Norm.objects.get(code=code)).rows


def _by_label(rows: list[Row]) -> dict[str, Row]:
    return {r.label: r for r in rows}


def _exam(org: OrgNode, *, name: str, grade: int = 8, stage: str = "junior", held_on: dt.date = dt.date(2026, 11, 10),
          term_key: str = "2026-1", subjects: tuple[str, ...] = ("math",)) -> Exam:
    papers = [(Subject.objects.get(code=c), Decimal("20")) for c in subjects]
    exam = services.exam_create(actor=None, org=org, name=name, kind="midterm", term_key=term_key, stage=stage,
                                grade=grade, held_on=held_on, papers=papers)
    for p in exam.papers.all():
        services.blueprint_save(actor=None, paper=p, text=BLUEPRINT)
    return exam


# TEACHER.BELOW_PEERS: "a teacher whose results stay below the school's parallel classes' average
# for long is flagged (for lower appointment or transfer) | flag after N consecutive exams (region
# sets N)".

def test_below_peers_lists_every_teacher_with_a_class_not_only_the_flagged(cast: Cast) -> None:
    """"a teacher whose results stay below the school's parallel classes' average ... is flagged":
    every teacher with a class is a subject of the norm; the one whose class was below its
    parallel class in the last 3 exams is flagged, the one above is not (a denominator)."""
    _three_exams(cast)
    rows = _by_label(rows_for("TEACHER.BELOW_PEERS", cast.users["city_researcher"], cast.county_a, cast.term))
    assert set(rows) == {"何静", "冯志刚"}
    assert not rows["何静"].meets and rows["冯志刚"].meets
    assert "连续3次" in rows["何静"].detail


def test_below_peers_uses_the_norm_threshold_and_regional_override(cast: Cast) -> None:
    """"flag after N consecutive exams (region sets N)": N is the norm's threshold as the county
    overrides it, not the warning rule's parameter."""
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    services.warnings_raise(actor=None, exam=exams[-1], found=warnings_evaluate(exams[-1]))
    norm = Norm.objects.get(code="TEACHER.BELOW_PEERS")
    core_services.norm_override_set(actor=None, norm=norm, region=cast.county_a, threshold=4)
    rows = _by_label(rows_for("TEACHER.BELOW_PEERS", cast.users["city_researcher"], cast.county_a, cast.term))
    assert rows["何静"].meets  # three exams below, the county asks for four
    assert "标记线4次" in rows["何静"].detail
    core_services.norm_override_set(actor=None, norm=norm, region=cast.county_a, threshold=2)
    assert not _by_label(rows_for("TEACHER.BELOW_PEERS", cast.users["city_researcher"], cast.county_a,
                                  cast.term))["何静"].meets


def test_below_peers_compares_with_the_other_parallel_classes(cast: Cast) -> None:
    """"below the school's parallel classes' average": the peers are the other classes, not a mean
    that includes the teacher's own class. In the third exam 8(1)班 averages 8 and 8(2)班 13: the
    peer mean shown is 13.0, not the school's 10.5."""
    _three_exams(cast)
    row = _by_label(rows_for("TEACHER.BELOW_PEERS", cast.users["city_researcher"], cast.county_a, cast.term))["何静"]
    assert "其他平行班均分13.0" in row.detail and "8.0" in row.detail


def test_below_peers_flag_is_withdrawn_when_a_reimport_removes_the_condition(cast: Cast) -> None:
    """"results stay below ... is flagged": when corrected scores show the class level with its
    parallel class, the teacher is no longer flagged, whatever warning was raised before."""
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    services.warnings_raise(actor=None, exam=exams[-1], found=warnings_evaluate(exams[-1]))
    user = cast.users["city_researcher"]
    assert not _by_label(rows_for("TEACHER.BELOW_PEERS", user, cast.county_a, cast.term))["何静"].meets
    apply(upload(exams[-1], messy_xlsx(_rows(20, weak_class="8(1)班", strong=5, weak=5, prefix="S"),
                                       school="小店第一中学")))
    assert _by_label(rows_for("TEACHER.BELOW_PEERS", user, cast.county_a, cast.term))["何静"].meets


# QM.PLAN: "monitoring plan with quality indicators per stage and subject, and an early-warning
# notice system | rule | exam".

def test_plan_needs_the_regions_own_warning_rules(cast: Cast) -> None:
    """"an early-warning notice system": the province's rule is not county B's plan."""
    services.warning_rule_save(actor=None, org=cast.province, kind=RuleKind.LOW_RATE, params={"line": 0.3})
    make_exam(cast.county_b, name="迎泽区期中监测")
    rows = _by_label(rows_for("QM.PLAN", cast.users["sysadmin"], cast.city, cast.term))
    assert not rows["迎泽测试区"].meets and "本级未设定预警规则" in rows["迎泽测试区"].detail


def test_plan_counts_only_this_years_exams(cast: Cast) -> None:
    """"monitoring plan ... | exam": an exam of an earlier school year is not this year's plan."""
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.LOW_RATE, params={"line": 0.3})
    make_exam(cast.county_a, name="2024年期中监测", term_key="2024-1", held_on=dt.date(2024, 11, 10))
    rows = _by_label(rows_for("QM.PLAN", cast.users["sysadmin"], cast.city, cast.term))
    assert not rows["小店测试区"].meets
    make_exam(cast.county_a, name="本学年期中监测")
    assert _by_label(rows_for("QM.PLAN", cast.users["sysadmin"], cast.city, cast.term))["小店测试区"].meets


# QM.CITY_HIGH: "city runs unified online marking and quality analysis for every high-school subject".

def test_city_high_needs_every_examined_subject(cast: Cast) -> None:
    """"for every high-school subject": a city senior exam of one paper (maths) is not every
    subject, even with all its scores in; the row names what is missing."""
    exam = _exam(cast.city, name="高一期中统考", grade=10, stage="senior")
    apply(upload(exam, messy_xlsx(clean_rows(12), school="小店第一中学")))
    row = _by_label(rows_for("QM.CITY_HIGH", cast.users["sysadmin"], cast.city, cast.term))["太原测试市"]
    assert not row.meets
    assert "缺语文" in row.detail and "物理" in row.detail and row.value == 1


def test_city_high_exam_with_every_subject_but_no_scores_falls_short(cast: Cast) -> None:
    """"unified online marking and quality analysis": the papers must have scores, not only exist."""
    from quality.metrics import EXAMINED_SENIOR

    _exam(cast.city, name="高一期末统考", grade=10, stage="senior", subjects=EXAMINED_SENIOR)
    row = _by_label(rows_for("QM.CITY_HIGH", cast.users["sysadmin"], cast.city, cast.term))["太原测试市"]
    assert not row.meets and row.value == 0


# QM.VALUE_ADDED: "teachers and schools are judged by progress (依进论出, 依学评教), not raw level
# alone | rule | exam pairs".

def test_value_added_needs_students_linked_across_the_pair(cast: Cast) -> None:
    """"exam pairs": two exams of one subject whose students are different people cannot measure
    progress."""
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.DROP, params={"drop": 5})
    for k, prefix in enumerate(("A", "B")):
        exam = make_exam(cast.county_a, name=f"第{k + 1}次", held_on=dt.date(2026, 9 + k, 20))
        apply(upload(exam, messy_xlsx(clean_rows(12, prefix=prefix, seed=k), school="小店第一中学")))
    row = _by_label(rows_for("QM.VALUE_ADDED", cast.users["sysadmin"], cast.city, cast.term))["小店测试区"]
    assert not row.meets and "没有学生可前后关联" in row.detail


def test_value_added_needs_judgement_by_progress(cast: Cast) -> None:
    """"judged by progress ..., not raw level alone": linked exams and a warning rule that judges
    by change are not yet a judgement of schools; the schools' appraisal must include a
    value-added indicator (tests/appraisal/test_campaign_value_added.py: the county that does)."""
    _three_exams(cast)
    row = _by_label(rows_for("QM.VALUE_ADDED", cast.users["sysadmin"], cast.city, cast.term))["小店测试区"]
    assert not row.meets and "没有按进步评价的预警规则" in row.detail
    assert "关联学生" in row.detail
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.DROP, params={"drop": 5})
    row = _by_label(rows_for("QM.VALUE_ADDED", cast.users["sysadmin"], cast.city, cast.term))["小店测试区"]
    assert not row.meets and "学校考评中没有增值评价指标" in row.detail and "按进步评价：" in row.detail


# QM.BALANCE: "gaps between schools within a county, between counties, and north-south shrink |
# trend | year".

def test_balance_never_compares_exams_of_different_grades(cast: Cast) -> None:
    """"gaps ... shrink" over a trend of the same measure: a grade 7 exam then a grade 8 exam of
    maths is not a trend."""
    for k, grade in enumerate((7, 8)):
        exam = _exam(cast.county_a, name=f"{grade}年级监测", grade=grade, held_on=dt.date(2026, 9 + k, 20))
        for school, seed in (("小店第一中学", 1), ("北格镇中心小学", 2)):
            apply(upload(exam, messy_xlsx(clean_rows(12, seed=seed + k, prefix=f"{grade}{seed}"), school=school)))
    rows = rows_for("QM.BALANCE", cast.users["sysadmin"], cast.city, cast.term)
    assert not [r for r in rows if r.label.startswith("小店测试区")]


def test_balance_measures_gaps_between_counties(cast: Cast) -> None:
    """"gaps ... between counties": two city exams of one grade and subject give a row for the
    city comparing its counties."""
    for k in range(2):
        exam = _exam(cast.city, name=f"市第{k + 1}次监测", held_on=dt.date(2026, 9 + k, 20))
        for school, seed in (("小店第一中学", 1), ("北格镇中心小学", 2), ("迎泽实验小学", 3)):
            apply(upload(exam, messy_xlsx(clean_rows(12, seed=seed * 10 + k, prefix=f"C{seed}"), school=school)))
    rows = rows_for("QM.BALANCE", cast.users["sysadmin"], cast.city, cast.term)
    city = [r for r in rows if r.label.startswith("太原测试市")]
    assert len(city) == 1 and "县际" in city[0].label and "八年级数学" in city[0].label
    assert "市第1次监测" in city[0].detail and "市第2次监测" in city[0].detail


# QM.HEAD_TENURE: "a principal whose school's quality did not improve during the term may not be
# renewed, transferred or promoted | flag | principal's term".

def _principal_post(cast: Cast, key: str) -> Post:
    return Post.objects.get(person=cast.people[key], role=Role.PRINCIPAL)


def test_head_tenure_does_not_fire_mid_term(cast: Cast) -> None:
    """"did not improve during the term": a principal still in the term is not judged yet, even
    when a warning rule flagged the school's decline."""
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.HEAD_TENURE, params={})
    services.warnings_raise(actor=None, exam=exams[-1], found=warnings_evaluate(exams[-1]))
    rows = rows_for("QM.HEAD_TENURE", cast.users["sysadmin"], cast.city, cast.term)
    assert not [r for r in rows if r.label == "孙国庆" and not r.meets]


def test_head_tenure_judges_the_principal_at_the_end_of_the_term(cast: Cast) -> None:
    """"a principal whose school's quality did not improve during the term" is flagged when the
    term ends, from the school's results, with no warning needed; matched by the post."""
    _three_exams(cast)
    core_services.post_end(actor=None, post=_principal_post(cast, "principal"), end=dt.date(2026, 12, 31))
    rows = _by_label(rows_for("QM.HEAD_TENURE", cast.users["sysadmin"], cast.city, cast.term))
    assert not rows["孙国庆"].meets and "没有提升" in rows["孙国庆"].detail
    assert rows["孙国庆"].context == "小店第一中学"


def test_head_tenure_no_data_is_not_meeting(cast: Cast) -> None:
    """"did not improve": with no results in the term, improvement is not shown."""
    core_services.post_end(actor=None, post=_principal_post(cast, "outside_principal"), end=dt.date(2026, 12, 31))
    rows = _by_label(rows_for("QM.HEAD_TENURE", cast.users["sysadmin"], cast.city, cast.term))
    assert not rows["马立新"].meets and "无法说明质量提升" in rows["马立新"].detail
