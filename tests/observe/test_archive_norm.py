"""TEACHER.ARCHIVE (norms.md, 004 (一)4): "为每一位教师建立教学档案，对其成长过程做好记录，对教学中出现
的问题及时确定整改措施、限定整改期限". Worked out from the clause: in the term's school year every
active teacher's archive holds a growth record, and every problem found about the teacher (a lesson
graded 中/差, a visit's finding, a quality warning) has a follow-up; the short are named, linked to
their archive for viewers who may open it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from core import services as core_services
from core.compliance import Row, evaluate
from core.models import Norm, NormResultRow, Subject
from core.norm_results import refresh_all
from growth.services.records import training_record
from observe import services
from observe.archive_notes import archive_note_add
from observe.models import Observation
from tests.visits.findings_fixtures import make_finding, make_visit

pytestmark = pytest.mark.django_db
CODE = "TEACHER.ARCHIVE"


def _rows(cast: Any) -> dict[str, Row]:
    norm = Norm.objects.get(code=CODE)
    return {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}


def _lesson(cast: Any, *, grade: str, date: dt.date, kind: str = "push_in", observer: str = "principal",
            problems: str = "教学目标不清，学生活动少") -> Observation:
    data = services.ObservationData(
        teacher=cast.people["teacher"], school=cast.school_a1, date=date, subject=Subject.objects.get(code="chinese"),
        grade=8, class_name="2班", topic="背影", period=2, kind=kind, purpose="evaluative", strengths="语言生动",
        problems=problems, suggestions="", overall_grade=grade)
    return services.observation_record(actor=cast.users[observer], observer=cast.people[observer], data=data,
                                       version=None, ratings=None, submit=True)


def _training(cast: Any, end: dt.date) -> None:
    training_record(actor=None, person=cast.people["teacher"], course="新课标解读", provider="县教师发展中心",
                    level="county", hours="12", start=end - dt.timedelta(days=2), end=end)


def _warning(cast: Any) -> Any:
    """A quality warning about the teacher (TEACHER.BELOW_PEERS) from a county exam."""
    from quality.models import EarlyWarning, Exam, RuleKind, WarningRule

    exam = Exam.objects.create(name="小店区八年级期中", kind="midterm", org=cast.county_a, term_key=cast.term.key,
                               stage="junior", grade=8, held_on=dt.date(2026, 11, 5))
    rule = WarningRule.objects.create(org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS)
    return EarlyWarning.objects.create(rule=rule, exam=exam, norm_code="TEACHER.BELOW_PEERS", school=cast.school_a1,
                                       person=cast.people["teacher"], title="何静连续3次低于平行班均分")


def test_every_active_teacher_is_counted_and_an_empty_archive_is_short(cast: Any) -> None:
    rows = _rows(cast)
    # The active teachers of county A's schools (teacher posts), not region staff nor county B.
    assert {"何静", "许晨", "孙国庆", "刘晓燕"} <= set(rows)
    assert "张文华" not in rows and "高雅" not in rows and "周敏" not in rows
    row = rows["何静"]
    assert not row.meets and row.value == 0 and row.person_id == cast.people["teacher"].pk
    assert "尚无成长记录" in row.detail and row.context == "小店第一中学·二级教师"
    assert row.url == reverse("observe:archive", args=[cast.people["teacher"].code])


def test_growth_counts_only_within_the_school_year(cast: Any) -> None:
    _training(cast, dt.date(2026, 7, 1))  # last school year: not this archive year
    assert not _rows(cast)["何静"].meets
    _training(cast, dt.date(2026, 10, 20))
    row = _rows(cast)["何静"]
    assert row.meets and row.value == 1 and "培训" in row.detail and "2026-09-01至2027-01-20" in row.detail


def test_a_lesson_received_with_feedback_is_growth_and_a_low_one_needs_a_follow_up(cast: Any) -> None:
    low = _lesson(cast, grade="poor", date=dt.date(2026, 10, 12))
    row = _rows(cast)["何静"]
    # The lesson's written feedback is growth; its grade 差 is a problem not yet followed up.
    assert "被听课并获书面反馈" in row.detail and not row.meets
    assert "发现问题1个，已跟进0个" in row.detail and "听课评价为中或差1个" in row.detail
    # A follow-up note with the measure and its deadline answers it.
    archive_note_add(actor=cast.users["principal"], person=cast.people["teacher"], kind="follow_up",
                     date=dt.date(2026, 10, 14), text="师徒结对，每周听课一节", problem_source="observe.low",
                     problem_id=low.pk, deadline=dt.date(2026, 11, 30))
    row = _rows(cast)["何静"]
    assert row.meets and "发现问题1个，已跟进1个" in row.detail


def test_a_later_follow_up_lesson_answers_a_low_grade(cast: Any) -> None:
    _lesson(cast, grade="fair", date=dt.date(2026, 10, 12))
    _lesson(cast, grade="good", date=dt.date(2026, 9, 20), kind="follow_up")  # before the problem: not a follow-up
    assert not _rows(cast)["何静"].meets
    _lesson(cast, grade="good", date=dt.date(2026, 11, 2), kind="follow_up", problems="无")
    assert _rows(cast)["何静"].meets


def test_a_finding_about_the_teacher_is_followed_up_by_its_measure_and_deadline(cast: Any) -> None:
    _training(cast, dt.date(2026, 10, 20))
    visit = make_visit(cast)
    make_finding(cast, visit, deadline=None)  # a measure but no deadline: not yet followed up
    row = _rows(cast)["何静"]
    assert not row.meets and "视导发现涉及本人的问题1个" in row.detail
    make_finding(cast, visit, description="板书不规范", deadline=dt.date(2026, 11, 9))
    row = _rows(cast)["何静"]
    assert not row.meets and "发现问题2个，已跟进1个" in row.detail
    make_finding(cast, visit, description="亮点：课堂组织有序", is_strength=True)  # a strength is no problem
    assert "发现问题2个" in _rows(cast)["何静"].detail


def test_a_quality_warning_about_the_teacher_needs_an_action(cast: Any) -> None:
    from quality.models import EarlyWarning
    from quality.services.warnings import warning_action_add

    _training(cast, dt.date(2026, 10, 20))
    warning = _warning(cast)
    EarlyWarning.objects.filter(pk=warning.pk).update(created_at=dt.datetime(2026, 11, 10, 9, tzinfo=dt.UTC))
    row = _rows(cast)["何静"]
    assert not row.meets and "质量预警1个" in row.detail
    warning_action_add(actor=None, warning=warning, kind="follow_up", owner=cast.people["principal"],
                       due=dt.date(2026, 12, 1), note="教研组长跟踪听课")
    assert _rows(cast)["何静"].meets


def test_the_threshold_is_the_number_of_kinds_and_a_region_may_raise_it(cast: Any) -> None:
    _training(cast, dt.date(2026, 10, 20))
    core_services.norm_override_set(actor=None, norm=Norm.objects.get(code=CODE), region=cast.county_a, threshold=2)
    row = _rows(cast)["何静"]
    assert not row.meets and row.target == 2
    archive_note_add(actor=cast.users["teacher"], person=cast.people["teacher"], kind="growth",
                     date=dt.date(2026, 11, 1), text="参加师徒结对，完成学期反思")
    row = _rows(cast)["何静"]
    assert row.meets and row.value == 2 and "档案成长记录" in row.detail


def test_stored_rows_name_the_short_with_a_link_for_those_allowed(cast: Any) -> None:
    refresh_all(node=cast.county_a, term_key=cast.term.key)
    stored = NormResultRow.objects.get(norm_code=CODE, person_id=cast.people["teacher"].pk, term_key=cast.term.key)
    assert not stored.meets and stored.path == cast.school_a1.path
    url = reverse("norm_detail", args=[CODE]) + f"?node={cast.school_a1.code}&term={cast.term.key}&only=short"
    archive = reverse("observe:archive", args=[cast.people["teacher"].code])
    page = cast.client("principal").get(url).content.decode()
    assert "何静" in page and f'href="{archive}"' in page and "尚无成长记录" in page
    # The bureau's viewer sees the count and the name, not the teacher's archive.
    page = cast.client("bureau_viewer").get(url).content.decode()
    assert "何静" in page and f'href="{archive}"' not in page


def test_a_warning_raised_after_midnight_beijing_time_is_dated_that_day_in_the_archive(cast: Any) -> None:
    from quality.archive_sources import warnings_about
    from quality.models import EarlyWarning

    warning = _warning(cast)
    # 00:30 on 11 November in Beijing is still 10 November in UTC.
    EarlyWarning.objects.filter(pk=warning.pk).update(created_at=dt.datetime(2026, 11, 10, 16, 30, tzinfo=dt.UTC))
    (problem,) = warnings_about(cast.users["principal"], cast.people["teacher"])
    assert problem.date == dt.date(2026, 11, 11)
    page = cast.client("principal").get(reverse("observe:archive", args=[cast.people["teacher"].code])).content.decode()
    assert "2026-11-11" in page
