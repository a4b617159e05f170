"""The JSON API of preparation, homeroom and orders: the lists and details the pages show, and
writes refused with a 422 naming the field."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from core.models import Post, Role
from tests.research.order_setup import candidates
from tests.research.prep_setup import open_session, run_steps


def test_prep_list_and_detail(cast: Any) -> None:
    session = run_steps(cast, open_session(cast), upto="sign_off")
    c = cast.client("teacher")
    items = c.get("/api/v1/research/prep").json()["items"]
    assert [(i["id"], i["step"], i["signed_off"]) for i in items] == [(session.pk, "personal", True)]
    detail = c.get(f"/api/v1/research/prep/{session.pk}").json()
    assert detail["steps_done"] == ["draft", "discussion", "plan"]
    assert [v["kind"] for v in detail["versions"]] == ["draft", "shared", "shared"]
    assert cast.client("outside_teacher").get(f"/api/v1/research/prep/{session.pk}").status_code == 404


def test_homeroom_meeting_recorded_and_refused(cast: Any) -> None:
    post = Post.objects.create(person=cast.people["teacher"], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                               start=dt.date(2025, 9, 1))
    c = cast.client("teacher")
    url = f"/api/v1/research/homeroom/classes/{post.pk}/meetings"
    bad = c.post(url, json.dumps({"kind": "parents", "held_on": "2099-01-01", "attendance": 30}),
                 content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "held_on"
    ok = c.post(url, json.dumps({"kind": "parents", "held_on": "2026-04-18", "attendance": 30}),
                content_type="application/json")
    assert ok.status_code == 201
    detail = c.get(f"/api/v1/research/homeroom/classes/{post.pk}?term=2025-2").json()
    assert detail["parents"] == {"meets": True, "detail": "本学期召开1次"} and len(detail["meetings"]) == 1
    listing = cast.client("principal").get("/api/v1/research/homeroom/classes?term=2025-2").json()
    assert [i["label"] for i in listing["items"]] == ["7年级何静班"]


def test_order_posted_through_the_api(cast: Any) -> None:
    candidates(cast)
    c = cast.client("principal")
    payload = {"org": cast.school_a1.code, "subject": "math", "stage": "junior", "topic": "分数的意义",
               "problem": "单位“1”", "preferred_from": "2026-12-20", "preferred_to": "2026-12-10"}
    bad = c.post("/api/v1/research/orders", json.dumps(payload), content_type="application/json")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "preferred_to"
    assert cast.client("teacher").post("/api/v1/research/orders", json.dumps(payload),
                                       content_type="application/json").status_code == 403
