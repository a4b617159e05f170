"""The yearly report demo (appraisal/demo/reports.py) on the tiny seed: the demo city's report for
last year generated and issued, this year's a draft whose figures come from the seed's records."""

from __future__ import annotations

import pytest

from appraisal.models import YearlyReport, YearlyReportStatus
from appraisal.yearly_figures import from_json
from core.demo.generator import SeedResult

pytestmark = pytest.mark.django_db


def test_demo_city_has_last_years_report_issued_and_this_years_draft(tiny: SeedResult) -> None:
    result = tiny
    assert "appraisal.reports" in result.timings
    reports = list(YearlyReport.objects.select_related("region").order_by("year"))
    assert [r.status for r in reports] == [YearlyReportStatus.ISSUED, YearlyReportStatus.DRAFT]
    last, this = reports
    assert last.region == this.region and last.region.kind == "city"
    assert this.year == last.year + 1 and last.issued_at is not None and last.issued_by is not None
    assert last.sections["plans"]
    figures = from_json(this.figures)
    assert figures.lessons_observed > 0 and figures.activities > 0
    assert f"听评课{figures.lessons_observed}节" in this.sections["overview"]
