"""The demo's reports extension over finished visits (the plan demo is built in parallel, so the
visits are written here)."""

from __future__ import annotations

import datetime as dt
import io
import random
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from core.demo.extensions import SeedContext, registered
from tests.visits.reports_fixtures import finished_visit
from visits.demo.reports import reports
from visits.models import ReportStatus, Visit, VisitReport, VisitStatus


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _ctx() -> SeedContext:
    return SeedContext(seed=1, scale="tiny", rng=random.Random(1), today=dt.date(2026, 11, 27), term_key="2026-1",
                       province_id=0, region_ids=[], school_ids=[], teachers_by_school={}, researcher_ids=[])


def test_registered_after_the_other_visits_extensions() -> None:
    assert "visits.reports" in [name for name, _fn in registered()]


def test_nothing_to_do_without_finished_visits(db: None) -> None:
    reports(_ctx())
    assert not VisitReport.objects.exists()


def test_reports_in_every_state_and_lazy_files(cast: Any) -> None:
    visits = [finished_visit(cast, lessons=1) for _ in range(8)]
    Visit.objects.filter(pk=visits[0].pk).update(status=VisitStatus.REPORTED)
    reports(_ctx())
    issued = VisitReport.objects.filter(status=ReportStatus.ISSUED)
    # The REPORTED visit, and one in three of the 7 finished ones (turns 0, 3, 6).
    assert issued.count() == 4 and VisitReport.objects.filter(status=ReportStatus.DRAFT).count() == 2
    assert set(Visit.objects.filter(reports__status="issued").values_list("status", flat=True)) == {"reported"}
    assert all(r.issued_on is not None and r.issued_on >= r.visit.end for r in issued)
    assert issued.exclude(file="").count() == 3  # a handful rendered in the seed
    lazy = issued.filter(file="").get()
    content = cast.client("institute_head").get(reverse("visits:report_docx", args=[lazy.pk])).content
    assert "视导概况" in "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    lazy.refresh_from_db()
    assert lazy.file
