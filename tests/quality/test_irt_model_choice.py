"""IRT on the page (issue 10): the model that fits the paper's items, explained in Chinese,
errors in plain Chinese, the fit in the task worker."""

from __future__ import annotations

import re

import numpy as np
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from quality import services
from quality.models import IrtRun, JobStatus, Paper
from tests.conftest import Cast
from tests.quality.factories import apply, make_exam, math_paper, upload

RAW = re.compile(r"ValueError|LinAlgError|Traceback|Error:|responses must|categories")


def _graded(n: int = 600, *, polytomous: bool = True) -> bytes:
    """Items 1–5 right/wrong, 6 (0–5) and 7 (0–10) with partial credit, from one latent trait."""
    rng = np.random.default_rng(11)
    th = rng.standard_normal(n)
    cols = [(rng.random(n) < 1 / (1 + np.exp(-1.3 * (th - b)))).astype(int) for b in np.linspace(-1, 1, 5)]
    for top in (5, 10):
        thr = np.linspace(-1.5, 1.5, top)
        ps = 1 / (1 + np.exp(-1.2 * (th[:, None] - thr[None])))
        col = (rng.random((n, 1)) < ps).sum(1)
        cols.append(col if polytomous else (col >= top // 2) * top)
    x = np.stack(cols, 1)
    lines = ["考号,班级,1,2,3,4,5,6,7"] + [f"S{i},{i % 6 + 1}班," + ",".join(map(str, row)) for i, row in enumerate(x)]
    return "\n".join(lines).encode()


def _run(cast: Cast, paper: Paper, data: dict[str, str],
         capture: DjangoCaptureOnCommitCallbacks) -> IrtRun:
    c = cast.client("county_researcher")
    with capture(execute=True):
        r = c.post(reverse("quality:paper_irt", args=[paper.pk]), data)
    assert r.status_code == 302
    return IrtRun.objects.filter(paper=paper).order_by("-id")[0]


def test_mixed_paper_gets_the_grm_explained_and_fitted_in_the_worker(
        cast: Cast, settings: Settings, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exam = make_exam(cast.county_a)
    paper = math_paper(exam)
    content = _graded()
    apply(upload(exam, content, filename="irt.csv", school=cast.school_a1))
    url = reverse("quality:paper_irt", args=[paper.pk])
    page = cast.client("county_researcher").get(url).content.decode()
    assert "推荐模型" in page and "等级反应模型（GRM）" in page
    assert "5 道只判对错的题和 2 道可得部分分的题" in page
    run = _run(cast, paper, {}, django_capture_on_commit_callbacks)  # no choice: the recommended model
    assert run.model == "GRM" and run.status == JobStatus.DONE, run.error
    res = run.result
    assert res["converged"] and len(res["rows"]) == 7
    assert res["rows"][0]["scoring"] == "两级（0 或 1 分）"
    assert res["rows"][6]["scoring"].startswith("11 级")  # 0..10, every score observed
    assert len(res["rows"][6]["thresholds"]) == 10
    page = cast.client("county_researcher").get(url).content.decode()
    assert "已收敛" in page and "≥1 分" in page and "只判对错的题在 GRM 中就是 2PL" in page
    assert not RAW.search(page)


def test_right_wrong_paper_gets_the_2pl_and_unused_scores_are_not_categories(
        cast: Cast, settings: Settings, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exam = make_exam(cast.county_a)
    paper = math_paper(exam)
    content = _graded(polytomous=False)
    apply(upload(exam, content, filename="irt.csv", school=cast.school_a1))
    page = cast.client("county_researcher").get(reverse("quality:paper_irt", args=[paper.pk])).content.decode()
    assert "双参数逻辑斯蒂模型（2PL）（推荐）" in page
    run = _run(cast, paper, {"model": "GRM"}, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE, run.error
    # Item 7 is scored 0 or 10: two categories, not eleven (nor 21 in half points).
    assert run.result["rows"][6]["scoring"] == "两级（0 或 10 分）"
    run = _run(cast, paper, {"model": "2PL"}, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.DONE and len(run.result["rows"]) == 7


def test_refusals_are_plain_chinese(
        cast: Cast, settings: Settings, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    exam = make_exam(cast.county_a)
    paper = math_paper(exam)
    services.blueprint_save(actor=None, paper=paper, text="6, 主观题, 5, 数与代数, 应用\n7, 主观题, 10, 图形与几何, 综合\n"
                                                         "8, 主观题, 5, 数与代数, 应用")
    rng = np.random.default_rng(3)
    lines = ["考号,班级,6,7,8"] + [f"S{i},1班,{rng.integers(0, 6)},{rng.integers(0, 11)},{rng.integers(0, 6)}"
                                    for i in range(80)]
    apply(upload(exam, "\n".join(lines).encode(), filename="poly.csv", school=cast.school_a1))
    run = _run(cast, paper, {"model": "2PL"}, django_capture_on_commit_callbacks)
    assert run.status == JobStatus.FAILED
    assert run.error == "本卷没有只判对错（只有两种得分）的题目，2PL 不适用，请选择等级反应模型（GRM）"
    page = cast.client("county_researcher").get(reverse("quality:paper_irt", args=[paper.pk])).content.decode()
    assert run.error in page and not RAW.search(page)
    # A run stored before plain messages (an exception's English text) is shown in Chinese.
    IrtRun.objects.filter(pk=run.pk).update(error="responses must be (N, J)")
    page = cast.client("county_researcher").get(reverse("quality:paper_irt", args=[paper.pk])).content.decode()
    assert "计算没有成功" in page and not RAW.search(page)
