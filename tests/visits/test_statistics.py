"""Yearly visit statistics (001 一(一)) from plain rows, without a database."""

from __future__ import annotations

from typing import Any

from visits.statistics import StopRow, table_rows, year_stats

AFF = {"province_direct": "省直属", "city_direct": "市直属", "county": "区县属", "private": "民办"}


def _rows() -> list[StopRow]:
    return [
        # Visit 1 (collective): a city-direct high school on two days (one 校次), a county primary.
        StopRow(1, True, 10, "senior", "city_direct", False, False),
        StopRow(1, True, 10, "senior", "city_direct", False, False),
        StopRow(1, True, 11, "primary", "county", True, True),
        # Visit 2 (collective): the same primary again, a private junior, a kindergarten.
        StopRow(2, True, 11, "primary", "county", True, True),
        StopRow(2, True, 12, "junior", "private", False, False),
        StopRow(2, True, 13, "kindergarten", "", False, False),
        # Visit 3 (individual): another school; covered, but no 校次 of a collective visit.
        StopRow(3, False, 14, "primary", "county", True, False),
    ]


def test_school_visits_by_stage_and_affiliation() -> None:
    s = year_stats(year=2026, institution="小店区教研室", stops=_rows(), lessons=120, reports=2,
                   affiliation_labels=AFF, schools_total=10, rural_total=4, weak_total=2)
    assert s.collective_visits == 2 and s.individual_visits == 1
    assert s.school_visits == 5
    assert s.by_stage == [("中学", 2), ("小学", 2), ("幼儿园", 1)]
    assert s.by_affiliation == [("市直属", 1), ("区县属", 2), ("民办", 1), ("未填隶属关系", 1)]
    assert (s.schools_covered, s.kindergartens_covered, s.rural_covered, s.weak_covered) == (4, 1, 2, 1)
    assert s.summary.startswith("2026学年小店区教研室共组织集体视导2次（中学集体视导2校次，小学集体视导2校次）")
    assert "对1所幼儿园进行教学视导" in s.summary and "共听评课120节，形成视导报告2份" in s.summary
    rows = dict(table_rows(s))
    assert rows["覆盖中小学（所）"] == "4/10" and rows["覆盖乡村学校（所）"] == "2/4"
    assert rows["　民办（校次）"] == "1"


def test_empty_year() -> None:
    s = year_stats(year=2026, institution="x", stops=[], lessons=0, reports=0, affiliation_labels=AFF)
    assert s.collective_visits == 0 and s.by_stage == [] and s.schools_covered == 0
    assert "共听评课0节" in s.summary


# ---------------------------------------------------------------- the pages (database)


def _year_of_visits(cast: Any) -> None:
    import datetime as dt

    from core.models import Affiliation, OrgNode
    from tests.visits.reports_fixtures import finished_visit
    from visits.models import Visit, VisitReport

    OrgNode.objects.filter(pk=cast.school_a1.pk).update(affiliation=Affiliation.CITY_DIRECT)
    v = finished_visit(cast)  # two schools, 3 lessons
    VisitReport.objects.create(visit=v, title="报告", issuer="小店区教研室", status="issued", issued_on=dt.date(2026, 10, 20))
    other = finished_visit(cast, lessons=0)
    Visit.objects.filter(pk=other.pk).update(status="cancelled")  # a cancelled visit counts nowhere


def test_stats_page_xlsx_and_docx(cast: Any) -> None:
    import io

    import openpyxl
    from django.urls import reverse
    from docx import Document

    _year_of_visits(cast)
    c = cast.client("county_researcher")
    q = "?node=140105&year=2026"
    page = c.get(reverse("visits:stats") + q).content.decode()
    assert "2026学年小店区教研室共组织集体视导1次（中学集体视导1校次，小学集体视导1校次）" in page
    assert "市直属1校次、未填隶属关系1校次" in page and "共听评课3节，形成视导报告1份" in page
    assert 'id="chart-stage"' in page and 'data-chart="chart-affiliation"' in page
    book = openpyxl.load_workbook(io.BytesIO(c.get(reverse("visits:stats_xlsx") + q).content))
    rows = {r[0]: r[1] for r in book.active.iter_rows(values_only=True) if r and r[0]}
    assert rows["集体视导（校次）"] == 2 and rows["听评课（节）"] == 3 and rows["覆盖乡村学校（所）"] == "1/1"
    doc = Document(io.BytesIO(c.get(reverse("visits:stats_docx") + q).content))
    assert "共听评课3节" in "\n".join(p.text for p in doc.paragraphs)
    assert len(doc.inline_shapes) == 1 and "中学（校次）" in doc.tables[0].rows[4].cells[0].text
    # A school's staff and another county's researcher do not read county A's statistics.
    assert cast.client("principal").get(reverse("visits:stats") + q).status_code == 404
    assert cast.client("outside_researcher").get(reverse("visits:stats") + q).status_code == 404
