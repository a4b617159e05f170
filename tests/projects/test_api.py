"""The projects API: the list with filters, one project with its stages, filing with field errors."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.projects.fixtures import make_project, run_to

pytestmark = pytest.mark.django_db


def test_list_detail_and_filters(cast: Any) -> None:
    p = run_to(cast, make_project(cast, title="接口课题"), "approved")
    make_project(cast, title="校级接口课题", level="school")
    c = cast.client("county_admin")
    items = c.get(reverse("api-v1:projects_project_list") + "?level=county").json()["items"]
    assert [i["title"] for i in items] == ["接口课题"] and items[0]["approver"] == cast.county_a.code
    assert {i["title"] for i in c.get(reverse("api-v1:projects_project_list")).json()["items"]} == \
        {"接口课题", "校级接口课题"}
    r = c.get(reverse("api-v1:projects_project_list") + "?subject=nosuch")
    assert r.status_code == 422 and "没有学科代码" in r.content.decode()
    d = c.get(reverse("api-v1:projects_project_detail", args=[p.pk])).json()
    assert [s["status"] for s in d["steps"]] == ["applied", "approved"] and d["leader"] == cast.people["teacher"].code
    assert cast.client("outside_teacher").get(reverse("api-v1:projects_project_detail", args=[p.pk])).status_code == 404


def test_filing_through_the_api(cast: Any) -> None:
    c = cast.client("teacher")
    end = (timezone.localdate() + dt.timedelta(days=400)).isoformat()
    url = reverse("api-v1:projects_project_list")
    r = c.post(url, json.dumps({"title": "接口申报", "level": "school", "planned_end": end, "subject": "chinese",
                                "application": "研究设计"}), content_type="application/json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["approver"] == cast.school_a1.code and body["documents"][0]["kind"] == "application"
    r = c.post(url, json.dumps({"title": "太短", "level": "county", "planned_end": "2000-01-01"}),
               content_type="application/json")
    assert r.status_code == 422 and "计划结题日期" in r.content.decode()
    r = cast.client("no_post").post(url, json.dumps({"title": "x", "level": "county", "planned_end": end}),
                                    content_type="application/json")
    assert r.status_code == 403
