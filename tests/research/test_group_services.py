"""Writes of subject-group life (research.services.groups): who may write, the refusals with the
field they name, audit events and the norms they mark stale."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from core.models import AuditEvent, NormUnit, Subject
from research.group_errors import GroupError
from research.models.groups import GroupPlan, JointGroup, JournalSubscription, PlanKind
from research.services import groups as services
from tests.research.group_fixtures import make_groups


def docx_upload(name: str = "学期计划.docx", text: str = "第一周：制定计划") -> SimpleUploadedFile:
    doc = Document()
    doc.add_paragraph(text)
    buf = io.BytesIO()
    doc.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def test_leader_writes_plans_and_a_teacher_may_not(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    leader = cast.users["group_leader"]
    plan = services.plan_save(actor=leader, group=math, kind=PlanKind.SEMESTER, title="数学组学期计划",
                              text="每两周周二下午集中教研")
    assert plan.term_key == cast.term.key and plan.start_year is None
    dev = services.plan_save(actor=leader, group=math, kind=PlanKind.DEVELOPMENT, title="三年规划", start_year=2026,
                             years=3, upload=docx_upload("三年规划.docx"))
    assert dev.file and dev.original_name == "三年规划.docx" and dev.period_text == "2026—2029学年（3年）"
    events = AuditEvent.objects.filter(model="research.GroupPlan", action="create")
    # Placed at the school, so the write marks the school's norms (GROUP.PLAN) stale.
    assert events.count() == 2 and {e.scope_path for e in events} == {cast.school_a1.path}
    NormUnit.objects.create(node=cast.school_a1, path=cast.school_a1.path, term_key=cast.term.key, dirty=False)
    services.journal_add(actor=leader, group=math, year=2026, title="数学通报")
    assert NormUnit.objects.get(node=cast.school_a1).dirty
    with pytest.raises(GroupError, match="只有本组组长"):
        services.plan_save(actor=cast.users["teacher"], group=math, kind=PlanKind.SEMESTER, title="x", text="x")


def test_plan_refusals_name_the_field(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    leader = cast.users["group_leader"]
    with pytest.raises(GroupError) as e:
        services.plan_save(actor=leader, group=math, kind=PlanKind.DEVELOPMENT, title="规划", text="…",
                           start_year=2026, years=4)
    assert e.value.field == "years" and "3年或5年" in e.value.message
    with pytest.raises(GroupError) as e:
        services.plan_save(actor=leader, group=math, kind=PlanKind.SEMESTER, title="计划", text="")
    assert e.value.field == "text"
    with pytest.raises(GroupError) as e:
        services.plan_save(actor=leader, group=math, kind=PlanKind.SEMESTER, title="计划",
                           upload=SimpleUploadedFile("计划.docx", b"<script>alert(1)</script>"))
    assert e.value.field == "file"
    assert not GroupPlan.objects.exists()


def test_journal_once_per_year_across_the_two_semesters(cast: Any) -> None:
    earlier = make_groups(cast, "2025-2")["数学组"]
    math = make_groups(cast, cast.term.key)["数学组"]
    leader = cast.users["group_leader"]
    services.journal_add(actor=leader, group=earlier, year=2026, title="数学通报")
    with pytest.raises(GroupError) as e:
        services.journal_add(actor=leader, group=math, year=2026, title="数学通报")
    assert e.value.field == "title" and "已登记" in e.value.message
    services.journal_add(actor=leader, group=math, year=2025, title="数学通报")
    assert JournalSubscription.objects.count() == 2


def test_key_subjects_guides_and_mentors_by_the_school(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    principal = cast.users["principal"]
    services.key_subject_add(actor=principal, school=cast.school_a1, subject=Subject.objects.get(code="math"),
                             from_year=2026, reason="中考优势学科")
    with pytest.raises(GroupError):
        services.key_subject_add(actor=cast.users["group_leader"], school=cast.school_a1,
                                 subject=Subject.objects.get(code="chinese"), from_year=2026)
    guide = services.guide_assign(actor=principal, group=math, person=cast.people["vice_principal"])
    assert guide.person == cast.people["vice_principal"]
    with pytest.raises(GroupError) as e:
        services.guide_assign(actor=principal, group=math, person=cast.people["teacher"])
    assert e.value.field == "person" and "不是本校校级领导或中层干部" in e.value.message
    pair = services.mentor_pair_save(actor=cast.users["group_leader"], school=cast.school_a1, group=math,
                                     mentor=cast.people["group_leader"], mentee=cast.people["teacher"],
                                     start=dt.date(2026, 9, 1), end=dt.date(2027, 7, 10), goals="站稳讲台")
    assert pair.group == math
    with pytest.raises(GroupError) as e:
        services.mentor_pair_save(actor=principal, school=cast.school_a1, mentor=cast.people["principal"],
                                  mentee=cast.people["outside_teacher"], start=dt.date(2026, 9, 1),
                                  end=dt.date(2027, 7, 10))
    assert e.value.field == "mentee" and "不是本校教师" in e.value.message


def test_leader_appointment_for_a_period_covering_today_sets_the_leader(cast: Any) -> None:
    math = make_groups(cast, cast.term.key)["数学组"]
    today = dt.date.today()
    services.leader_term_save(actor=cast.users["principal"], group=math, person=cast.people["principal"],
                              method="competition", start=today - dt.timedelta(days=30),
                              end=today + dt.timedelta(days=700), duties="主持本组教研")
    math.refresh_from_db()
    assert math.leader == cast.people["principal"]
    with pytest.raises(GroupError) as e:
        services.leader_term_save(actor=cast.users["principal"], group=math, person=cast.people["group_leader"],
                                  method="appointment", start=today, end=today + dt.timedelta(days=10))
    assert e.value.field == "start"  # overlaps the first appointment
    with pytest.raises(GroupError) as e:
        services.leader_term_save(actor=cast.users["principal"], group=math, person=cast.people["teacher"],
                                  method="appointment", start=today + dt.timedelta(days=800),
                                  end=today + dt.timedelta(days=900))
    assert e.value.field == "person"  # not a member of the group


def test_joint_group_within_its_region(cast: Any) -> None:
    researcher = cast.users["county_researcher"]
    chinese = Subject.objects.get(code="chinese")
    jg = services.joint_group_save(actor=researcher, region=cast.county_a, name="小店区语文联组",
                                   schools=[cast.school_a1, cast.school_a2], subject=chinese,
                                   lead_school=cast.school_a1)
    assert set(jg.schools.all()) == {cast.school_a1, cast.school_a2}
    with pytest.raises(GroupError) as e:
        services.joint_group_save(actor=researcher, region=cast.county_a, name="跨区联组",
                                  schools=[cast.school_a1, cast.school_b1])
    assert e.value.field == "schools" and "迎泽实验小学" in e.value.message
    with pytest.raises(GroupError, match="只有区域教研人员和牵头学校"):
        services.joint_group_save(actor=cast.users["outside_researcher"], region=cast.county_a, name="越权",
                                  schools=[cast.school_a1, cast.school_a2])
    assert JointGroup.objects.count() == 1
