"""Visit reports over HTTP: drafted from the records, edited (typed values kept), issued once as
a real Word file, and read by the school only when the kind publishes results to it."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from docx import Document

from tests.visits.reports_fixtures import finished_visit
from visits.models import KindRule, ReportStatus, VisitReport, VisitStatus


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            parts.append("|".join(c.text for c in row.cells))
    return "\n".join(parts)


def _draft(cast: Any, visit: Any) -> VisitReport:
    r = cast.client("institute_head").post(reverse("visits:report_new", args=[visit.pk]))
    assert r.status_code == 302
    return VisitReport.objects.get(visit=visit, school=None)


def test_draft_is_written_from_the_records(cast: Any) -> None:
    visit = finished_visit(cast)
    report = _draft(cast, visit)
    assert report.status == ReportStatus.DRAFT and report.issuer == "小店区教研室"
    assert report.number == "小店教研〔2026〕12号"
    assert "共听课3节" in report.sections["seen"] and "教学目标8.3分（满分10）" in report.sections["seen"]
    assert "集体备课扎实有效" in report.sections["strengths"]
    assert "作业批改不及时" in report.sections["problems"]
    page = cast.client("institute_head").get(reverse("visits:report_edit", args=[report.pk])).content.decode()
    assert "已关联听课 3 节" in page and "建立作业批改周检制度" in page and "许晨" in page
    # Drafting again returns the same draft (one report per visit).
    assert _draft(cast, visit).pk == report.pk
    # Scores follow observe's policy: a county Chinese researcher's preview averages the Chinese
    # lesson only, while every lesson counts in the number observed.
    from visits.report_data import report_figures

    mine = report_figures(cast.users["county_researcher"], visit)
    assert len(mine.lessons) == 3 and [(d.title, d.mean, d.count) for d in mine.dimensions][0] == ("教学目标", 8.0, 1)


def test_edit_keeps_typed_values_and_names_the_field(cast: Any) -> None:
    report = _draft(cast, finished_visit(cast))
    c = cast.client("institute_head")
    url = reverse("visits:report_edit", args=[report.pk])
    bad = c.post(url, {"title": "", "number": "X号", "issued_on": "2026-13-40", "overview": "我写的概况",
                       "seen": "", "strengths": "亮点甲", "problems": "", "suggestions": ""})
    page = bad.content.decode()
    assert bad.status_code == 200 and "标题：必填" in page and "印发日期：格式不正确" in page
    assert "我写的概况" in page and "亮点甲" in page and "X号" in page
    early = c.post(url, {"title": "报告", "issued_on": "2026-01-05", "overview": "概况二"}).content.decode()
    assert "印发日期：不能早于视导开始日期2026-10-12" in early and "概况二" in early
    ok = c.post(url, {"title": "关于小店区秋季视导的反馈报告", "number": "小店教研〔2026〕15号", "issued_on": "2026-10-20",
                      "overview": "改过的概况", "seen": "所见", "strengths": "亮点甲", "problems": "问题乙",
                      "suggestions": "建议丙"})
    assert ok.status_code == 302
    report.refresh_from_db()
    assert report.title == "关于小店区秋季视导的反馈报告" and report.sections["overview"] == "改过的概况"
    # Only the organiser's side edits: a school principal does not even find the draft.
    assert cast.client("principal").get(url).status_code == 404


def test_issue_stores_a_real_docx_with_the_figures_and_never_regenerates(cast: Any) -> None:
    visit = finished_visit(cast)
    report = _draft(cast, visit)
    c = cast.client("institute_head")
    draft = c.get(reverse("visits:report_docx", args=[report.pk]))
    assert draft.status_code == 200 and "表1 听课情况" in _text(draft.content)
    r = c.post(reverse("visits:report_issue", args=[report.pk]))
    assert r.status_code == 302
    report.refresh_from_db()
    visit.refresh_from_db()
    assert report.status == ReportStatus.ISSUED and report.file and report.issued_on is not None
    assert visit.status == VisitStatus.REPORTED
    content = c.get(reverse("visits:report_docx", args=[report.pk])).content
    text = _text(content)
    assert "小店区教研室" in text and "小店教研〔2026〕12号" in text and report.title in text
    assert "初中|七年级|语文|1" in text and "小学|三年级|数学|1" in text  # lessons by stage, grade, subject
    assert "教学目标|8.3|10|3" in text  # dimension means
    assert "教案|1|0|1" in text and "作业批改|0|1|1" in text  # check levels present: 良好, 需改进
    assert "北格镇中心小学|作业批改不及时，缺少二次批改|建立作业批改周检制度|许晨|2026年12月1日" in text
    assert len(Document(io.BytesIO(content)).inline_shapes) == 1  # the dimension-score chart
    # Issued: no more edits, the kept file is served as is even after the records change.
    assert c.post(reverse("visits:report_issue", args=[report.pk])).status_code == 400
    assert c.get(reverse("visits:report_edit", args=[report.pk])).status_code == 302
    visit.findings.all().update(measure="改了")
    assert c.get(reverse("visits:report_docx", args=[report.pk])).content == content


def test_school_sees_its_issued_report_only_when_the_kind_publishes(cast: Any) -> None:
    visit = finished_visit(cast)
    report = _draft(cast, visit)
    detail = reverse("visits:report_detail", args=[report.pk])
    principal = cast.client("principal")
    assert principal.get(detail).status_code == 404  # a draft stays with the organiser
    cast.client("institute_head").post(reverse("visits:report_issue", args=[report.pk]))
    page = principal.get(detail)
    assert page.status_code == 200 and report.title in page.content.decode()
    assert principal.get(reverse("visits:report_docx", args=[report.pk])).status_code == 200
    assert report.title in principal.get(reverse("visits:reports")).content.decode()
    assert cast.client("outside_principal").get(detail).status_code == 404
    # A county rule withholds diagnostic visits' results from schools.
    KindRule.objects.create(region=cast.county_a, kind=visit.kind, publish_to_school=False)
    assert principal.get(detail).status_code == 404


def test_school_check_notice(cast: Any) -> None:
    visit = finished_visit(cast, category="school_check", lessons=1)
    r = cast.client("principal").post(reverse("visits:report_new", args=[visit.pk]))
    assert r.status_code == 302
    report = VisitReport.objects.get(visit=visit)
    assert report.title.endswith("常规检查通报") and report.issuer == "小店第一中学"


def test_lazily_issued_report_renders_once_on_first_download(cast: Any) -> None:
    import datetime as dt

    visit = finished_visit(cast)
    report = VisitReport.objects.create(visit=visit, title="补发的报告", issuer="小店区教研室", status="issued",
                                        issued_on=dt.date(2026, 10, 30), sections={"overview": "概况"})
    c = cast.client("institute_head")
    first = c.get(reverse("visits:report_docx", args=[report.pk])).content
    report.refresh_from_db()
    assert report.file and "补发的报告" in _text(first)
    assert c.get(reverse("visits:report_docx", args=[report.pk])).content == first


def test_api_lists_and_details_reports(cast: Any) -> None:
    visit = finished_visit(cast)
    report = _draft(cast, visit)
    c = cast.client("institute_head")
    data = c.get("/api/v1/visits/reports").json()
    assert [x["id"] for x in data["items"]] == [report.pk]
    detail = c.get(f"/api/v1/visits/reports/{report.pk}").json()
    assert "共听课3节" in detail["sections"]["seen"]
    assert c.get(detail["docx_url"]).status_code == 200
    assert cast.client("principal").get(f"/api/v1/visits/reports/{report.pk}").status_code == 404


def test_visit_page_section_shows_links_only_to_those_allowed(cast: Any) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    visit = finished_visit(cast)

    def render(role: str) -> str:
        request = RequestFactory().get("/")
        request.user = cast.users[role]
        return Template("{% load visits_reports %}{% reports_section visit %}").render(
            Context({"request": request, "visit": visit}))

    organiser = render("institute_head")
    assert "按记录起草报告" in organiser
    assert render("principal").strip() == ""  # nothing to show a school before a report is issued
    report = _draft(cast, visit)
    organiser = render("institute_head")
    assert "编辑" in organiser and "按记录起草报告" not in organiser
    assert "编辑" not in render("bureau_viewer") and report.title in render("bureau_viewer")
    cast.client("institute_head").post(reverse("visits:report_issue", args=[report.pk]))
    school = render("principal")
    assert report.title in school and "下载 Word" in school and "编辑" not in school


def test_report_for_one_school_uses_that_schools_records(cast: Any) -> None:
    visit = finished_visit(cast)
    c = cast.client("institute_head")
    assert c.post(reverse("visits:report_new", args=[visit.pk]), {"school": cast.school_a2.code}).status_code == 302
    report = VisitReport.objects.get(visit=visit, school=cast.school_a2)
    assert report.title == "小店区教研室对北格镇中心小学2026年秋季教学视导的反馈报告"
    assert "共听课1节" in report.sections["seen"] and "作业批改不及时" in report.sections["problems"]
    assert "集体备课" not in report.sections["strengths"]  # school A1's strength stays in A1's report
    # A school the visit did not visit is refused.
    assert c.post(reverse("visits:report_new", args=[visit.pk]), {"school": cast.school_b1.code}).status_code == 404
    # The principal of A2 reads it once issued; A1's principal does not (it is not their school's).
    c.post(reverse("visits:report_issue", args=[report.pk]))
    assert cast.client("principal").get(reverse("visits:report_detail", args=[report.pk])).status_code == 404


def test_report_list_queries_do_not_grow_with_reports(cast: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(6):
        visit = finished_visit(cast, lessons=0)
        VisitReport.objects.create(visit=visit, title="报告", issuer="小店区教研室")
    c = cast.client("institute_head")
    with django_assert_max_num_queries(20):
        page = c.get(reverse("visits:reports"))
    assert page.content.decode().count('href="/visits/reports/') >= 6
