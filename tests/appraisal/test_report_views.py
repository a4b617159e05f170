"""The yearly report's pages and API as a user meets them: the list with the generate form, the
edit form keeping what was typed when refused, the issued report read-only, the API's refusals."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import YearlyReport
from appraisal.services import reports as services
from growth.services import regional

TODAY = dt.date(2026, 12, 20)


@pytest.fixture
def draft(cast: Any) -> Any:
    regional.competition_create(actor=None, region=cast.county_a, name="小学语文优质课比赛", kind="quality_lesson",
                                level="county", held_on=dt.date(2026, 11, 5), entrants=37)
    return services.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=2026, today=TODAY)


def test_the_list_offers_generation_only_to_the_institution(cast: Any, draft: Any) -> None:
    body = cast.client("county_admin").get(reverse("appraisal:reports")).content.decode()
    assert 'data-testid="generate-form"' in body and draft.title in body
    body = cast.client("bureau_viewer").get(reverse("appraisal:reports")).content.decode()
    assert 'data-testid="generate-form"' not in body and draft.title not in body and "暂无年度报告" in body


def test_the_list_reads_in_a_fixed_number_of_queries(cast: Any, draft: Any) -> None:
    client = cast.client("sysadmin")
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("appraisal:reports"))
    for year in (2023, 2024, 2025):
        services.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=year, today=TODAY)
    with CaptureQueriesContext(connection) as four:
        client.get(reverse("appraisal:reports"))
    assert len(four) == len(one)


def test_a_refused_edit_keeps_what_was_typed(cast: Any, draft: Any) -> None:
    url = reverse("appraisal:report_edit", args=[draft.pk])
    data = {"title": "标" * 200, "overview": "新的总体情况", "plans": "明年的打算"}
    response = cast.client("county_researcher").post(url, data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "标题：不能超过160字" in body and "新的总体情况" in body and "明年的打算" in body
    draft.refresh_from_db()
    assert draft.sections["plans"] == ""
    response = cast.client("county_researcher").post(url, {**data, "title": "小店区年度报告"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "小店区年度报告" and draft.sections["plans"] == "明年的打算"


def test_the_issue_button_is_for_managers(cast: Any, draft: Any) -> None:
    url = reverse("appraisal:report_edit", args=[draft.pk])
    assert 'data-testid="issue"' in cast.client("county_admin").get(url).content.decode()
    body = cast.client("county_researcher").get(url).content.decode()
    assert 'data-testid="issue"' not in body and "发布由本机构负责人或管理员进行" in body


def test_an_issued_report_opens_read_only_with_its_downloads(cast: Any, draft: Any) -> None:
    services.report_issue(actor=cast.users["county_admin"], report=draft)
    client = cast.client("bureau_viewer")
    body = client.get(reverse("appraisal:report_detail", args=[draft.pk])).content.decode()
    assert "已发布" in body and "参赛教师37人" in body and "编辑草稿" not in body
    response = client.get(reverse("appraisal:report_xlsx", args=[draft.pk]))
    book = load_workbook(io.BytesIO(response.content))
    rows = {r[0]: r[1] for r in book["主要数据"].iter_rows(min_row=3, values_only=True)}
    assert rows["参赛教师（人）"] == 37
    edit = cast.client("county_admin").get(reverse("appraisal:report_edit", args=[draft.pk]))
    assert edit.status_code == 302


def _api(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    return client.generic(method, url, json.dumps(data) if data is not None else "", content_type="application/json")


def test_the_api_generates_edits_and_issues(cast: Any) -> None:
    client = cast.client("county_admin")
    response = _api(client, "POST", reverse("api-v1:appraisal_report_generate"),
                    {"region": cast.county_a.code, "year": 2026})
    assert response.status_code == 201
    report = response.json()
    assert report["status"] == "draft" and [s["key"] for s in report["sections"]][0] == "overview"
    url = reverse("api-v1:appraisal_report_save", args=[report["id"]])
    refused = _api(client, "PUT", url, {"title": "报告", "sections": {"summary": "x"}})
    assert refused.status_code == 422 and "没有这一部分" in refused.content.decode()
    saved = _api(client, "PUT", url, {"title": "小店区年度报告", "sections": {"plans": "明年的打算"}})
    assert saved.status_code == 200
    texts = {s["key"]: s["text"] for s in saved.json()["sections"]}
    assert texts["plans"] == "明年的打算" and texts["overview"]  # the other sections are kept
    issue = reverse("api-v1:appraisal_report_issue", args=[report["id"]])
    assert _api(client, "POST", issue).json()["status"] == "issued"
    again = _api(client, "POST", issue)
    assert again.status_code in (400, 409, 422) and "已发布" in again.content.decode()
    assert YearlyReport.objects.get(pk=report["id"]).issued_by == cast.users["county_admin"]
