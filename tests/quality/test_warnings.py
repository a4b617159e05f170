"""Early warnings: rules raise warnings with evidence, actions answer them, norms count them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.urls import reverse

from core.compliance import METRICS, MetricContext
from core.models import Subject
from quality import services
from quality.models import ClassTeacher, EarlyWarning, Exam, RuleKind, WarningAction, WarningStatus
from quality.warnings import evaluate
from tests.conftest import Cast
from tests.quality.factories import apply, make_exam, messy_xlsx, upload


def _rows(n: int, *, weak_class: str, strong: int, weak: int, prefix: str) -> list[list[object]]:
    """Two classes; `weak_class` scores `weak` on item 7, the other `strong`."""
    out: list[list[object]] = []
    for i in range(n):
        cls = "8(1)班" if i % 2 else "8(2)班"
        s7 = weak if cls == weak_class else strong
        out.append([f"{prefix}{i:03d}", f"生{i}", cls, 1, 1, 0, 0, 1, 3, s7, 6 + s7])
    return out


def _three_exams(cast: Cast) -> list[Exam]:
    exams: list[Exam] = []
    for k, (term, day) in enumerate([("2025-2", dt.date(2026, 4, 20)), ("2025-2", dt.date(2026, 6, 30)),
                                     ("2026-1", dt.date(2026, 11, 10))]):
        exam = make_exam(cast.county_a, name=f"第{k + 1}次", term_key=term, held_on=day)
        apply(upload(exam, messy_xlsx(_rows(20, weak_class="8(1)班", strong=9 - k, weak=4 - k, prefix="S"),
                                      school="小店第一中学")))
        apply(upload(exam, messy_xlsx(_rows(20, weak_class="8(1)班", strong=1, weak=1, prefix="T"),
                                      school="北格镇中心小学")))
        exams.append(exam)
    math = Subject.objects.get(code="math")
    for term in ("2025-2", "2026-1"):
        ClassTeacher.objects.create(school=cast.school_a1, term_key=term, grade=8, class_label="8(1)班",
                                    subject=math, teacher=cast.people["teacher"])
        ClassTeacher.objects.create(school=cast.school_a1, term_key=term, grade=8, class_label="8(2)班",
                                    subject=math, teacher=cast.people["group_leader"])
    return exams


def test_rules_raise_warnings_with_evidence(cast: Cast) -> None:
    exams = _three_exams(cast)
    for kind, params in ((RuleKind.BELOW_REGION, {"k": 0.5, "level": "school"}),
                         (RuleKind.LOW_RATE, {"line": 0.3, "level": "school"}),
                         (RuleKind.DROP, {"drop": 3, "level": "school"}),
                         (RuleKind.TEACHER_BELOW_PEERS, {"n": 3}),
                         (RuleKind.HEAD_TENURE, {})):
        services.warning_rule_save(actor=None, org=cast.county_a, kind=kind, params=params)
    found = evaluate(exams[-1])
    titles = [f["title"] for f in found]
    below = next(f for f in found if "低于区域" in f["title"])
    assert "北格镇中心小学" in below["title"] and below["evidence"]["阈值k"] == 0.5
    assert any("低分率" in t and "北格镇中心小学" in t for t in titles)
    teacher = next(f for f in found if f["norm_code"] == "TEACHER.BELOW_PEERS")
    assert teacher["person_id"] == cast.people["teacher"].pk and teacher["evidence"]["连续次数"] == 3
    assert len(teacher["evidence"]["明细"]) == 3
    assert not any(f.get("person_id") == cast.people["group_leader"].pk for f in found)
    # A1's lead over the county shrinks exam after exam: its principal is flagged (QM.HEAD_TENURE),
    # and the drop rule fires against the previous exam.
    head = next(f for f in found if f["norm_code"] == "QM.HEAD_TENURE")
    assert head["person_id"] == cast.people["principal"].pk
    assert any("下降" in t and "小店第一中学" in t for t in titles)
    created = services.warnings_raise(actor=None, exam=exams[-1], found=found)
    assert created == len(found)
    assert services.warnings_raise(actor=None, exam=exams[-1], found=evaluate(exams[-1])) == 0  # idempotent


def test_acting_on_a_warning_and_the_norm_metrics(cast: Cast) -> None:
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    # The warning is about maths teaching: the city's maths researcher answers it.
    c = cast.client("city_researcher")
    r = c.post(reverse("quality:exam_warnings_evaluate", args=[exams[-1].pk]))
    assert r.status_code == 302
    body = c.get(reverse("quality:exam_detail", args=[exams[-1].pk])).content.decode()
    assert 'data-chart="trend-chart"' in body
    w = EarlyWarning.objects.get(norm_code="TEACHER.BELOW_PEERS")
    page = c.get(reverse("quality:warning_detail", args=[w.pk])).content.decode()
    assert "证据明细" in page and "平行班均分" in page
    bad = c.post(reverse("quality:warning_detail", args=[w.pk]), {"kind": "follow_up", "note": "听课指导",
                                                                  "due": "2020-01-01",
                                                                  "owner": cast.people["principal"].pk})
    assert "完成期限不能早于今天" in bad.content.decode() and "听课指导" in bad.content.decode()
    ok = c.post(reverse("quality:warning_detail", args=[w.pk]), {"kind": "follow_up", "note": "听课指导",
                                                                 "due": (dt.date.today() + dt.timedelta(days=14))
                                                                 .isoformat(), "owner": cast.people["principal"].pk})
    assert ok.status_code == 302
    w.refresh_from_db()
    assert w.status == WarningStatus.ACTING and WarningAction.objects.get().owner == cast.people["principal"]
    ctx = MetricContext(cast.users["city_researcher"], cast.county_a, cast.term, 3)
    rows = METRICS["TEACHER.BELOW_PEERS"](ctx)
    flags = {r.label: r.meets for r in rows}
    assert flags == {"何静": False, "冯志刚": True}  # every teacher with a class, one flagged
    county = METRICS["QM.COUNTY_COMPULSORY"](ctx)
    assert county[0].meets  # the 2026-1 exam has scores
    plan = METRICS["QM.PLAN"](ctx)
    assert any(r.label == "小店测试区" and r.meets for r in plan)  # the county's own rule and exams
    assert METRICS["QM.VALUE_ADDED"](ctx)[0].meets is False  # linked students, no progress rule yet
    balance_rows = METRICS["QM.BALANCE"](ctx)
    assert balance_rows and balance_rows[0].detail.startswith("校际差异系数")
    # The teacher does not see the warning of the school's management, only their own one.
    own = cast.client("teacher").get(reverse("quality:warning_detail", args=[w.pk]))
    assert own.status_code == 200 and own.context["can_act"] is False


def test_value_added_page_explains_model_inputs_and_uncertainty(cast: Cast) -> None:
    exams = _three_exams(cast)
    paper = exams[-1].papers.get()
    prior = exams[-2].papers.get()
    c = cast.client("county_researcher")
    r = c.get(reverse("quality:paper_value_added", args=[paper.pk]) + f"?prior={prior.pk}&unit=class")
    body = r.content.decode()
    res = r.context["res"]
    assert res["main"]["model"] == "random_intercept" and res["cross"]["model"] == "ols_residual"
    assert "多层随机截距模型" in body and "置信区间" in body and "相关而非因果" in body
    assert res["main"]["n_students"] == 40 and all(row["lower"] <= row["effect"] <= row["upper"]
                                                   for row in res["rows"] if row["reported"])
    assert "天花板效应" in body  # the legacy view carries its warning
    # Teachers' value added of maths: the maths researcher (see the test of subject narrowing).
    r = cast.client("city_researcher").get(reverse("quality:paper_value_added", args=[paper.pk])
                                           + f"?prior={prior.pk}&unit=teacher")
    assert {row["name"] for row in r.context["res"]["rows"]} == {"何静", "冯志刚"}
    assert r.context["res"]["main"]["n_students"] == 20  # only A1's classes have recorded teachers


def test_a_subject_researcher_sees_only_their_subjects_teachers(cast: Cast) -> None:
    """Issue 8 #11: the county's Chinese researcher sees the schools' and classes' maths results,
    but not the maths teachers' names and value added, nor the warnings about them."""
    exams = _three_exams(cast)
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    services.warnings_raise(actor=None, exam=exams[-1], found=evaluate(exams[-1]))
    w = EarlyWarning.objects.get(norm_code="TEACHER.BELOW_PEERS")
    paper, prior = exams[-1].papers.get(), exams[-2].papers.get()
    url = reverse("quality:paper_value_added", args=[paper.pk]) + f"?prior={prior.pk}&unit=teacher"
    chinese, maths = cast.client("county_researcher"), cast.client("city_researcher")
    assert {row["name"] for row in maths.get(url).context["res"]["rows"]} == {"何静", "冯志刚"}
    r = chinese.get(url)
    body = r.content.decode()
    assert r.context["res"]["rows"] == [] and "何静" not in body and "冯志刚" not in body
    def cells(content: bytes) -> set[object]:
        return {c for row in openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True) for c in row}

    assert "何静" not in cells(chinese.get(url + "&format=xlsx").content)
    assert "何静" in cells(maths.get(url + "&format=xlsx").content)
    # Warnings: the page, the detail, the export and the API.
    assert chinese.get(reverse("quality:warning_detail", args=[w.pk])).status_code == 404
    for page in (chinese.get(reverse("quality:warning_list")), chinese.get(reverse("api-v1:quality_warning_list"))):
        assert page.status_code == 200 and "何静" not in page.content.decode()
    assert maths.get(reverse("quality:warning_detail", args=[w.pk])).status_code == 200
    assert "何静" in maths.get(reverse("api-v1:quality_warning_list")).content.decode()
    # The school-level results stay visible to both (subject narrowing is about people).
    school = reverse("quality:paper_value_added", args=[paper.pk]) + f"?prior={prior.pk}&unit=school"
    assert {row["name"] for row in chinese.get(school).context["res"]["rows"]} == {"小店第一中学", "北格镇中心小学"}
