"""Growth services: refusals name the field in Chinese, writes are audited, a programme member's
duties are fulfilled by observed lessons linked by id and the shortfalls are read back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from core.models import AuditEvent, Designation, Subject
from growth import selectors
from growth.errors import GrowthError
from growth.models import MemberStatus
from growth.services import programmes, records, regional
from observe.models import Observation


def _programme(cast: Any) -> tuple[Any, Any, Any]:
    p = programmes.programme_create(actor=cast.users["county_admin"], region=cast.county_a, name="小店区人才梯队",
                                    kind="leader", level="county", start=dt.date(2025, 9, 1),
                                    end=dt.date(2028, 8, 31))
    leader = programmes.tier_add(actor=None, programme=p, name="学科带头人", kind="leader", rank=1, quota=1)
    young = programmes.tier_add(actor=None, programme=p, name="优秀青年教师", kind="young", rank=3)
    programmes.duty_set(actor=None, tier=leader, lesson_kind="demonstration", count=1)
    programmes.duty_set(actor=None, tier=young, lesson_kind="report", count=1, period="year")
    return p, leader, young


def _lesson(cast: Any, teacher: Any, kind: str, day: dt.date) -> Observation:
    return Observation.objects.create(observer=cast.people["county_researcher"], teacher=teacher,
                                      school=cast.school_a1, date=day, kind=kind, status="submitted",
                                      submitted_at=timezone.now(), topic="示范")


def test_members_get_a_designation_and_quotas_hold(cast: Any) -> None:
    p, leader, young = _programme(cast)
    m = programmes.member_add(actor=cast.users["county_admin"], programme=p, tier=leader, person=cast.people["principal"])
    assert m.designation is not None and m.designation.kind == "leader" and m.designation.level == "county"
    with pytest.raises(GrowthError, match="名额已满") as e:
        programmes.member_add(actor=None, programme=p, tier=leader, person=cast.people["vice_principal"])
    assert e.value.field == "tier"
    y = programmes.member_add(actor=None, programme=p, tier=young, person=cast.people["teacher"])
    assert y.designation is None  # 青年教师 is not a title of honour
    with pytest.raises(GrowthError, match="已是该项目成员"):
        programmes.member_add(actor=None, programme=p, tier=young, person=cast.people["teacher"])
    with pytest.raises(GrowthError, match="不在小店测试区范围内"):
        programmes.member_add(actor=None, programme=p, tier=young, person=cast.people["outside_teacher"])
    programmes.member_withdraw(actor=None, member=m, on=dt.date(2026, 6, 30))
    assert Designation.objects.get(pk=m.designation.pk).end == dt.date(2026, 6, 30)
    assert AuditEvent.objects.filter(model="growth.ProgrammeMember").count() >= 3


def test_only_the_institutions_managers_run_programmes(cast: Any) -> None:
    with pytest.raises(GrowthError) as e:
        programmes.programme_create(actor=cast.users["county_researcher"], region=cast.county_a, name="x",
                                    kind="backbone", level="county", start=dt.date(2026, 1, 1),
                                    end=dt.date(2027, 1, 1))
    assert e.value.field == "region"
    with pytest.raises(GrowthError, match="您不能管理"):
        programmes.programme_create(actor=cast.users["county_admin"], region=cast.county_b, name="x",
                                    kind="backbone", level="county", start=dt.date(2026, 1, 1),
                                    end=dt.date(2027, 1, 1))


def test_duties_are_fulfilled_by_linked_observations_and_shortfalls_named(cast: Any) -> None:
    p, leader, young = _programme(cast)
    lead = programmes.member_add(actor=None, programme=p, tier=leader, person=cast.people["principal"])
    junior = programmes.member_add(actor=None, programme=p, tier=young, person=cast.people["teacher"])
    rows = {r.member.person.name: r for r in selectors.duty_rows(cast.users["county_admin"], p, cast.term)}
    assert rows["孙国庆"].standing.short == 1 and rows["何静"].standing.short == 1
    demo = _lesson(cast, cast.people["principal"], "demonstration", dt.date(2026, 10, 15))
    programmes.fulfilment_link(actor=cast.users["county_admin"], member=lead, observation=demo)
    # A 汇报课 in the second semester counts for a yearly duty of the same school year.
    report = _lesson(cast, cast.people["teacher"], "report", dt.date(2027, 3, 15))
    programmes.fulfilment_link(actor=None, member=junior, observation=report)
    rows = {r.member.person.name: r for r in selectors.duty_rows(cast.users["county_admin"], p, cast.term)}
    assert rows["孙国庆"].standing.meets and rows["何静"].standing.meets
    # Refusals: another teacher's lesson, a lesson kind the tier does not owe, twice the same.
    with pytest.raises(GrowthError, match="授课教师不是何静"):
        programmes.fulfilment_link(actor=None, member=junior, observation=demo)
    wrong = _lesson(cast, cast.people["teacher"], "push_in", dt.date(2026, 10, 16))
    with pytest.raises(GrowthError, match="推门课不是优秀青年教师的职责课型"):
        programmes.fulfilment_link(actor=None, member=junior, observation=wrong)
    with pytest.raises(GrowthError, match="已登记"):
        programmes.fulfilment_link(actor=None, member=lead, observation=demo)
    assert lead.status == MemberStatus.ACTIVE


def test_training_entry_checks_each_field(cast: Any) -> None:
    person = cast.people["teacher"]
    kwargs: dict[str, Any] = {"course": "研修", "provider": "机构", "level": "county", "hours": "8",
                              "start": dt.date(2026, 5, 1), "end": dt.date(2026, 5, 2)}
    record = records.training_record(actor=cast.users["principal"], person=person, **kwargs)
    assert record.hours == Decimal("8")
    for change, field, text in (({"hours": "0"}, "hours", "学时：必须大于0"),
                                ({"hours": "1.25"}, "hours", "学时：最多一位小数"),
                                ({"course": " "}, "course", "培训项目：必填"),
                                ({"level": "x"}, "level", "级别"),
                                ({"end": dt.date(2026, 4, 1)}, "end", "结束日期：不能早于开始日期")):
        with pytest.raises(GrowthError, match=text) as e:
            records.training_record(actor=None, person=person, **{**kwargs, **change, "course": change.get(
                "course", "另一项")})
        assert e.value.field == field
    with pytest.raises(GrowthError, match="您不能为"):
        records.training_record(actor=cast.users["outside_principal"], person=person, **{**kwargs, "course": "z"})


def test_studios_and_bases_check_schools_and_stages(cast: Any) -> None:
    studio = regional.studio_create(actor=cast.users["county_admin"], region=cast.county_a, name="语文工作室",
                                    host=cast.people["vice_principal"], level="county", start=dt.date(2025, 9, 1))
    assert studio.school == cast.school_a1
    regional.studio_member_add(actor=None, studio=studio, person=cast.people["teacher"], joined_on=dt.date(2025, 9, 1))
    regional.studio_assess(actor=None, studio=studio, year=2025, score=Decimal("88"), grade="良")
    with pytest.raises(GrowthError, match="2025年度已考核"):
        regional.studio_assess(actor=None, studio=studio, year=2025, score=Decimal("90"), grade="优")
    math = Subject.objects.get(code="math")
    with pytest.raises(GrowthError, match="北格镇中心小学没有初中") as e:
        regional.base_create(actor=None, region=cast.city, school=cast.school_a2, stage="junior", subject=math,
                             start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    assert e.value.field == "stage"
    base = regional.base_create(actor=None, region=cast.city, school=cast.school_b1, stage="primary", subject=math,
                                start=dt.date(2025, 9, 1), end=dt.date(2028, 8, 31))
    regional.base_help_add(actor=None, base=base, school=cast.school_a2, since=dt.date(2025, 10, 1), note="同课异构")
    with pytest.raises(GrowthError, match="不能是基地学校本身"):
        regional.base_help_add(actor=None, base=base, school=cast.school_b1, since=dt.date(2025, 10, 1))
