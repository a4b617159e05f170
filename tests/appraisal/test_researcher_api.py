"""The researcher appraisal's writing API: a runner adjusts a figure with a reason (a retry of the
same adjustment returns the one made, not a second), refusals name the field in Chinese; a rater
reads the researchers listed to them and answers once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from appraisal.models import FigureAdjustment, RatingSheet
from appraisal.services import researchers as svc

pytestmark = pytest.mark.django_db


def _post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def test_a_runner_adjusts_a_figure_once_and_a_rater_answers_once(cast: Any) -> None:
    a = svc.appraisal_start(actor=None, region=cast.county_a, year=2026, enqueue=False)
    svc.appraisal_compute(a.pk)
    a.refresh_from_db()
    entry = a.entries.get(person=cast.people["county_researcher"])
    url = reverse("api-v1:appraisal_researcher_adjust", args=[entry.pk])
    admin = cast.client("county_admin")
    body = {"figure": "songjiao", "value": 3, "reason": "补录三次送教"}
    made = _post(admin, url, body)
    assert made.status_code == 201, made.content
    got = made.json()
    assert (got["figure_label"], got["value"], got["entry"]["adjusted"]["songjiao"]) == ("送教服务次数", 3.0, 3.0)
    # The same adjustment sent again (a retry) is the same one; a new value is a new one.
    again = _post(admin, url, body)
    assert again.status_code == 200 and again.json()["id"] == got["id"]
    assert FigureAdjustment.objects.filter(entry=entry).count() == 1
    bad = _post(admin, url, {**body, "figure": "nothing"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "figure"
    assert "没有这个工作量指标" in bad.json()["detail"][0]["msg"]
    negative = _post(admin, url, {**body, "value": -1})
    assert negative.status_code == 422 and negative.json()["detail"][0]["field"] == "value"
    # A researcher of the county, a teacher and an outsider do not find the entry.
    for key in ("county_researcher", "teacher", "outside_researcher"):
        assert _post(cast.client(key), url, body).status_code == 404

    svc.ratings_open(actor=None, appraisal=a)
    form_url = reverse("api-v1:appraisal_researcher_rating", args=[a.pk])
    teacher = cast.client("teacher")
    form = teacher.get(form_url).json()
    assert form["rater"] == "teacher" and form["answered"] is False
    listed = [r["entry"] for r in form["researchers"]]
    assert entry.pk in listed
    rate_url = reverse("api-v1:appraisal_researcher_rate", args=[a.pk])
    row = {"entry": entry.pk, "teaching": 5, "research": 4, "management": 4, "service": 5}
    out_of_range = _post(teacher, rate_url, {"scores": [{**row, "service": 6}]})
    assert out_of_range.status_code == 422 and "教育服务" in out_of_range.json()["detail"][0]["msg"]
    assert _post(teacher, rate_url, {"scores": [row]}).status_code == 201
    twice = _post(teacher, rate_url, {"scores": [row]})
    assert twice.status_code == 422 and "每人只能评价一次" in twice.json()["detail"][0]["msg"]
    assert teacher.get(form_url).json()["answered"] is True
    assert RatingSheet.objects.filter(appraisal=a).count() == 1
    # The principal answers for the school; an outside teacher and a researcher have no questionnaire.
    principal = cast.client("principal")
    assert principal.get(form_url).json()["rater"] == "school"
    assert _post(principal, rate_url, {"scores": [row]}).status_code == 201
    for key in ("outside_teacher", "county_researcher"):
        assert cast.client(key).get(form_url).status_code == 404
