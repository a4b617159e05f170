"""Rounds, schools and links for the liaison tests, written through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from core import services as core_services
from core.models import OrgKind, OrgNode, SchoolType, Subject
from liaison.models import Link, LinkerKind, Round, RoundStatus
from liaison.services import links as link_services
from liaison.services import rounds as round_services


def school(parent: OrgNode, code: str, name: str, *, locale: str = "rural", weak: bool = False,
           teaching_point: bool = False, school_type: str = SchoolType.PRIMARY, lat: float | None = None,
           lon: float | None = None) -> OrgNode:
    node = core_services.org_node_create(actor=None, code=code, name=name, kind=OrgKind.SCHOOL, parent=parent,
                                         school_type=school_type, locale=locale, is_weak=weak,
                                         is_teaching_point=teaching_point, class_count=6, student_count=120)
    if lat is not None and lon is not None:
        OrgNode.objects.filter(pk=node.pk).update(latitude=lat, longitude=lon)
        node.refresh_from_db()
    return node


def round_(institution: OrgNode, *, start_year: int = 2026, status: str = RoundStatus.IMPLEMENTATION,
           title: str = "") -> Round:
    r = round_services.round_create(actor=None, institution=institution, title=title or f"{institution.name}定点联系第一轮",
                                    start_year=start_year)
    if status != RoundStatus.PREPARATION:
        Round.objects.filter(pk=r.pk).update(status=status)
        r.refresh_from_db()
    return r


def link(r: Round, person: Any, target: OrgNode, *, accept: bool = True, kind: str = LinkerKind.RESEARCHER,
         subject: str = "math", stage: str = "primary") -> Link:
    lk = link_services.link_propose(actor=None, round_=r, person=person, school=target, kind=kind,
                                    subjects=[Subject.objects.get(code=subject)], stage=stage, reason="测试")
    if accept:
        lk = link_services.link_accept(actor=None, link=lk)
    return lk


def day(lk: Link, date: dt.date, *, portion: str = "full") -> None:
    link_services.onsite_day_log(actor=None, link=lk, date=date, work="听评课、教研活动", portion=portion,
                                 today=dt.date(2027, 7, 1))
