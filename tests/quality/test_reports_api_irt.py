"""Word reports, Excel exports, the JSON API and the IRT background job."""

from __future__ import annotations

import io

import numpy as np
from django.urls import reverse
from docx import Document
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from quality import services
from quality.models import Exam, IrtRun, JobStatus
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload


def _exam(cast: Cast) -> Exam:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(20, seed=4, prefix="A2"), school="北格镇中心小学")))
    return exam


def _text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_exam_and_school_word_reports(cast: Cast) -> None:
    exam = _exam(cast)
    r = cast.client("county_researcher").get(reverse("quality:exam_report", args=[exam.pk]))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    text = _text(r.content)
    assert "分析口径" in text and "标准差：总体标准差" in text and "差异系数" in text
    assert "小店第一中学" in text and "北格镇中心小学" in text
    doc = Document(io.BytesIO(r.content))
    assert len(doc.inline_shapes) >= 2  # the matplotlib charts
    r = cast.client("principal").get(reverse("quality:school_report", args=[exam.pk, cast.school_a1.code]))
    text = _text(r.content)
    assert "小店第一中学" in text and "北格镇中心小学" not in text and "8(1)班" in text


def test_excel_exports_of_tables(cast: Cast) -> None:
    exam = _exam(cast)
    paper = math_paper(exam)
    c = cast.client("county_researcher")
    for url in (reverse("quality:paper_items", args=[paper.pk]), reverse("quality:paper_balance", args=[paper.pk]),
                reverse("quality:warning_list"), reverse("quality:exam_detail", args=[exam.pk])):
        r = c.get(url + ("&" if "?" in url else "?") + "format=xlsx")
        assert r.status_code == 200 and r.content[:2] == b"PK", url


def test_api_lists_only_visible_exams_and_rows(cast: Cast) -> None:
    exam = _exam(cast)
    exams, analysis = reverse("api-v1:quality_exam_list"), reverse("api-v1:quality_paper_analysis",
                                                                    args=[math_paper(exam).pk])
    inside = cast.client("teacher_a2")
    r = inside.get(exams)
    assert r.status_code == 200 and [e["id"] for e in r.json()["items"]] == [exam.pk]
    r = inside.get(analysis)
    names = {u["name"] for u in r.json()["units"]}
    assert "北格镇中心小学" in names and "小店第一中学" not in names
    assert r.json()["conventions"][0].startswith("标准差")
    outside = cast.client("outside_researcher")
    assert outside.get(exams).json()["items"] == []
    assert outside.get(reverse("api-v1:quality_exam_detail", args=[exam.pk])).status_code == 404
    assert cast.client("anonymous").get(exams).status_code == 401
    # The `under` filter names a region by its code: the county's exam is under the city.
    researcher = cast.client("county_researcher")
    assert [e["id"] for e in researcher.get(exams, {"under": cast.county_a.code}).json()["items"]] == [exam.pk]
    assert researcher.get(exams, {"under": "000000"}).json()["items"] == []


def test_irt_job_recovers_known_parameters(cast: Cast, settings: Settings,
                                           django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exam = make_exam(cast.county_a, full_mark="12", blueprint=False)
    paper = math_paper(exam)
    services.blueprint_save(actor=None, paper=paper, text="\n".join(f"{j},客观题,1,K," for j in range(1, 13)))
    rng = np.random.default_rng(7)
    a = np.linspace(0.8, 2.0, 12)
    b = np.linspace(-1.5, 1.5, 12)
    theta = rng.standard_normal(4000)
    x = (rng.random((4000, 12)) < 1 / (1 + np.exp(-a * (theta[:, None] - b)))).astype(int)
    lines = ["考号,班级," + ",".join(str(j) for j in range(1, 13))]
    lines += [f"S{i},{i % 8}班," + ",".join(str(v) for v in row) for i, row in enumerate(x)]
    apply(upload(exam, "\n".join(lines).encode(), filename="irt.csv", school=cast.school_a1))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.irt_request(actor=None, paper=paper, model="2PL")
    run = IrtRun.objects.get(pk=run.pk)
    assert run.status == JobStatus.DONE, run.error
    assert run.result["converged"]
    assert np.corrcoef(run.result["a"], a)[0, 1] > 0.95
    assert np.max(np.abs(np.array(run.result["b"]) - b)) < 0.25
    page = cast.client("county_researcher").get(reverse("quality:paper_irt", args=[paper.pk])).content.decode()
    assert "已完成" in page and "已收敛" in page


def test_irt_job_records_why_a_model_does_not_apply(cast: Cast, settings: Settings,
                                                    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
                                                    ) -> None:
    """A refusal of the model (totals only, no item scores) is recorded on the run for the page."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exam = make_exam(cast.county_a)
    paper = math_paper(exam)
    lines = ["考号,班级,总分"] + [f"S{i},8(1)班,{i % 20}" for i in range(30)]
    apply(upload(exam, "\n".join(lines).encode(), filename="totals.csv", school=cast.school_a1))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.irt_request(actor=None, paper=paper, model="2PL")
    run = IrtRun.objects.get(pk=run.pk)
    assert run.status == JobStatus.FAILED and run.error == "该试卷没有小题分，无法进行 IRT 分析"
    assert run.finished_at is not None
