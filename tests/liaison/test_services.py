"""The liaison services' refusals (each a LiaisonError naming its field, in Chinese) and their
audit trail; the next round's proposal keeps the school that asked for continuity."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from core.models import AuditEvent, OrgNode, Subject
from liaison import optimiser, proposals
from liaison.errors import LiaisonError
from liaison.models import Link, LinkStatus, RoundStatus
from liaison.services import links as link_services
from liaison.services import rounds as round_services
from tests.liaison.factories import round_, school
from tests.liaison.scenario import build


def _refused(field: str, fn: Any, **kwargs: Any) -> str:
    with pytest.raises(LiaisonError) as exc:
        fn(**kwargs)
    assert exc.value.field == field
    return exc.value.message


def test_round_and_nomination_refusals(cast: Any) -> None:
    math = Subject.objects.get(code="math")
    assert "由省、市、县教研机构组织" in _refused("institution", round_services.round_create, actor=None,
                                                    institution=cast.school_a1, title="x", start_year=2026)
    assert "不能为" in _refused("institution", round_services.round_create, actor=cast.users["county_admin"],
                                institution=cast.city, title="x", start_year=2026)
    r = round_(cast.county_a)
    assert "不在小店测试区范围内" in _refused("school", round_services.nomination_submit, actor=None, round_=r,
                                               school=cast.school_b1, needs=[(math, "primary", "")])
    assert "第2项需求与前面重复：小学数学" in _refused(
        "needs", round_services.nomination_submit, actor=None, round_=r, school=cast.school_a2,
        needs=[(math, "primary", ""), (math, "primary", "")])
    assert "您不能申报小店第一中学" in _refused("school", round_services.nomination_submit,
                                                actor=cast.users["teacher"], round_=r, school=cast.school_a1,
                                                needs=[(math, "junior", "")])
    assert "日期不在" in _refused("date", round_services.meeting_record, actor=None, round_=r, term=cast.term,
                                  date=dt.date(2027, 3, 1), title="交流会")


def test_link_refusals_and_audit(cast: Any) -> None:
    s = build(cast)
    assert "已确定的联系不能更换联系人或学校" in _refused(
        "school", link_services.link_update, actor=None, link=s.link, person=s.link.person, school=cast.school_a1,
        subjects=[], stage="", reason="")
    assert "您不能组织这个轮次" in _refused("round", link_services.link_accept, actor=cast.users["city_researcher"],
                                           link=s.proposed)
    assert "联系确定后才能记录驻校工作" in _refused("link", link_services.onsite_day_log, actor=None, link=s.proposed,
                                                   date=dt.date(2026, 10, 12), work="x")
    assert "日期不在本轮次内" in _refused("date", link_services.onsite_day_log, actor=None, link=s.link,
                                          date=dt.date(2026, 3, 2), work="x")
    assert "2026-10-12已记录过驻校工作" in _refused("date", link_services.onsite_day_log, actor=None, link=s.link,
                                                    date=dt.date(2026, 10, 12), work="又一次", today=dt.date(2026, 12, 1))
    assert "请填写“督促执行好教学常规”的佐证材料" in _refused("evidence", link_services.task_check, actor=None,
                                                            link=s.link, task=3, done=True)
    assert "许晨已有跟进式指导方案" in _refused("teacher", link_services.guidance_save, actor=None, link=s.link,
                                                teacher=cast.people["teacher_a2"], current_level="x", goals="y")
    assert "何静不是北格镇中心小学的教师" in _refused("teacher", link_services.guidance_save, actor=None, link=s.link,
                                                     teacher=cast.people["teacher"], current_level="x", goals="y")
    assert "只有联系学校的校长、副校长可以确认工作计划" in _refused(
        "plan", link_services.plan_agree, actor=cast.users["middle_manager"], link=s.proposed)
    assert "不是小店测试区的幼儿园" in _refused("lead", round_services.zone_create, actor=None, region=cast.county_a,
                                               name="z", lead=cast.school_a1, members=[cast.school_a2])
    # Every write left its audit event under the school (or the institution for the round).
    models = set(AuditEvent.objects.values_list("model", flat=True))
    assert {"liaison.Round", "liaison.Link", "liaison.LinkPlan", "liaison.OnsiteDay", "liaison.GuidancePlan",
            "liaison.Nomination", "liaison.ResponsibilityZone"} <= models
    accepted = AuditEvent.objects.filter(model="liaison.Link", object_id=str(s.link.pk), action="update").first()
    assert accepted is not None and accepted.new is not None
    assert set(accepted.new) == {"status", "accepted_at"} and accepted.new["status"] == "accepted"
    assert accepted.scope_path == cast.school_a2.path


def test_next_round_keeps_the_researcher_a_school_asks_for(cast: Any) -> None:
    math = Subject.objects.get(code="math")
    first = round_(cast.city, start_year=2024, status=RoundStatus.CLOSED, title="第一轮")
    OrgNode.objects.filter(pk=cast.city.pk).update(longitude=112.0, latitude=37.0)
    near = school(cast.county_a, "1140105970", "近处乡村小学", lat=37.0, lon=112.01)
    far = school(cast.county_a, "1140105971", "远处乡村小学", lat=37.0, lon=112.6)
    # Last round the province researcher (maths) was linked to the far school.
    Link.objects.create(round=first, person=cast.people["province_researcher"], school=far,
                        status=LinkStatus.ACCEPTED)
    second = round_services.round_create(actor=None, institution=cast.city, title="第二轮", start_year=2026,
                                         previous=first)
    for s, wants in ((near, False), (far, True)):
        round_services.nomination_submit(actor=None, round_=second, school=s, needs=[(math, "junior", "")],
                                         wants_continuity=wants)
    from core.services import post_create

    post_create(actor=None, person=cast.people["province_researcher"], role="researcher", org=cast.city,
                subject=math, stage="junior", start=dt.date(2024, 9, 1))
    from core.norm_results import system_user

    cands = proposals.candidates(system_user(), second)
    assert {lk.name for lk in cands.linkers} == {"李文博", "赵丽华"}
    p = optimiser.optimise(cands.linkers, cands.specs)
    pairs = {(cands.people[x.linker_id].name, cands.schools[x.school_id].name) for x in p.links}
    assert ("李文博", "远处乡村小学") in pairs and ("赵丽华", "近处乡村小学") in pairs
    assert next(x for x in p.links if cands.schools[x.school_id].name == "远处乡村小学").continuity


def test_candidates_are_the_institutions_researchers_and_current_backbone_teachers(cast: Any) -> None:
    from core.models import Designation, DesignationKind, Level
    from core.norm_results import system_user

    r = round_(cast.city)
    Designation.objects.create(person=cast.people["teacher_a2"], kind=DesignationKind.BACKBONE, level=Level.CITY,
                               start=dt.date(2024, 9, 1))
    Designation.objects.create(person=cast.people["teacher"], kind=DesignationKind.BACKBONE, level=Level.CITY,
                               start=dt.date(2018, 9, 1), end=dt.date(2021, 8, 31))
    Designation.objects.create(person=cast.people["teacher"], kind=DesignationKind.STAR, level=Level.COUNTY)
    cands = proposals.candidates(system_user(), r)
    assert {lk.name: lk.kind for lk in cands.linkers} == {"赵丽华": "researcher", "许晨": "backbone"}
