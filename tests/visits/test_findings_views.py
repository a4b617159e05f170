"""The rectification pages as each role meets them: the list with its filters and counts, a
finding's chain with only the forms the role may use, recording from a visit, a follow-up visit's
re-check, follow-up plans, the visit page section, the teacher archive and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from observe.archive import archive_entries
from tests.visits.findings_fixtures import FOUND, make_finding, make_visit, make_warning_action
from visits.models import Finding, FindingStatus, FollowUpPlan
from visits.services import findings as svc

pytestmark = pytest.mark.django_db


def test_list_filters_counts_overdue_and_quality_rows(cast: Any) -> None:
    visit = make_visit(cast)
    late = make_finding(cast, visit, description="作业批改不及时", deadline=dt.date(2026, 10, 12))
    make_finding(cast, visit, description="教案不全", deadline=dt.date(2099, 1, 1))
    make_finding(cast, make_visit(cast, kind="guide", title="指导视导"), description="只作记录的建议")
    make_warning_action(cast, due=dt.date(2026, 10, 1))
    c = cast.client("principal")
    page = c.get(reverse("visits:findings")).content.decode()
    assert "作业批改不及时" in page and "教案不全" in page and "只作记录的建议" not in page
    assert "待整改 2" in page and "fd-overdue" in page and "已逾期" in page
    assert "质量预警" in page and "小店第一中学及格率低于全区" in page and "制定质量提升方案" in page
    overdue = c.get(reverse("visits:findings") + "?overdue=1").content.decode()
    assert "作业批改不及时" in overdue and "教案不全" not in overdue
    noted = c.get(reverse("visits:findings") + "?status=noted").content.decode()
    assert "只作记录的建议" in noted and "质量预警" not in noted.split("finding-list")[-1]
    only_visits = c.get(reverse("visits:findings") + "?source=walkthrough").content.decode()
    assert "作业批改不及时" not in only_visits and "小店第一中学及格率低于全区" not in only_visits
    # An outsider sees none of it.
    out = cast.client("outside_principal").get(reverse("visits:findings")).content.decode()
    assert "作业批改不及时" not in out and "及格率" not in out
    assert late.pk


def test_detail_shows_only_the_forms_the_role_may_use(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    url = reverse("visits:finding_detail", args=[f.pk])
    principal = cast.client("principal").get(url).content.decode()
    assert 'data-testid="answer-form"' in principal and 'data-testid="verify-form"' not in principal
    teacher = cast.client("teacher").get(url).content.decode()
    assert "作业批改不及时" in teacher
    assert 'data-testid="answer-form"' not in teacher and 'data-testid="verify-form"' not in teacher
    assert 'data-testid="measure-form"' not in teacher
    # A teacher's POST is refused as if the finding were not there.
    assert cast.client("teacher").post(url, {"action": "answer", "text": "x"}).status_code == 404
    assert cast.client("outside_teacher").get(url).status_code == 404
    # An empty answer keeps the evidence typed and names the field.
    bad = cast.client("principal").post(url, {"action": "answer", "text": "", "evidence": "检查表三份"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "整改情况：请写明已采取的整改行动" in body and "检查表三份" in body
    r = cast.client("principal").post(url, {"action": "answer", "text": "建立作业检查制度", "evidence": "检查表"})
    assert r.status_code == 302
    organiser = cast.client("county_researcher").get(url).content.decode()
    assert 'data-testid="verify-form"' in organiser and "整改反馈" in organiser
    bad = cast.client("county_researcher").post(url, {"action": "verify", "accept": "0", "comment": ""})
    assert "验收意见：不能为空" in bad.content.decode()
    cast.client("county_researcher").post(url, {"action": "verify", "accept": "1", "comment": "同意"})
    f.refresh_from_db()
    assert f.status == FindingStatus.CLOSED


def test_measure_form_keeps_values_and_names_the_field(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    url = reverse("visits:finding_detail", args=[f.pk])
    r = cast.client("principal").post(url, {"action": "measure", "measure": "每周抽查", "owner_kind": "group",
                                            "deadline": "2026-12-01"})
    assert r.status_code == 400
    body = r.content.decode()
    assert "责任教研组：责任主体为教研组时必须选择教研组" in body and "每周抽查" in body
    r = cast.client("principal").post(url, {"action": "measure", "measure": "每周抽查", "owner_kind": "person",
                                            "owner_person": str(cast.people["teacher"].pk), "deadline": "2026-12-01"})
    assert r.status_code == 302
    f.refresh_from_db()
    assert f.owner_person == cast.people["teacher"] and f.deadline == dt.date(2026, 12, 1)


def test_new_finding_from_a_visit(cast: Any) -> None:
    visit = make_visit(cast)
    url = reverse("visits:finding_new") + f"?visit={visit.pk}&school={cast.school_a1.code}"
    c = cast.client("part_time_researcher")
    page = c.get(url).content.decode()
    assert "默认需要整改" in page
    bad = c.post(url, {"description": "", "area": "homework", "severity": "minor", "owner_kind": "school",
                       "found_on": "2026-10-09", "evidence": "抽查九年级作业"})
    assert bad.status_code == 400 and "请填写问题描述" in bad.content.decode() and "抽查九年级作业" in bad.content.decode()
    r = c.post(url, {"description": "作业量偏大", "area": "homework", "severity": "minor", "owner_kind": "school",
                     "found_on": "2026-10-09", "needs_rectification": "on", "measure": "控制作业总量",
                     "deadline": "2026-11-09", "teacher": str(cast.people["teacher"].pk)})
    assert r.status_code == 302
    f = Finding.objects.get(description="作业量偏大")
    assert f.visit == visit and f.status == FindingStatus.OPEN and f.teacher == cast.people["teacher"]
    # Not a team member: not found; a school the visit does not go to: not found.
    assert cast.client("principal").get(url).status_code == 404
    other = reverse("visits:finding_new") + f"?visit={visit.pk}&school={cast.school_b1.code}"
    assert c.get(other).status_code == 404


def test_recheck_page_lists_only_open_findings_and_records_both_states(cast: Any) -> None:
    first = make_visit(cast)
    a = make_finding(cast, first, description="问题甲")
    b = make_finding(cast, first, description="问题乙")
    closed = make_finding(cast, first, description="问题丙")
    svc.finding_answer(actor=cast.users["principal"], finding=closed, text="已改")
    svc.finding_verify(actor=cast.users["county_researcher"], finding=closed, accept=True)
    follow = make_visit(cast, follows=first, title="秋季督办复查", start=dt.date(2026, 12, 1))
    url = reverse("visits:recheck", args=[follow.pk])
    c = cast.client("county_researcher")
    page = c.get(url).content.decode()
    assert "问题甲" in page and "问题乙" in page and "问题丙" not in page
    r = c.post(url, {f"f{a.pk}": "closed", f"c{a.pk}": "到位", f"f{b.pk}": "open"})
    assert r.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == FindingStatus.CLOSED and b.status == FindingStatus.OPEN
    after = c.get(url).content.decode()
    assert "问题甲" in after.split("本次已复查")[-1] and "待整改 → 已销号" in after
    # A visit that follows nothing has no re-check page; a school manager has none either.
    assert c.get(reverse("visits:recheck", args=[first.pk])).status_code == 404
    assert cast.client("principal").get(url).status_code == 404


def test_follow_up_plans_pages(cast: Any) -> None:
    visit = make_visit(cast)
    make_finding(cast, visit)
    make_finding(cast, visit, description="课堂纪律松散")
    c = cast.client("principal")
    bad = c.post(reverse("visits:plans"), {"teacher": "NOPE", "kind": "tracking", "reason": "多次被指出",
                                           "start": "2026-10-10", "end": "2026-12-31"})
    assert bad.status_code == 400 and "没有编号为“NOPE”的教师" in bad.content.decode()
    assert "多次被指出" in bad.content.decode()
    r = c.post(reverse("visits:plans"), {"teacher": cast.people["teacher"].code, "kind": "tracking",
                                         "reason": "两次视导被指出作业问题", "start": "2026-10-10", "end": "2026-12-31",
                                         "mentor": cast.people["vice_principal"].code})
    assert r.status_code == 302
    plan = FollowUpPlan.objects.get()
    assert plan.findings.count() == 2
    url = reverse("visits:plan_detail", args=[plan.pk])
    assert c.post(url, {"action": "entry", "date": "2026-10-20", "text": "随堂听课"}).status_code == 302
    teacher_page = cast.client("teacher").get(url).content.decode()
    assert "随堂听课" in teacher_page and 'data-testid="plan-entry-form"' not in teacher_page
    assert cast.client("teacher").post(url, {"action": "entry", "date": "2026-10-21", "text": "x"}).status_code == 404
    assert cast.client("outside_principal").get(url).status_code == 404
    assert "两次视导" not in cast.client("teacher_a2").get(reverse("visits:plans")).content.decode()


def test_visit_section_and_teacher_archive(cast: Any) -> None:
    visit = make_visit(cast)
    f = make_finding(cast, visit)
    request = RequestFactory().get("/")
    request.user = cast.users["part_time_researcher"]
    html = Template("{% load visits_findings %}{% findings_section visit %}").render(
        Context({"visit": visit, "request": request}))
    assert "作业批改不及时" in html and "待整改 1" in html and "记录问题" in html and cast.school_a1.code in html
    request.user = cast.users["outside_researcher"]
    html = Template("{% load visits_findings %}{% findings_section visit %}").render(
        Context({"visit": visit, "request": request}))
    assert "作业批改不及时" not in html and "?visit=" not in html and "尚未记录问题" in html
    entries = [e for e in archive_entries(cast.users["teacher"], cast.people["teacher"]) if e.source == "visits.findings"]
    assert [e.url for e in entries] == [reverse("visits:finding_detail", args=[f.pk])]
    assert entries[0].date == FOUND
    assert not [e for e in archive_entries(cast.users["outside_principal"], cast.people["teacher"])
                if e.source == "visits.findings"]


def test_api_list_detail_answer(cast: Any) -> None:
    f = make_finding(cast, make_visit(cast))
    c = cast.client("principal")
    listing = c.get(reverse("api-v1:visits_findings_list") + "?overdue=false").json()
    assert listing["count"] == 1 and listing["items"][0]["owner"] == "小店第一中学"
    assert cast.client("outside_principal").get(reverse("api-v1:visits_findings_list")).json()["count"] == 0
    url = reverse("api-v1:visits_findings_answer", args=[f.pk])
    bad = c.post(url, {"text": " "}, content_type="application/json")
    assert bad.status_code == 422 and "整改情况：不能为空" in bad.content.decode()
    ok = c.post(url, {"text": "已整改", "evidence": "照片"}, content_type="application/json")
    assert ok.status_code == 201 and ok.json()["status"] == "answered"
    assert ok.json()["entries"][0]["step"] == "answer"
    assert cast.client("teacher").post(url, {"text": "x"}, content_type="application/json").status_code == 404
    detail = cast.client("teacher").get(reverse("api-v1:visits_findings_detail", args=[f.pk]))
    assert detail.status_code == 200 and detail.json()["entries"][0]["text"] == "已整改"


def test_new_finding_page_per_role(cast: Any) -> None:
    """The access-matrix row of visits:finding_new cannot name the visit (its id is made per test):
    the same check, every role, here."""
    from tests.access_cases import ALL_ROLES
    from tests.access_cases_visits_findings import RECORDERS

    visit = make_visit(cast)
    url = reverse("visits:finding_new") + f"?visit={visit.pk}&school={cast.school_a1.code}"
    wrong = [(role, status) for role in ALL_ROLES
             if (status := cast.client(role).get(url).status_code) != (200 if role in RECORDERS else 404)]
    assert not wrong


def test_list_by_group_and_teacher_and_query_count(cast: Any, django_assert_max_num_queries: Any) -> None:
    from core.models import TeachingGroup

    group = TeachingGroup.objects.create(school=cast.school_a1, term_key=cast.term.key, kind="subject",
                                         name="语文教研组", leader=cast.people["group_leader"])
    visit = make_visit(cast)
    make_finding(cast, visit, description="语文组集体备课流于形式", group=group)
    for i in range(12):
        make_finding(cast, visit, description=f"其他问题{i}", teacher=None)
    c = cast.client("county_researcher")
    by_group = c.get(reverse("visits:findings") + f"?group={group.pk}").content.decode()
    assert "语文组集体备课流于形式" in by_group and "其他问题1" not in by_group
    by_teacher = c.get(reverse("visits:findings") + f"?teacher={cast.people['teacher'].code}").content.decode()
    assert "语文组集体备课流于形式" in by_teacher and "其他问题1" not in by_teacher
    # The group's leader sees the findings about the group (and only those).
    leader = cast.client("group_leader").get(reverse("visits:findings")).content.decode()
    assert "语文组集体备课流于形式" in leader and "其他问题1" not in leader
    with django_assert_max_num_queries(20):
        assert c.get(reverse("visits:findings")).status_code == 200


def test_new_finding_from_a_walkthrough(cast: Any) -> None:
    from visits.models import Walkthrough

    walk = Walkthrough.objects.create(school=cast.school_a1, leader=cast.people["principal"], date=FOUND,
                                      class_name="八年级2班", teacher=cast.people["teacher"], has_problem=True,
                                      seen="学生趴桌较多")
    url = (reverse("visits:finding_new") + f"?school={cast.school_a1.code}&source=walkthrough"
           f"&source_id={walk.pk}")
    c = cast.client("principal")
    assert "来自巡课" in c.get(url).content.decode()
    r = c.post(url, {"description": "课堂管理松散", "area": "classroom", "severity": "minor", "owner_kind": "person",
                     "owner_person": str(cast.people["teacher"].pk), "found_on": "2026-10-09",
                     "needs_rectification": "on", "measure": "每周推门听课", "deadline": "2026-10-30",
                     "teacher": str(cast.people["teacher"].pk)})
    assert r.status_code == 302
    f = Finding.objects.get(description="课堂管理松散")
    assert (f.visit, f.source_kind, f.source_id, f.status) == (None, "walkthrough", walk.pk, FindingStatus.OPEN)
    # The visitless finding is verified by the county's organisers, not the principal.
    svc.finding_answer(actor=cast.users["teacher"], finding=f, text="已整改")
    detail = reverse("visits:finding_detail", args=[f.pk])
    assert 'data-testid="verify-form"' not in c.get(detail).content.decode()
    assert 'data-testid="verify-form"' in cast.client("county_researcher").get(detail).content.decode()
    for role in ("teacher", "outside_principal", "group_leader"):
        assert cast.client(role).get(url).status_code == 404
    missing = reverse("visits:finding_new") + f"?school={cast.school_a1.code}&source=walkthrough&source_id=999"
    bad = c.post(missing, {"description": "x", "area": "classroom", "severity": "minor", "owner_kind": "school",
                           "found_on": "2026-10-09"})
    assert bad.status_code == 400 and "来源：小店第一中学没有这条巡课记录" in bad.content.decode()
