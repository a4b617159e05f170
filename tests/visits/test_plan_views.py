"""Planning pages: the list with its filters, the plan form keeping typed values, the visit's
page (team, schedule, obligations, warnings), scheduling, the team, the pattern and the rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from tests.access_cases_visits_plan import make_visit
from visits.models import KindRule, Visit, WeekPattern
from visits.services import plan

pytestmark = pytest.mark.django_db


def _form(cast: Any, **kw: Any) -> dict[str, Any]:
    data = {"organiser": str(cast.county_a.pk), "category": "inspection", "kind": "diagnose", "mode": "collective",
            "term": str(cast.term.pk), "title": "北格镇诊断视导", "number": "", "start": "2026-11-02",
            "end": "2026-11-04", "purpose": "", "lead": ""}
    data.update(kw)
    return data


def test_list_filters_and_new_button(cast: Any) -> None:
    v = make_visit(cast)
    c = cast.client("county_researcher")
    page = c.get(reverse("visits:home")).content.decode()
    assert v.title in page and "新建视导" in page and "小店第一中学" in page
    assert v.title in c.get(reverse("visits:home") + "?side=mine").content.decode()
    assert v.title not in c.get(reverse("visits:home") + "?kind=patrol").content.decode()
    teacher = cast.client("teacher").get(reverse("visits:home")).content.decode()
    assert "新建视导" not in teacher and v.title not in teacher
    principal = cast.client("principal").get(reverse("visits:home") + "?side=mine").content.decode()
    assert v.title not in principal  # A1 hosts it, the principal is not on the team
    assert v.title in cast.client("principal").get(reverse("visits:home")).content.decode()


def test_new_visit_keeps_typed_values_on_error(cast: Any) -> None:
    c = cast.client("county_researcher")
    r = c.post(reverse("visits:new"), _form(cast, start="2026-11-05", purpose="看作业设计"))
    body = r.content.decode()
    assert r.status_code == 200 and "结束日期不能早于开始日期" in body
    assert "北格镇诊断视导" in body and "看作业设计" in body
    lead = cast.people["county_researcher"]
    r = c.post(reverse("visits:new"), _form(cast, lead=f"{lead.name}（{lead.code}）"))
    v = Visit.objects.get(title="北格镇诊断视导")
    assert r.status_code == 302 and r["Location"] == reverse("visits:detail", args=[v.pk])
    assert v.lead == lead and v.organiser == cast.county_a
    r = c.post(reverse("visits:new"), _form(cast, category="bureau_check", title="检查"))
    assert "该单位不能组织常规检查" in r.content.decode()


def test_detail_shows_team_schedule_obligations_and_sections(cast: Any) -> None:
    v = make_visit(cast)
    body = cast.client("part_time_researcher").get(reverse("visits:detail", args=[v.pk])).content.decode()
    assert "张文华" in body and "刘晓燕" in body and "推门听课" in body and "08:00—08:45" in body
    assert "10月12日 周一" in body and "听课" in body and "教师座谈" in body  # guide's required records
    assert reverse("visits:schedule", args=[v.pk]) not in body  # a member does not manage
    manager = cast.client("county_researcher").get(reverse("visits:detail", args=[v.pk])).content.decode()
    assert reverse("visits:schedule", args=[v.pk]) in manager


def test_schedule_page_warns_of_clashes_and_keeps_agenda_on_error(cast: Any) -> None:
    make_visit(cast)
    second = plan.visit_create(actor=None, organiser=cast.county_a, category="inspection", kind="patrol",
                               mode="individual", term=cast.term, title="巡查", start=dt.date(2026, 10, 12),
                               end=dt.date(2026, 10, 14), lead=cast.people["county_researcher"])
    c = cast.client("county_researcher")
    url = reverse("visits:schedule", args=[second.pk])
    r = c.post(url, {"school": str(cast.school_a1.pk), "date": "2026-10-12", "agenda-0-kind": "lesson",
                     "agenda-0-start": "09:00", "agenda-0-end": "08:00", "agenda-0-title": "随堂听课"})
    body = r.content.decode()
    assert r.status_code == 200 and "结束时间早于开始时间" in body and "随堂听课" in body and "09:00" in body
    r = c.post(url, {"school": str(cast.school_a1.pk), "date": "2026-10-12", "agenda-0-kind": "lesson",
                     "agenda-0-start": "08:00", "agenda-0-end": "08:45", "agenda-0-title": "随堂听课"}, follow=True)
    body = r.content.decode()
    assert "已安排" in body and "张文华在10月12日已参加视导" in body and "同一所学校同一天" in body
    r = c.post(url, {"school": str(cast.school_b1.pk), "date": "2026-10-13"})
    assert "请选择学校" in r.content.decode() or "选择一个有效的选项" in r.content.decode()


def test_team_page_adds_and_removes(cast: Any) -> None:
    v = make_visit(cast)
    c = cast.client("county_researcher")
    url = reverse("visits:team", args=[v.pk])
    t = cast.people["teacher"]
    r = c.post(url, {"person": f"{t.name}（{t.code}）", "role": "backbone"}, follow=True)
    assert "已将何静加入视导组" in r.content.decode()
    outsider = cast.people["outside_teacher"]
    r = c.post(url, {"person": outsider.code, "role": "backbone"})
    assert "没有找到" in r.content.decode()  # not among the people the researcher sees
    member = v.members.get(person=t)
    r = c.post(url, {"remove": str(member.pk)}, follow=True)
    assert "已将何静移出视导组" in r.content.decode() and not v.members.filter(person=t).exists()


def test_pattern_and_rules_pages(cast: Any) -> None:
    admin = cast.client("county_admin")
    url = reverse("visits:pattern") + f"?node={cast.county_a.code}"
    days = {f"day-{i}": v for i, v in enumerate(["visit", "subject_activity", "visit", "subject_activity",
                                                  "office", "free", "free"], start=1)}
    r = admin.post(url, {**days, "node": cast.county_a.code, "note": "周一三下校"})
    assert r.status_code == 302
    assert WeekPattern.objects.get(region=cast.county_a).days["2"] == "subject_activity"
    researcher = cast.client("county_researcher").get(url).content.decode()
    assert "学科教研活动" in researcher and "<select" not in researcher  # read only
    assert cast.client("county_researcher").post(url, days).status_code == 404
    rules = reverse("visits:rules") + f"?node={cast.county_a.code}"
    r = admin.post(rules, {"node": cast.county_a.code, "kind": "guide", "required_records": ["lesson"],
                           "school_must_answer": "1"})
    assert "问题不须整改时" in r.content.decode()
    r = admin.post(rules, {"node": cast.county_a.code, "kind": "guide", "required_records": ["lesson"],
                           "publish_to_school": "1"})
    assert r.status_code == 302 and KindRule.objects.get(region=cast.county_a, kind="guide").required_records == ["lesson"]


def test_api_lists_details_and_creates(cast: Any) -> None:
    import json

    v = make_visit(cast)
    c = cast.client("part_time_researcher")
    listed = c.get(reverse("api-v1:visits_visit_list") + "?mine=true&term=2026-1").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == v.pk and listed["items"][0]["term"] == "2026-1"
    detail = c.get(reverse("api-v1:visits_visit_detail", args=[v.pk])).json()
    assert sorted(m["name"] for m in detail["members"]) == sorted(["张文华", "刘晓燕"])
    assert detail["stops"][0]["agenda"][0]["title"] == "推门听课"
    admin = cast.client("county_admin")
    body = {"organiser": cast.county_a.code, "kind": "evaluate", "term": "2026-1", "title": "评价性视导",
            "start": "2026-12-01", "end": "2026-11-30"}
    r = admin.post(reverse("api-v1:visits_visit_list"), json.dumps(body), content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "end"
    body["end"] = "2026-12-03"
    r = admin.post(reverse("api-v1:visits_visit_list"), json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "evaluate"
    r = cast.client("teacher").post(reverse("api-v1:visits_visit_list"), json.dumps(body),
                                    content_type="application/json")
    assert r.status_code in (403, 404)


def test_a_host_school_reads_only_its_own_day(cast: Any) -> None:
    v = make_visit(cast)
    plan.visit_schedule(actor=None, visit=v, school=cast.school_a2, date=dt.date(2026, 10, 13),
                        agenda=[{"kind": "lesson", "title": "乡村课堂听课"}])
    principal = cast.client("principal").get(reverse("visits:detail", args=[v.pk])).content.decode()
    assert "推门听课" in principal and "乡村课堂听课" not in principal and "北格镇中心小学" not in principal
    researcher = cast.client("county_researcher").get(reverse("visits:detail", args=[v.pk])).content.decode()
    assert "乡村课堂听课" in researcher


def test_schedule_assigns_members_and_subject_per_item(cast: Any) -> None:
    from core.models import Subject

    v = make_visit(cast)
    english = Subject.objects.get(code="english")
    member = cast.people["part_time_researcher"]
    c = cast.client("county_researcher")
    r = c.post(reverse("visits:schedule", args=[v.pk]), {
        "school": str(cast.school_a2.pk), "date": "2026-10-14", "agenda-0-kind": "lesson", "agenda-0-start": "10:00",
        "agenda-0-title": "英语听课", "agenda-0-subject": str(english.pk), "agenda-0-members": [str(member.pk)]})
    assert r.status_code == 302
    item = v.stops.get(school=cast.school_a2).agenda[0]
    assert item["subject_id"] == english.pk and item["member_ids"] == [member.pk]
    body = c.get(reverse("visits:detail", args=[v.pk])).content.decode()
    assert "英语听课" in body and "（英语）" in body


def test_edit_changes_status_and_keeps_typed_values(cast: Any) -> None:
    v = make_visit(cast)
    c = cast.client("county_researcher")
    url = reverse("visits:edit", args=[v.pk])
    data = {"kind": "guide", "mode": "collective", "term": str(cast.term.pk), "title": "改过的名称", "number": "",
            "start": "2026-10-13", "end": "2026-10-16", "purpose": "新的重点", "lead": "", "status": "finished"}
    body = c.post(url, data).content.decode()
    assert "已安排2026-10-12到小店第一中学" in body and "改过的名称" in body and "新的重点" in body
    v.refresh_from_db()
    assert v.title != "改过的名称"
    data["start"] = "2026-10-12"
    assert c.post(url, data).status_code == 302
    v.refresh_from_db()
    assert v.title == "改过的名称" and v.status == "finished" and v.lead is None


def test_edit_and_schedule_forms_show_the_dates_for_date_inputs(cast: Any) -> None:
    v = make_visit(cast)
    c = cast.client("county_researcher")
    assert 'value="2026-10-12"' in c.get(reverse("visits:edit", args=[v.pk])).content.decode()
    assert 'value="2026-10-12"' in c.get(reverse("visits:schedule", args=[v.pk])).content.decode()


def test_the_audit_log_reads_a_scheduled_day_without_raw_keys(cast: Any) -> None:
    make_visit(cast)
    body = cast.client("county_admin").get(reverse("audit_list") + "?model=visits.VisitSchool").content.decode()
    assert "日程：2项" in body and "member_ids" not in body


def test_a_follow_up_visit_is_planned_from_a_visit_with_open_findings(cast: Any) -> None:
    from tests.visits.findings_fixtures import make_finding
    from tests.visits.findings_fixtures import make_visit as make_supervision

    first = make_supervision(cast)
    make_finding(cast, first)
    make_finding(cast, first, description="教研组活动记录不全")
    c = cast.client("county_researcher")
    detail = c.get(reverse("visits:detail", args=[first.pk])).content.decode()
    assert "安排复查（2个问题未销号）" in detail
    page = c.get(reverse("visits:new") + f"?follows={first.pk}").content.decode()
    assert f'<option value="{first.pk}" selected>小店区秋季督办视导（2026-10-09，2个问题未销号）</option>' in page
    assert "小店区秋季督办视导（复查）" in page
    # A follow-up must come after the visit it re-checks; the form keeps what was typed.
    r = c.post(reverse("visits:new"), _form(cast, follows=str(first.pk), title="秋季督办复查",
                                            start="2026-10-08", end="2026-10-08"))
    assert r.status_code == 200 and "复查须在其后" in r.content.decode() and "秋季督办复查" in r.content.decode()
    r = c.post(reverse("visits:new"), _form(cast, follows=str(first.pk), title="秋季督办复查"))
    follow_up = Visit.objects.get(title="秋季督办复查")
    assert r.status_code == 302 and follow_up.follows == first
    # Someone who does not manage the first visit is not offered it.
    other = cast.client("principal").get(reverse("visits:new")).content.decode()
    assert "小店区秋季督办视导（2026-10-09" not in other
