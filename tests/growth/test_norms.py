"""The growth norms, each from its clause in spec/norms.md (RES.TRAINING, RES.ROTATION,
RES.BACKBONE, STUDIO.LARGE_SCHOOL, BASE.SCHOOLS, PSY.CERT): a subject that meets it, one that
misses it, and the edge of the threshold, computed live through core.compliance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core import services as core_services
from core.compliance import evaluate
from core.models import Level, Norm, NormOverride, OrgKind, OrgNode, SchoolType, Subject
from core.norm_results import system_user
from growth.models import (
    BaseSchool,
    MemberStatus,
    ProgrammeKind,
    PsyCertificate,
    RotationStint,
    Studio,
    TrainingRecord,
)
from growth.services import programmes


def _rows(cast: Any, code: str, node: OrgNode | None = None) -> dict[str, Any]:
    result = evaluate(system_user(), node or cast.province, cast.term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def _training(person: Any, hours: str, end: dt.date, course: str = "课程") -> None:
    TrainingRecord.objects.create(person=person, course=course, provider="省教育学院", level=Level.PROVINCE,
                                  hours=Decimal(hours), start=end - dt.timedelta(days=2), end=end)


def test_training_72_hours_in_the_year_names_the_short(cast: Any) -> None:
    # RES.TRAINING: "training hours received >= 72 class hours, calendar or school year" (000 §12).
    county, city = cast.people["county_researcher"], cast.people["city_researcher"]
    _training(county, "40", dt.date(2026, 3, 5), "新课标研修")
    _training(county, "32", dt.date(2026, 10, 20), "命题培训")  # exactly 72: the edge meets
    _training(city, "71.5", dt.date(2026, 5, 5))
    _training(city, "30", dt.date(2025, 12, 30), "去年")  # another year does not count
    rows = _rows(cast, "RES.TRAINING")
    assert rows["张文华"].meets and rows["张文华"].value == 72 and rows["张文华"].target == 72
    short = rows["赵丽华"]
    assert not short.meets and short.detail == "2026年已完成71.5学时，还差0.5学时"
    assert short.person_id == city.pk
    assert not rows["李文博"].meets and rows["李文博"].value == 0
    # Part-time researchers are researchers too; teachers are not listed.
    assert "刘晓燕" in rows and "何静" not in rows


def test_training_threshold_follows_a_region_override(cast: Any) -> None:
    _training(cast.people["county_researcher"], "60", dt.date(2026, 4, 1))
    NormOverride.objects.create(norm=Norm.objects.get(code="RES.TRAINING"), region=cast.county_a, threshold_min=60)
    assert _rows(cast, "RES.TRAINING", cast.county_a)["张文华"].meets


def _years_ago(today: dt.date, years: int) -> dt.date:
    return today.replace(year=today.year - years)


def test_rotation_after_five_years_in_post_due_and_overdue(cast: Any) -> None:
    # RES.ROTATION: "a full-time researcher 5 years in post teaches in a school >= 1 school year".
    today = timezone.localdate()
    county, province = cast.people["county_researcher"], cast.people["province_researcher"]
    # The county researcher's school year ended almost 5 years ago: due within the year, meets.
    end = _years_ago(today, 5) + dt.timedelta(days=100)
    RotationStint.objects.create(person=county, school=cast.school_a1, start=end - dt.timedelta(days=310), end=end)
    # The province researcher is teaching in a school now.
    RotationStint.objects.create(person=province, school=cast.school_a1, start=today - dt.timedelta(days=30),
                                 end=today + dt.timedelta(days=280))
    rows = _rows(cast, "RES.ROTATION")
    assert rows["张文华"].meets and rows["张文华"].detail.startswith("即将到期")
    assert rows["李文博"].meets and rows["李文博"].detail == "正在学校任教"
    # The city researcher has been in post since 2020-09-01 with no stint: overdue.
    assert not rows["赵丽华"].meets and rows["赵丽华"].detail.startswith("已逾期")
    # Part-time researchers are not bound.
    assert "刘晓燕" not in rows


def test_rotation_edge_exactly_five_years_and_short_stints(cast: Any) -> None:
    today = timezone.localdate()
    city = cast.people["city_researcher"]
    end = _years_ago(today, 5)
    RotationStint.objects.create(person=city, school=cast.school_a1, start=end - dt.timedelta(days=310), end=end)
    assert not _rows(cast, "RES.ROTATION")["赵丽华"].meets  # 5 years to the day since: overdue
    county = cast.people["county_researcher"]
    recent = today - dt.timedelta(days=200)
    RotationStint.objects.create(person=county, school=cast.school_a1, start=recent - dt.timedelta(days=120),
                                 end=recent)  # a semester is not a school year
    assert not _rows(cast, "RES.ROTATION")["张文华"].meets


def test_backbone_researchers_province_total_against_the_target(cast: Any) -> None:
    # RES.BACKBONE: "provincial backbone researchers selected and trained: 200 (province total)".
    programme = programmes.programme_create(actor=None, region=cast.province, name="省级骨干教研员培养",
                                            kind=ProgrammeKind.BACKBONE_RESEARCHER, level=Level.PROVINCE,
                                            start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    tier = programmes.tier_add(actor=None, programme=programme, name="骨干教研员", kind=ProgrammeKind.BACKBONE_RESEARCHER)
    first = programmes.member_add(actor=None, programme=programme, tier=tier, person=cast.people["county_researcher"])
    row = _rows(cast, "RES.BACKBONE")["省教育科学研究院"]
    assert not row.meets and row.value == 1 and row.target == 200
    NormOverride.objects.create(norm=Norm.objects.get(code="RES.BACKBONE"), region=cast.province, threshold_min=2)
    assert not _rows(cast, "RES.BACKBONE")["省教育科学研究院"].meets
    second = programmes.member_add(actor=None, programme=programme, tier=tier, person=cast.people["city_researcher"])
    assert _rows(cast, "RES.BACKBONE")["省教育科学研究院"].meets  # 2 of 2: the edge
    programmes.member_withdraw(actor=None, member=second, on=dt.date(2026, 6, 1))
    assert _rows(cast, "RES.BACKBONE")["省教育科学研究院"].value == 1
    assert first.designation is not None and first.designation.kind == "backbone"
    # A city's programme is not the province's.
    city_programme = programmes.programme_create(actor=None, region=cast.city, name="市骨干教研员",
                                                 kind=ProgrammeKind.BACKBONE_RESEARCHER, level=Level.CITY,
                                                 start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    city_tier = programmes.tier_add(actor=None, programme=city_programme, name="骨干", kind=ProgrammeKind.BACKBONE)
    programmes.member_add(actor=None, programme=city_programme, tier=city_tier, person=cast.people["city_researcher"])
    assert _rows(cast, "RES.BACKBONE")["省教育科学研究院"].value == 1
    assert second.status == MemberStatus.WITHDRAWN


def _studio(cast: Any, school: OrgNode, host: Any, level: str, region: OrgNode) -> Studio:
    return Studio.objects.create(name=f"{host.name}工作室", host=host, region=region, school=school, level=level,
                                 start=timezone.localdate() - dt.timedelta(days=100))


def test_large_school_has_a_county_level_studio(cast: Any) -> None:
    # STUDIO.LARGE_SCHOOL: "a school of >= 30 classes has a county-level or higher studio >= 1".
    _studio(cast, cast.school_a1, cast.people["principal"], Level.COUNTY, cast.county_a)
    _studio(cast, cast.school_b1, cast.people["outside_principal"], Level.SCHOOL, cast.county_b)
    rows = _rows(cast, "STUDIO.LARGE_SCHOOL")
    assert rows["小店第一中学"].meets and rows["小店第一中学"].value == 1
    # B1 has exactly 30 classes (the edge: bound) and only a school-level studio.
    assert not rows["迎泽实验小学"].meets and "30个班" in rows["迎泽实验小学"].detail
    assert "北格镇中心小学" not in rows  # 8 classes
    _studio(cast, cast.school_b1, cast.people["outside_teacher"], Level.CITY, cast.city)
    assert _rows(cast, "STUDIO.LARGE_SCHOOL")["迎泽实验小学"].meets


def test_base_schools_two_to_three_per_stage_and_subject_in_a_city(cast: Any) -> None:
    # BASE.SCHOOLS: "quality subject base schools per stage and subject in a city: 2..3".
    math = Subject.objects.get(code="math")
    extra = [core_services.org_node_create(actor=None, code=f"11401050{i:02d}", name=f"测试小学{i}",
                                           kind=OrgKind.SCHOOL, parent=cast.county_a,
                                           school_type=SchoolType.PRIMARY, class_count=12) for i in range(10, 12)]
    today = timezone.localdate()

    def base(school: OrgNode, stage: str) -> None:
        BaseSchool.objects.create(region=cast.city, school=school, stage=stage, subject=math,
                                  start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=700))

    base(cast.school_a2, "primary")
    base(cast.school_b1, "primary")  # 2: the lower edge
    base(cast.school_a1, "junior")  # 1: short
    rows = _rows(cast, "BASE.SCHOOLS")
    assert rows["太原测试市 小学数学"].meets and rows["太原测试市 小学数学"].value == 2
    assert not rows["太原测试市 初中数学"].meets and rows["太原测试市 初中数学"].detail == "1所，少于2所"
    assert not rows["太原测试市 高中数学"].meets and rows["太原测试市 高中数学"].value == 0
    base(extra[0], "primary")
    assert _rows(cast, "BASE.SCHOOLS")["太原测试市 小学数学"].meets  # 3: the upper edge
    base(extra[1], "primary")
    four = _rows(cast, "BASE.SCHOOLS")["太原测试市 小学数学"]
    assert not four.meets and four.detail == "4所，多于3所"
    # A county's own bases are not the city's.
    BaseSchool.objects.create(region=cast.county_a, school=cast.school_a1, stage="senior", subject=math,
                              start=today - dt.timedelta(days=30), end=today + dt.timedelta(days=700))
    assert _rows(cast, "BASE.SCHOOLS")["太原测试市 高中数学"].value == 0


def test_psy_certificates_against_the_regions_own_coverage(cast: Any) -> None:
    # PSY.CERT: "teachers holding C/B certificates reach the planned coverage: region sets %".
    assert _rows(cast, "PSY.CERT", cast.county_a) == {}  # no planned coverage, nothing to judge
    NormOverride.objects.create(norm=Norm.objects.get(code="PSY.CERT"), region=cast.county_a, threshold_min=50)
    # School A1 employs six people in the cast.
    for key in ("principal", "teacher"):
        PsyCertificate.objects.create(person=cast.people[key], level="c", issued_on=dt.date(2025, 6, 1))
    PsyCertificate.objects.create(person=cast.people["teacher"], level="b", issued_on=dt.date(2026, 6, 1))
    late = PsyCertificate.objects.create(person=cast.people["vice_principal"], level="c",
                                         issued_on=cast.term.end + dt.timedelta(days=1))
    row = _rows(cast, "PSY.CERT", cast.county_a)["小店第一中学"]
    assert not row.meets and row.value == 33.3 and row.detail == "持证2人 / 教师6人 = 33.3%"
    late.issued_on = cast.term.end
    late.save()
    edge = _rows(cast, "PSY.CERT", cast.county_a)["小店第一中学"]
    assert edge.meets and edge.value == 50.0 and edge.target == 50
