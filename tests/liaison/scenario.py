"""One city round in implementation on top of the cast, shared by the access matrix rows, the
view tests and the browser tests: the city maths researcher linked (accepted) to school A2 and
proposed for school A1 (with a plan awaiting A1's agreement), A2 nominated by county A, a
guidance plan for A2's teacher, a kindergarten zone in county A."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core import services as core_services
from core.models import OrgKind, OrgNode, SchoolType, Subject
from liaison.models import GuidancePlan, Link, Nomination, ResponsibilityZone, Round, RoundStatus
from liaison.services import links as link_services
from liaison.services import rounds as round_services


@dataclass
class Scenario:
    round: Round
    link: Link  # accepted: city researcher → A2
    proposed: Link  # proposed: city researcher → A1, its plan awaiting A1
    nomination: Nomination
    guidance: GuidancePlan
    zone: ResponsibilityZone


def kindergarten(parent: OrgNode, code: str, name: str, *, weak: bool = False) -> OrgNode:
    return core_services.org_node_create(actor=None, code=code, name=name, kind=OrgKind.SCHOOL, parent=parent,
                                         school_type=SchoolType.KINDERGARTEN, locale="urban" if not weak else "rural", is_weak=weak,
                                         class_count=6, student_count=150)


def build(cast: Any) -> Scenario:
    math = Subject.objects.get(code="math")
    r = round_services.round_create(actor=None, institution=cast.city, title="太原测试市定点联系（2026—2028）",
                                    start_year=2026)
    Round.objects.filter(pk=r.pk).update(status=RoundStatus.IMPLEMENTATION)
    r.refresh_from_db()
    nomination = round_services.nomination_submit(actor=None, round_=r, school=cast.school_a2,
                                                  nominated_by=cast.county_a, needs=[(math, "primary", "作业设计")])
    researcher = cast.people["city_researcher"]
    link = link_services.link_propose(actor=None, round_=r, person=researcher, school=cast.school_a2,
                                      subjects=[math], stage="primary", reason="学科对口（小学数学）；薄弱学校、乡村学校优先")
    link = link_services.link_accept(actor=None, link=link)
    proposed = link_services.link_propose(actor=None, round_=r, person=researcher, school=cast.school_a1,
                                          subjects=[math], stage="junior", reason="学校申请")
    link_services.plan_save(actor=None, link=proposed, school_needs="初中数学作业设计与分层教学")
    link_services.onsite_day_log(actor=None, link=link, date=dt.date(2026, 10, 12), work="调研、听课",
                                 today=dt.date(2026, 12, 1))
    guidance = link_services.guidance_save(actor=None, link=link, teacher=cast.people["teacher_a2"],
                                           current_level="入职三年，课堂提问较少", goals="一年内上好一节区级公开课")
    lead = kindergarten(cast.county_a, "1140105701", "小店中心幼儿园")
    members = [kindergarten(cast.county_a, "1140105702", "北格镇幼儿园", weak=True)]
    zone = round_services.zone_create(actor=None, region=cast.county_a, name="小店北片学前教研指导责任区", lead=lead,
                                      members=members)
    return Scenario(r, link, proposed, nomination, guidance, zone)
