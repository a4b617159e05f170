"""The researcher appraisal (000 §13): figures computed from the records of the other apps, in
the four dimensions against the institution's standards, adjusted with a reason (audited), rated
once per person without naming the rater, scored, leveled and published to the researcher."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal import workload
from appraisal.models import AppraisalStatus, RatingSheet, ResearcherAppraisal, ResearcherEntry
from appraisal.services import researchers as svc
from core.errors import DomainError
from core.models import AuditEvent
from growth.models import TrainingRecord
from observe.models import Observation, ObservationStatus
from tests.conftest import Cast
from visits.models import Visit, VisitMember, VisitSchool

# The appraised year: the cast's term 2026-09-01..2027-01-20 lies in it.
YEAR = 2026


def records(cast: Cast) -> None:
    """A year of the county researcher's work: 3 lessons observed (one left a draft), a visit
    led with two school days, 80 training hours; the province researcher joins the visit."""
    me, teacher = cast.people["county_researcher"], cast.people["teacher"]
    for i, status in enumerate((ObservationStatus.SUBMITTED,) * 3 + (ObservationStatus.DRAFT,)):
        Observation.objects.create(observer=me, teacher=teacher, school=cast.school_a1, date=dt.date(2026, 10, 10 + i),
                                   topic=f"课{i}", status=status,
                                   submitted_at=None if status == ObservationStatus.DRAFT else timezone.now())
    visit = Visit.objects.create(organiser=cast.county_a, term=cast.term, title="小店区秋季视导",
                                 start=dt.date(2026, 10, 20), end=dt.date(2026, 10, 21), lead=me)
    VisitSchool.objects.create(visit=visit, school=cast.school_a1, date=dt.date(2026, 10, 20))
    VisitSchool.objects.create(visit=visit, school=cast.school_a2, date=dt.date(2026, 10, 21))
    VisitMember.objects.create(visit=visit, person=cast.people["province_researcher"])
    TrainingRecord.objects.create(person=me, course="新课标研修", provider="省教科院", level="province",
                                  hours=Decimal("80"), start=dt.date(2026, 7, 1), end=dt.date(2026, 7, 10))


def start(cast: Cast) -> ResearcherAppraisal:
    appraisal = svc.appraisal_start(actor=cast.users["institute_head"], region=cast.province, year=YEAR, enqueue=False)
    svc.appraisal_compute(appraisal.pk)
    appraisal.refresh_from_db()
    return appraisal


def test_scores_follow_the_documented_arithmetic() -> None:
    values = {"observations": 30, "songjiao": 2}  # teaching: (0.5 + 1) / 2
    loads = workload.workload_scores(values, {f.code: f.standard for f in workload.FIGURES})
    assert loads["teaching"] == 75.0
    assert loads["service"] == 0.0
    # Ratings of 5 everywhere with a weight of 30%: 0.7 × workload + 30.
    res = workload.result(loads, dict.fromkeys(loads, 5.0), 0.3, (90, 75, 60))
    assert res.scores["teaching"] == 82.5 and res.scores["service"] == 30.0
    assert workload.level_of(90, (90, 75, 60)) == "优秀"
    assert workload.level_of(74.9, (90, 75, 60)) == "基本合格"
    assert workload.level_of(59.9, (90, 75, 60)) == "不合格"
    assert workload.combined_rating(4.0, None) == 4.0 and workload.combined_rating(4.0, 2.0) == 3.0
    assert workload.response_rate(3, 12) == 25 and workload.response_rate(0, 0) is None


def test_rater_hash_is_once_per_person_and_unlinkable() -> None:
    a = workload.rater_hash("tok-a", 7, "secret")
    assert a == workload.rater_hash("tok-a", 7, "secret")
    assert a != workload.rater_hash("tok-b", 7, "secret") != workload.rater_hash("tok-a", 8, "secret")
    assert len(a) == 64 and ":" not in a  # a digest, neither the token nor the id


def test_figures_come_from_the_records_of_every_app(cast: Cast) -> None:
    records(cast)
    appraisal = start(cast)
    assert appraisal.status == AppraisalStatus.COMPUTED
    assert appraisal.progress_done == appraisal.progress_total == 5  # researchers of the province, part-time too
    entry = appraisal.entries.get(person=cast.people["county_researcher"])
    assert entry.figures["observations"] == 3  # the draft does not count
    assert entry.figures["visits_led"] == 1 and entry.figures["visit_days"] == 2
    assert entry.figures["training_hours"] == 80
    joined = appraisal.entries.get(person=cast.people["province_researcher"])
    assert joined.figures["visits_joined"] == 1 and joined.figures["visit_days"] == 2
    assert appraisal.entries.get(person=cast.people["part_time_researcher"]).part_time
    # Teaching: 3/60 observed, 0/2 送教; research: training met (1 of 5 figures).
    assert entry.scores["workload"]["teaching"] == 2.5
    assert entry.scores["workload"]["research"] == 20.0
    assert entry.level == "不合格" and entry.scores["rated"] is False


def test_standards_of_the_institution_apply(cast: Cast) -> None:
    records(cast)
    svc.standard_set(actor=cast.users["institute_head"], region=cast.province, figure="observations",
                     target=Decimal("3"))
    appraisal = start(cast)
    entry = appraisal.entries.get(person=cast.people["county_researcher"])
    assert entry.scores["workload"]["teaching"] == 50.0
    with pytest.raises(DomainError):
        svc.standard_set(actor=None, region=cast.province, figure="observations", target=Decimal("-1"))


def test_adjusting_a_figure_needs_a_reason_and_is_audited(cast: Cast) -> None:
    records(cast)
    appraisal = start(cast)
    entry = appraisal.entries.get(person=cast.people["county_researcher"])
    with pytest.raises(DomainError, match="调整理由"):
        svc.figure_adjust(actor=cast.users["institute_head"], entry=entry, figure="songjiao", value="2", reason=" ")
    svc.figure_adjust(actor=cast.users["institute_head"], entry=entry, figure="songjiao", value="2",
                      reason="赴娄烦送教两次，订单未在平台登记")
    entry.refresh_from_db()
    assert entry.value("songjiao") == 2 and entry.figures["songjiao"] == 0
    assert entry.scores["workload"]["teaching"] == 52.5
    assert AuditEvent.objects.filter(model="appraisal.FigureAdjustment").exists()
    # A recomputation keeps the adjustment.
    svc.appraisal_recompute(actor=None, appraisal=appraisal)
    svc.appraisal_compute(appraisal.pk)
    entry.refresh_from_db()
    assert entry.value("songjiao") == 2


def test_one_anonymous_sheet_per_person_and_ratings_enter_the_result(cast: Cast) -> None:
    records(cast)
    appraisal = start(cast)
    svc.ratings_open(actor=None, appraisal=appraisal)
    teacher = cast.users["teacher"]  # a Chinese teacher at a1: rates the county's Chinese researcher
    listed = svc.rated_entries(appraisal, teacher)
    names = {e.person.name for e in listed}
    assert cast.people["county_researcher"].name in names
    assert cast.people["city_researcher"].name not in names  # maths
    entry = appraisal.entries.get(person=cast.people["county_researcher"])
    allowed = {e.pk for e in listed}
    fives = {entry.pk: dict.fromkeys(svc.DIM_FIELDS, 5)}
    svc.rating_submit(actor=teacher, appraisal=appraisal, kind="teacher", scores=fives, allowed_entry_ids=allowed)
    with pytest.raises(DomainError, match="只能评价一次"):
        svc.rating_submit(actor=teacher, appraisal=appraisal, kind="teacher", scores=fives, allowed_entry_ids=allowed)
    sheet = RatingSheet.objects.get(appraisal=appraisal)
    assert str(teacher.pk) != sheet.rater_hash and len(sheet.rater_hash) == 64
    assert not AuditEvent.objects.filter(model="appraisal.RatingSheet").exists()
    svc.appraisal_publish(actor=None, appraisal=appraisal)
    entry.refresh_from_db()
    assert entry.teacher_responses == 1 and entry.teacher_rating == 5
    assert entry.scores["rated"] is True
    assert entry.scores["final"]["service"] == 30.0  # 0.7 × 0 + 0.3 × 100
    assert entry.teachers_invited >= 1 and entry.schools_invited == 2


def test_an_appraisal_once_a_year_and_a_school_does_not_run_one(cast: Cast) -> None:
    start(cast)
    with pytest.raises(DomainError, match="已经发起"):
        svc.appraisal_start(actor=None, region=cast.province, year=YEAR, enqueue=False)
    with pytest.raises(DomainError):
        svc.appraisal_start(actor=None, region=cast.school_a1, year=YEAR, enqueue=False)
    assert ResearcherEntry.objects.count() == 5
    assert reverse("appraisal:researchers")


def _norm_rows(cast: Cast, node: Any) -> list[Any]:
    from appraisal.metrics.researchers import researcher_appraisal
    from core.compliance import MetricContext
    from core.norm_results import system_user

    return researcher_appraisal(MetricContext(user=system_user(), node=node, term=cast.term, threshold=4, exact=True))


def test_res_appraisal_needs_four_dimensions_published_with_ratings(cast: Cast) -> None:
    """000 §13: appraised yearly in four dimensions, teachers' and schools' ratings counted. The
    term 2026-1 counts appraisals of 2025 or later."""
    (row,) = _norm_rows(cast, cast.county_a)
    assert not row.meets and row.value == 0 and "尚无2025年度以来" in row.detail
    appraisal = svc.appraisal_start(actor=None, region=cast.county_a, year=2025, enqueue=False)
    svc.appraisal_compute(appraisal.pk)
    appraisal.refresh_from_db()
    svc.ratings_open(actor=None, appraisal=appraisal)
    # Published without a single rating: four dimensions scored, ratings not counted.
    svc.appraisal_publish(actor=None, appraisal=appraisal)
    (row,) = _norm_rows(cast, cast.county_a)
    assert row.value == 4 and not row.meets and "没有教师和学校评价" in row.detail
    ResearcherAppraisal.objects.filter(pk=appraisal.pk).update(status=AppraisalStatus.RATING)
    appraisal.refresh_from_db()
    teacher = cast.users["teacher"]
    entry = appraisal.entries.get(person=cast.people["county_researcher"])
    svc.rating_submit(actor=teacher, appraisal=appraisal, kind="teacher",
                      scores={entry.pk: dict.fromkeys(svc.DIM_FIELDS, 4)}, allowed_entry_ids={entry.pk})
    svc.appraisal_publish(actor=None, appraisal=appraisal)
    (row,) = _norm_rows(cast, cast.county_a)
    assert row.meets and row.value == 4
    # An appraisal of 2024 is too old for the term 2026-1; county B has none.
    (row_b,) = _norm_rows(cast, cast.county_b)
    assert not row_b.meets
