"""The on-site API: a visit's records read by the organiser's side, records sent by the team
(resent with the same client_uuid: updated, not duplicated), and leaders' walkthroughs."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.visits.onsite_setup import make_visit
from visits.models import CheckRecord, VisitNote, Walkthrough

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_team_member_sends_a_note_twice_and_the_organiser_reads_one(cast: Any) -> None:
    visit = make_visit(cast)
    today = timezone.localdate().isoformat()
    key = str(uuid.uuid4())
    url = reverse("api-v1:visits_onsite_note_save", args=[visit.pk])
    member = cast.client("part_time_researcher")
    first = _post(member, url, {"client_uuid": key, "school": cast.school_a1.code, "kind": "teacher_forum",
                                "date": today, "text": "青年教师反映备课时间不足"})
    assert first.status_code == 201, first.content
    again = _post(member, url, {"client_uuid": key, "school": cast.school_a1.code, "kind": "teacher_forum",
                                "date": today, "text": "青年教师反映备课时间不足，希望减少会议"})
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert VisitNote.objects.filter(visit=visit).count() == 1
    body = cast.client("bureau_viewer").get(reverse("api-v1:visits_onsite_detail", args=[visit.pk])).json()
    assert [n["text"] for n in body["notes"]] == ["青年教师反映备课时间不足，希望减少会议"]
    assert body["notes"][0]["author"] == cast.people["part_time_researcher"].code
    # The host school reads the findings and the report, not the raw on-site records.
    assert cast.client("principal").get(reverse("api-v1:visits_onsite_detail", args=[visit.pk])).status_code == 404


def test_refusals_name_the_field_in_chinese(cast: Any) -> None:
    visit = make_visit(cast)
    today = timezone.localdate().isoformat()
    member = cast.client("county_researcher")
    empty = _post(member, reverse("api-v1:visits_onsite_note_save", args=[visit.pk]),
                  {"school": cast.school_a1.code, "date": today, "text": "  "})
    assert empty.status_code == 422 and "内容：请填写记录内容" in empty.content.decode()
    wrong_school = _post(member, reverse("api-v1:visits_onsite_check_save", args=[visit.pk]),
                         {"school": cast.school_b1.code, "item": "homework", "date": today, "level": "good"})
    assert wrong_school.status_code == 422 and "不是这次视导的学校" in wrong_school.content.decode()
    no_level = _post(member, reverse("api-v1:visits_onsite_check_save", args=[visit.pk]),
                     {"school": cast.school_a1.code, "item": "homework", "date": today})
    assert no_level.status_code == 422 and "请给出等级" in no_level.content.decode()
    assert CheckRecord.objects.filter(visit=visit).count() == 0
    ok = _post(member, reverse("api-v1:visits_onsite_check_save", args=[visit.pk]),
               {"school": cast.school_a1.code, "item": "homework", "date": today, "level": "good",
                "teacher": cast.people["teacher"].code, "problems": "分层作业不足"})
    assert ok.status_code == 201 and ok.json()["item_label"] == "作业布置"
    detail = member.get(reverse("api-v1:visits_onsite_detail", args=[visit.pk])).json()
    assert [(c["teacher"], c["problems"]) for c in detail["checks"]] == [(cast.people["teacher"].code, "分层作业不足")]


def test_walkthroughs_recorded_by_a_leader_and_read_in_scope(cast: Any) -> None:
    url = reverse("api-v1:visits_walkthrough_list")
    today = timezone.localdate().isoformat()
    principal = cast.client("principal")
    made = _post(principal, url, {"school": cast.school_a1.code, "date": today, "class_name": "初一(1)班",
                                  "teacher": cast.people["teacher"].code, "seen": "学生玩手机", "has_problem": True})
    assert made.status_code == 201, made.content
    assert Walkthrough.objects.get().leader == cast.people["principal"]
    # A leader of another school may not record A1's walkthroughs; a teacher records none.
    other = _post(cast.client("outside_principal"), url, {"school": cast.school_a1.code, "date": today,
                                                           "class_name": "初一(1)班", "seen": "安静"})
    assert other.status_code == 403 and cast.school_a1.code in other.content.decode()
    assert _post(cast.client("teacher"), url, {"school": cast.school_a1.code, "date": today,
                                               "class_name": "初一(1)班", "seen": "安静"}).status_code == 403
    seen = cast.client("teacher").get(url + "?problems_only=true").json()
    assert [w["seen"] for w in seen["items"]] == ["学生玩手机"]  # the teacher whose class it was
    assert cast.client("outside_principal").get(url).json()["items"] == []
    assert cast.client("county_researcher").get(url + f"?school={cast.school_a1.code}").json()["count"] == 1
