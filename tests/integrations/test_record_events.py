"""The four record events come from the services that make them (observation submitted, visit
report issued, scores imported, warning raised) and reach an integrator's webhook, signed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from core import events
from integrations.models import Delivery, DeliveryStatus, EventKind
from integrations.services import channel_create
from tests.integrations.receivers import Receiver
from tests.integrations.worker import run_queued

SECRET = "whsec-province-0123456789"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_event_kinds_are_the_ones_core_sends() -> None:
    assert {events.OBSERVATION_SUBMITTED, events.VISIT_REPORT_ISSUED, events.SCORES_IMPORTED,
            events.WARNING_RAISED} <= set(EventKind.values)


def _hook(cast: Any, rx: Receiver, kinds: list[str]) -> Any:
    return channel_create(actor=None, region=cast.province, kind="webhook", name="省教育数据中心", url=rx.url,
                          secret=SECRET, events=kinds)


def test_observation_submitted(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from tests.observe.conftest import record

    with Receiver("webhook", secret=SECRET) as rx:
        _hook(cast, rx, [EventKind.OBSERVATION_SUBMITTED])
        with django_capture_on_commit_callbacks(execute=True):
            record(cast, "county_researcher", "teacher", submit=False)  # a draft is no event
            obs = record(cast, "county_researcher", "teacher")
        run_queued()
    [req] = rx.requests
    assert req.signature_ok and req.headers["x-jiaoyan-event"] == "observation.submitted"
    assert req.body["scope"]["code"] == "1140105001"
    assert req.body["data"] == {"observation": {"id": obs.pk, "topic": "荷塘月色", "date": "2026-10-12",
                                                "school": "1140105001", "teacher": cast.people["teacher"].code,
                                                "observer": cast.people["county_researcher"].code,
                                                "kind": "push_in"}}


def test_visit_report_issued(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from tests.visits.reports_fixtures import finished_visit
    from visits.models import VisitReport

    visit = finished_visit(cast)
    c = cast.client("institute_head")
    assert c.post(reverse("visits:report_new", args=[visit.pk])).status_code == 302
    report = VisitReport.objects.get(visit=visit, school=None)
    with Receiver("webhook", secret=SECRET) as rx:
        _hook(cast, rx, [EventKind.VISIT_REPORT_ISSUED])
        with django_capture_on_commit_callbacks(execute=True):
            assert c.post(reverse("visits:report_issue", args=[report.pk])).status_code == 302
        run_queued()
    [req] = rx.requests
    report.refresh_from_db()
    assert req.signature_ok and req.headers["x-jiaoyan-event"] == "visit_report.issued"
    assert req.body["scope"]["code"] == "140105"  # a visit-wide report belongs to the organiser
    assert req.body["data"]["report"] == {"id": report.pk, "title": report.title, "number": report.number,
                                          "issued_on": report.issued_on.isoformat(),  # type: ignore[union-attr]
                                          "visit": visit.pk, "school": None}


def test_scores_imported_and_warnings_raised(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from quality import services
    from quality.models import EarlyWarning, RuleKind
    from tests.quality.factories import apply, make_exam, upload

    exam = make_exam(cast.county_a, full_mark="120", blueprint=False)
    rows = [["考号", "班级", "数学"]] + [[f"S{i}", "1班", s] for i, s in enumerate([30, 95, 100, 110, 40, 88])]
    content = "\n".join(",".join(str(v) for v in r) for r in rows).encode()
    with Receiver("webhook", secret=SECRET) as rx:
        _hook(cast, rx, [EventKind.SCORES_IMPORTED, EventKind.WARNING_RAISED])
        with django_capture_on_commit_callbacks(execute=True):
            batch = apply(upload(exam, content, filename="a.csv", school=cast.school_a1))
        run_queued()
        assert [r.headers["x-jiaoyan-event"] for r in rx.requests] == ["scores.imported"]
        assert rx.requests[0].body["data"] == {
            "exam": {"id": exam.pk, "name": "八年级期中质量监测", "term": "2026-1", "grade": 8},
            "batch": {"id": batch.pk, "filename": "a.csv", "students": 6}}
        assert rx.requests[0].body["scope"]["code"] == "1140105001"
        rule = services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.BELOW_REGION,
                                          params={"k": 0.5, "level": "class"})
        found = [{"rule_id": rule.pk, "school_id": cast.school_a1.pk, "title": "1班数学低于区均值",
                  "evidence": {"mean": 40}, "norm_code": "QUAL.WARN"}]
        with django_capture_on_commit_callbacks(execute=True):
            assert services.warnings_raise(actor=None, exam=exam, found=found) == 1
            # Raising it again updates the evidence: no second event.
            assert services.warnings_raise(actor=None, exam=exam, found=found) == 0
        run_queued()
    warning = EarlyWarning.objects.get(title="1班数学低于区均值")
    assert [r.headers["x-jiaoyan-event"] for r in rx.requests] == ["scores.imported", "warning.raised"]
    assert rx.requests[1].body["data"] == {"warning": {"id": warning.pk, "title": "1班数学低于区均值",
                                                       "norm_code": "QUAL.WARN", "exam": exam.pk,
                                                       "school": "1140105001", "class": ""}}
    assert all(r.signature_ok for r in rx.requests)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_rolled_back_write_sends_nothing(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    from django.db import transaction

    from tests.observe.conftest import record

    with Receiver("webhook", secret=SECRET) as rx:
        _hook(cast, rx, [EventKind.OBSERVATION_SUBMITTED])
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    record(cast, "county_researcher", "teacher")
                    raise RuntimeError("abort")
            except RuntimeError:
                pass
        assert run_queued() == 0
    assert rx.requests == [] and not Delivery.objects.exists()
