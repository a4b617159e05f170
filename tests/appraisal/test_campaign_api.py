"""The campaigns API: a subject sees its own result only once published, a stage is scored with a
reason for each changed pre-filled value (422 naming the field), objections raised and handled."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from appraisal.services import campaigns as svc
from tests.appraisal.campaign_setup import full_ratings, group_campaign, score_all

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def test_scores_need_reasons_and_results_wait_for_publication(cast: Any) -> None:
    c = group_campaign(cast)
    math = c.subjects.get(label="数学组")
    leader = cast.client("group_leader")
    ratings = full_ratings(c.version, 1.0)
    r = _post(leader, f"/api/v1/appraisal/campaigns/subjects/{math.pk}/scores/self", {"ratings": ratings,
                                                                                      "submit": True})
    assert r.status_code == 422 and "与预填值" in r.content.decode()
    _, prefill = svc.stage_initial(math, c.stages[0])
    r = _post(leader, f"/api/v1/appraisal/campaigns/subjects/{math.pk}/scores/self",
              {"ratings": ratings, "reasons": {k: "据实" for k in prefill}, "submit": True})
    assert r.status_code == 200 and r.json()["scores"][0]["submitted"] is True
    detail = leader.get(f"/api/v1/appraisal/campaigns/{c.pk}").json()
    assert [s["label"] for s in detail["subjects"]] == ["数学组"]
    assert detail["subjects"][0]["final_score"] is None


def test_objection_raised_and_handled(cast: Any) -> None:
    c = group_campaign(cast)
    score_all(cast, c, {"数学组": 0.95, "语文组": 0.85, "英语组": 0.5})
    svc.campaign_publish(actor=None, campaign=c, today=timezone.localdate())
    math = c.subjects.get(label="数学组")
    mine = cast.client("group_leader").get(f"/api/v1/appraisal/campaigns/subjects/{math.pk}").json()
    assert mine["rank"] == 1 and mine["level"] == "优秀"
    r = _post(cast.client("group_leader"), f"/api/v1/appraisal/campaigns/subjects/{math.pk}/objections",
              {"reason": "成果一项漏评"})
    assert r.status_code == 201
    oid = r.json()["id"]
    admin = cast.client("county_admin")
    r = _post(admin, f"/api/v1/appraisal/campaigns/objections/{oid}/handle", {"upheld": True, "response": "属实"})
    assert r.status_code == 422 and "改后得分" in r.content.decode()
    r = _post(admin, f"/api/v1/appraisal/campaigns/objections/{oid}/handle",
              {"upheld": True, "response": "属实", "new_score": 99})
    assert r.json()["status"] == "upheld" and r.json()["new_score"] == 99
