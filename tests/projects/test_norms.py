"""TEACHER.PROJECT_JUNIOR / _FIRST / _SENIOR (norms.md, 004 (二)4): "teacher below 中学一级
(primary equivalents) takes part in a school-level or higher research project; 中学一级 teacher
leads or takes part in a school-level or higher project; 中学高级 teacher leads or takes part in a
county-level or higher project — >= 1 in 5 years". One row per teacher, who is short named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from core.compliance import Row, evaluate
from core.models import Norm, NormResultRow
from core.norm_results import refresh_all
from projects import services as svc
from projects.duties import window_start
from tests.projects.fixtures import make_project, run_to

pytestmark = pytest.mark.django_db


def _rows(cast: Any, code: str) -> dict[str, Row]:
    norm = Norm.objects.get(code=code)
    return {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, None, norm).rows}


def test_a_junior_teacher_meets_by_taking_part_in_a_school_project(cast: Any) -> None:
    rows = _rows(cast, "TEACHER.PROJECT_JUNIOR")
    row = rows["何静"]  # 二级教师
    assert not row.meets and row.value == 0 and row.person_id == cast.people["teacher"].pk
    assert "尚未参与" in row.detail and row.context == "小店第一中学·二级教师"
    assert "孙国庆" not in rows and "冯志刚" not in rows  # other titles, other norms
    p = make_project(cast, leader=cast.people["group_leader"], level="school", title="校本作业设计")
    svc.member_add(actor=None, project=p, person=cast.people["teacher"])
    assert not _rows(cast, "TEACHER.PROJECT_JUNIOR")["何静"].meets  # filed, not yet approved
    run_to(cast, p, "approved")
    row = _rows(cast, "TEACHER.PROJECT_JUNIOR")["何静"]
    assert row.meets and row.value == 1 and "校本作业设计" in row.detail
    assert _rows(cast, "TEACHER.PROJECT_FIRST")["冯志刚"].meets  # the leader, 一级教师


def test_a_senior_teacher_needs_a_county_project_not_a_school_one(cast: Any) -> None:
    school = make_project(cast, leader=cast.people["principal"], level="school", title="校级课题")
    run_to(cast, school, "approved")
    row = _rows(cast, "TEACHER.PROJECT_SENIOR")["孙国庆"]  # 高级教师
    assert not row.meets and row.value == 0 and "县级及以上" in row.detail
    county = make_project(cast, leader=cast.people["principal"], level="county", title="县级课题")
    run_to(cast, county, "approved")
    assert _rows(cast, "TEACHER.PROJECT_SENIOR")["孙国庆"].meets


def test_the_edge_of_five_years(cast: Any) -> None:
    today = timezone.localdate()
    edge = window_start(today)
    old = make_project(cast, leader=cast.people["group_leader"], level="school", title="早年课题",
                       applied_on=edge - dt.timedelta(days=800), planned_end=edge)
    old = run_to(cast, old, "concluded", dates=[edge - dt.timedelta(days=790), edge - dt.timedelta(days=700),
                                              edge - dt.timedelta(days=400), edge - dt.timedelta(days=1)])
    assert not _rows(cast, "TEACHER.PROJECT_FIRST")["冯志刚"].meets  # concluded the day before the window
    on_edge = make_project(cast, leader=cast.people["group_leader"], level="school", title="边界课题",
                           applied_on=edge - dt.timedelta(days=800), planned_end=edge)
    run_to(cast, on_edge, "concluded", dates=[edge - dt.timedelta(days=790), edge - dt.timedelta(days=700),
                                              edge - dt.timedelta(days=400), edge])
    row = _rows(cast, "TEACHER.PROJECT_FIRST")["冯志刚"]
    assert row.meets and row.value == 1 and "边界课题" in row.detail and "早年课题" not in row.detail


def test_a_withdrawn_project_does_not_count_and_results_are_stored(cast: Any) -> None:
    p = make_project(cast, level="county", title="撤销的课题")
    run_to(cast, p, "approved")
    svc.project_advance(actor=None, project=p, target="withdrawn", note="主持人调离")
    assert not _rows(cast, "TEACHER.PROJECT_JUNIOR")["何静"].meets
    p2 = make_project(cast, level="city", title="市级课题")
    run_to(cast, p2, "approved")
    refresh_all(node=cast.county_a, term_key="")
    stored = NormResultRow.objects.get(norm_code="TEACHER.PROJECT_JUNIOR", person_id=cast.people["teacher"].pk)
    assert stored.meets and stored.path == cast.school_a1.path and "市级课题" in stored.detail
    # A teacher at another county's school is counted at that school, not here.
    assert "高雅" not in _rows(cast, "TEACHER.PROJECT_JUNIOR")
