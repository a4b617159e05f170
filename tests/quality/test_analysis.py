"""Stored analyses against independent reference computations and the spec's worked examples."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from core.models import Subject
from quality import services
from quality.analysis.indicators import balance, student_scores
from quality.conventions import ExamConventions
from quality.models import Paper, PaperSummary
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload

SPEC_4 = [118, 105, 99, 96, 88, 80, 73, 70, 55, 41]  # analytics.md §4 worked example, W = 120
SPEC_5 = ["11111", "11110", "11101", "11010", "10100", "11000", "01000", "10000", "00010", "00000"]  # §5


def _csv(rows: Sequence[Sequence[object]]) -> bytes:
    return "\n".join(",".join(str(v) for v in r) for r in rows).encode()


def _units(paper: Paper) -> dict[str, dict[str, Any]]:
    from quality.selectors import full_summary

    return {u["key"]: u for u in full_summary(PaperSummary.objects.get(paper=paper))["units"]}


def test_spec_section_4_worked_example_end_to_end(cast: Cast) -> None:
    exam = make_exam(cast.county_a, full_mark="120", blueprint=False)
    rows = [["考号", "班级", "数学"]] + [[f"S{i}", "1班", s] for i, s in enumerate(SPEC_4)]
    apply(upload(exam, _csv(rows), filename="a.csv", school=cast.school_a1))
    top = _units(math_paper(exam))["r:140105"]
    assert top["mean"] == pytest.approx(82.5)
    assert top["sd"] == pytest.approx(22.32, abs=0.005)  # population form
    assert (top["excellent_rate"], top["pass_rate"], top["low_rate"]) == pytest.approx((0.2, 0.7, 0.1))
    lines = PaperSummary.objects.get(paper=math_paper(exam)).data["lines"]
    assert lines == {"excellent": "102", "pass": "72", "low": "48"}
    # Z and T of the top student (§4: Z = 1.59, T = 65.9), and the sample SD after a switch.
    d = student_scores(np.array([118.0]), exam_hist=np.zeros(241, np.int64), step=0.5, exam_mean=top["mean"],
                       exam_sd=top["sd"], rank_method="competition")
    assert round(float(d["z"][0]), 2) == 1.59 and round(float(d["t"][0]), 1) == 65.9
    services.exam_update_conventions(actor=None, exam=exam,
                                     conventions=replace(ExamConventions.of(exam), sd_kind="sample"))
    assert _units(math_paper(exam))["r:140105"]["sd"] == pytest.approx(23.53, abs=0.005)
    # 超均率 against a grade mean of 72.0: +14.6 %.
    from quality.stats import above_mean_rate

    assert float(above_mean_rate(82.5, 72.0)) == pytest.approx(14.58, abs=0.01)


def test_ranks_from_the_merged_histogram_follow_the_tie_rule() -> None:
    scores = np.array([98, 95, 95, 90, 88], dtype=np.float64)
    hist = np.bincount((scores * 2).astype(int), minlength=201)
    comp = student_scores(scores, exam_hist=hist, step=0.5, exam_mean=0, exam_sd=1, rank_method="competition")
    dense = student_scores(scores, exam_hist=hist, step=0.5, exam_mean=0, exam_sd=1, rank_method="dense")
    assert comp["rank"].tolist() == [1, 2, 2, 4, 5]  # §4 [E12]
    assert dense["rank"].tolist() == [1, 2, 2, 3, 4]


def test_spec_section_5_and_6_item_example_end_to_end(cast: Cast) -> None:
    exam = make_exam(cast.county_a, full_mark="5", blueprint=False)
    paper = math_paper(exam)
    services.blueprint_save(actor=None, paper=paper, text="\n".join(f"{i},客观题,1,K{i}," for i in range(1, 6)))
    rows = [["考号", "班级", "1", "2", "3", "4", "5"]] + [[f"S{i}", "1班", *list(s)] for i, s in enumerate(SPEC_5)]
    batch = apply(upload(exam, _csv(rows), filename="a.csv", school=cast.school_a1))
    assert batch.status == "applied", batch.problems
    data = PaperSummary.objects.get(paper=paper).data
    items = data["items"]
    assert [i["difficulty"] for i in items] == pytest.approx([0.7, 0.6, 0.4, 0.4, 0.2])
    assert [round(i["r_corrected"], 3) for i in items] == [0.477, 0.450, 0.569, 0.208, 0.538]
    assert [round(i["r"], 3) for i in items] == [0.689, 0.684, 0.763, 0.500, 0.709]
    rel = data["reliability"]
    assert round(rel["alpha"], 3) == 0.685 and round(rel["kr20"], 3) == 0.685
    assert round(rel["r_halves"], 3) == 0.352
    assert round(rel["spearman_brown"], 3) == 0.521 and round(rel["rulon"], 3) == 0.498
    # The 27 % method, switched on as a setting, gives the §5 values and is tagged.
    services.exam_update_conventions(actor=None, exam=exam, conventions=replace(
        ExamConventions.of(exam), discrimination_method="upper_lower_27"))
    data = PaperSummary.objects.get(paper=paper).data
    assert data["discrimination_method"] == "upper_lower_27"
    assert [round(i["d"], 2) for i in data["items"]] == [0.67, 1.0, 1.0, 0.33, 0.67]


def test_every_unit_matches_a_direct_reference_computation(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    rows_a1 = clean_rows(60, seed=11)
    rows_a2 = clean_rows(25, seed=12, prefix="A2", classes=("1班",))
    rows_a1[5][3] = "缺考"
    for r in rows_a1[5:6]:
        r[4:11] = [""] * 7
    apply(upload(exam, messy_xlsx(rows_a1, school="小店第一中学")))
    apply(upload(exam, messy_xlsx(rows_a2, school="北格镇中心小学")))
    units = _units(math_paper(exam))
    everyone = [(r, "s:1140105001") for r in rows_a1 if r[3] != "缺考"] + [(r, "s:1140105002") for r in rows_a2]

    def ref(sel: list[list[Any]]) -> dict[str, float]:
        x = np.array([sum(v for v in r[3:10]) for r in sel], dtype=np.float64)
        return {"mean": x.mean(), "sd": x.std(), "excellent_rate": (x >= 17).mean(), "pass_rate": (x >= 12).mean(),
                "low_rate": (x < 8).mean(), "sat": x.size}

    checks = {"r:140105": [r for r, _ in everyone],
              "s:1140105001": [r for r, s in everyone if s == "s:1140105001"],
              "s:1140105002": [r for r, s in everyone if s == "s:1140105002"],
              "c:1140105001:8(2)班": [r for r, s in everyone if s == "s:1140105001" and r[2] == "8(2)班"]}
    for key, sel in checks.items():
        want = ref(sel)
        got = units[key]
        for k, v in want.items():
            assert got[k] == pytest.approx(v, abs=1e-6), (key, k)
    assert units["s:1140105001"]["registered"] == 60 and units["s:1140105001"]["absent"] == 1
    overall = units["r:140105"]["mean"]
    assert units["s:1140105002"]["above_mean"] == pytest.approx((units["s:1140105002"]["mean"] - overall)
                                                                / overall * 100)


def test_a_late_upload_re_merges_to_the_from_scratch_result(cast: Cast) -> None:
    exam1 = make_exam(cast.county_a, name="甲")
    exam2 = make_exam(cast.county_a, name="乙")
    a1, a2 = clean_rows(30, seed=1), clean_rows(20, seed=2, prefix="A2")
    apply(upload(exam1, messy_xlsx(a1, school="小店第一中学")))
    apply(upload(exam1, messy_xlsx(a2, school="北格镇中心小学")))  # the late school
    both = messy_xlsx(a1, school="小店第一中学")
    apply(upload(exam2, both))
    apply(upload(exam2, messy_xlsx(a2, school="北格镇中心小学")))
    d1 = PaperSummary.objects.get(paper=math_paper(exam1)).data
    d2 = PaperSummary.objects.get(paper=math_paper(exam2)).data
    assert d1["units"] == d2["units"] and d1["items"] == d2["items"] and d1["hist"] == d2["hist"]
    s1 = PaperSummary.objects.get(paper=math_paper(exam1))
    s2 = PaperSummary.objects.get(paper=math_paper(exam2))
    from quality.selectors import class_rows

    assert class_rows(s1.paper_id) == class_rows(s2.paper_id) and len(class_rows(s1.paper_id, {"s:1140105001"})) == 2


def test_balance_matches_the_spec_worked_example() -> None:
    books = [279 / 45, 137 / 37, 935 / 89, 160 / 76, 402 / 55]
    b = balance(books, [45, 37, 89, 76, 55], stage="primary")
    assert b is not None
    assert round(b["cv"], 3) == 0.515 and round(b["cv_unweighted"], 3) == 0.489  # §7
    assert round(b["gini"], 3) == 0.288 and round(b["theil"], 3) == 0.144
    quality = next(v for v in b["verdicts"] if "优质" in v["label"])
    assert quality["threshold"] == 0.50 and quality["passed"] is False


def test_pages_render_with_charts_and_conventions(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(30), school="小店第一中学")))
    apply(upload(exam, messy_xlsx(clean_rows(30, seed=5, prefix="A2"), school="北格镇中心小学")))
    paper = math_paper(exam)
    c = cast.client("county_researcher")
    from django.urls import reverse

    body = c.get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert 'data-chart="box-chart"' in body and "标准差：总体标准差" in body and "比率分母为实考人数" in body
    body = c.get(reverse("quality:paper_items", args=[paper.pk])).content.decode()
    assert "校正题总相关" in body and "Cronbach" in body and 'data-chart="kp-chart"' in body
    body = c.get(reverse("quality:paper_balance", args=[paper.pk])).content.decode()
    assert "按实考人数加权" in body and "泰尔指数" in body
    r = c.get(reverse("quality:exam_detail", args=[exam.pk]) + "?format=xlsx")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")


def test_exam_create_page_keeps_input_and_reports_errors(cast: Cast) -> None:
    from django.urls import reverse

    c = cast.client("county_admin")
    r = c.post(reverse("quality:exam_create"), {"org": cast.county_a.pk, "name": "期末", "kind": "final",
                                                "term_key": "2026-1", "stage": "junior", "grade": 8,
                                                "held_on": "2027-01-10", "papers": "数学,120\n天文,100"})
    body = r.content.decode()
    assert r.status_code == 200 and "没有学科“天文”" in body and "数学,120" in body
    r = c.post(reverse("quality:exam_create"), {"org": cast.county_a.pk, "name": "期末", "kind": "final",
                                                "term_key": "2026-1", "stage": "junior", "grade": 8,
                                                "held_on": "2027-01-10", "papers": "数学,120\n语文，120"})
    assert r.status_code == 302
    assert Subject.objects.filter(code="chinese").exists()
