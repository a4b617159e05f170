"""The liaison API: lists under the access policy, a day logged from a phone (idempotent by its
client id), a refusal as a 422 naming the field, a task ticked, the optimiser's proposal."""

from __future__ import annotations

import json
from typing import Any

from tests.liaison.scenario import build


def _post(client: Any, url: str, body: dict[str, Any], method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_lists_follow_the_policy(cast: Any) -> None:
    s = build(cast)
    rounds = cast.client("outside_researcher").get("/api/v1/liaison/rounds").json()
    assert [r["id"] for r in rounds["items"]] == [s.round.pk]
    # County B's researcher sees the city round, not county A's links in it.
    assert cast.client("outside_researcher").get(f"/api/v1/liaison/links?round={s.round.pk}").json()["count"] == 0
    links = cast.client("principal").get("/api/v1/liaison/links").json()
    assert [lk["school_name"] for lk in links["items"]] == ["小店第一中学"]
    detail = cast.client("city_researcher").get(f"/api/v1/liaison/links/{s.link.pk}").json()
    assert detail["days"][0]["date"] == "2026-10-12" and len(detail["tasks"]) == 9


def test_day_logged_from_a_phone_and_a_refusal_names_the_field(cast: Any) -> None:
    s = build(cast)
    me = cast.client("city_researcher")
    url = f"/api/v1/liaison/links/{s.link.pk}/days"
    body = {"date": "2026-10-16", "work": "送教助研：示范课", "client_uuid": "3f1c0a52-0000-4000-8000-000000000001"}
    first = _post(me, url, body)
    again = _post(me, url, body)
    assert first.status_code == again.status_code == 201 and first.json()["id"] == again.json()["id"]
    refused = _post(me, url, {"date": "2025-10-16", "work": "x"})
    assert refused.status_code == 422
    assert "日期不在本轮次内" in json.dumps(refused.json(), ensure_ascii=False)
    ticked = _post(me, f"/api/v1/liaison/links/{s.link.pk}/tasks/9", {"done": True, "evidence": "送教记录"}, "put")
    assert ticked.status_code == 200 and ticked.json()["label"] == "组织骨干教师“送教助研”"


def test_proposal_is_read_only_and_says_why(cast: Any) -> None:
    s = build(cast)
    from liaison.models import Link

    n = Link.objects.count()
    body = cast.client("institute_head").get(f"/api/v1/liaison/rounds/{s.round.pk}/proposal").json()
    assert Link.objects.count() == n
    # A2 is linked already and no other school is nominated: nothing left to cover.
    assert body["links"] == [] and body["uncovered"] == []
    assert {g["name"] for g in body["idle"]} == {"赵丽华"}
