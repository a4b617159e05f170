"""Correcting one student's scores online (issue 10): the service validates, writes the school's
score block, audits old and new values, re-merges the school's and the county's figures as an
import does; the page is open to those who may import for the school and keeps what was typed."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest
from django.urls import reverse

from core.models import AuditEvent, NormUnit
from quality import services
from quality.models import ClassSummary, Exam, Item, Paper, PaperSummary, Student
from quality.pseudonyms import student_keys
from quality.selectors import school_block
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, math_paper, messy_xlsx, upload

A1, A2 = "s:1140105001", "s:1140105002"
COUNTY = "r:140105"


def _world(cast: Cast) -> dict[str, Any]:
    """A county-A exam: 24 students at 小店第一中学 (A1), 12 at 北格镇中心小学 (A2); every row sat."""
    exam = make_exam(cast.county_a)
    rows_a1 = clean_rows(24, seed=3)
    rows_a2 = clean_rows(12, seed=4, prefix="A2")
    apply(upload(exam, messy_xlsx(rows_a1, school="小店第一中学")))
    apply(upload(exam, messy_xlsx(rows_a2, school="北格镇中心小学")))
    paper = math_paper(exam)
    return {"exam": exam, "paper": paper, "rows_a1": rows_a1, "rows_a2": rows_a2,
            "items": list(paper.items.order_by("number"))}


def _student(cast: Cast, raw_id: str, school: Any = None) -> Student:
    return Student.objects.get(school=school or cast.school_a1, key=student_keys([raw_id])[0])


def _units(paper: Paper) -> dict[str, dict[str, Any]]:
    data = PaperSummary.objects.get(paper=paper).data
    units = {u["key"]: u for u in data["units"]}
    for rows in ClassSummary.objects.filter(paper=paper).values_list("rows", flat=True):
        units.update({u["key"]: u for u in rows})
    return units


def _total(row: list[Any]) -> float:
    return float(sum(row[3:10]))


def _item7_new(row: list[Any]) -> int:
    """A valid new score for item 7 (full mark 10) that differs from the student's."""
    return 10 if row[9] != 10 else 0


# ---------------------------------------------------------------- the service


def test_correction_rewrites_the_cell_and_re_merges_school_and_county(cast: Cast) -> None:
    w = _world(cast)
    paper, rows_a1, rows_a2, items = w["paper"], w["rows_a1"], w["rows_a2"], w["items"]
    row = rows_a1[0]
    student = _student(cast, row[0])
    new7 = _item7_new(row)
    result = services.score_correct(actor=cast.users["principal"], paper=paper, student=student,
                                    values={items[6].pk: float(new7)}, reason="阅卷登分错误")
    assert result.changes == (("7", float(row[9]), float(new7)),)
    assert result.total_old == _total(row)

    # Reference figures computed from the raw rows, with the corrected cell.
    fixed = [list(r) for r in rows_a1]
    fixed[0][9] = new7
    a1 = np.array([_total(r) for r in fixed])
    a2 = np.array([_total(r) for r in rows_a2])
    both = np.concatenate([a1, a2])
    klass = np.array([_total(r) for r in fixed if r[2] == row[2]])
    units = _units(paper)
    assert units[A1]["mean"] == pytest.approx(a1.mean(), abs=1e-6)
    assert units[COUNTY]["mean"] == pytest.approx(both.mean(), abs=1e-6)
    assert units[A2]["mean"] == pytest.approx(a2.mean(), abs=1e-6)  # the other school is untouched
    assert units[f"c:1140105001:{row[2]}"]["mean"] == pytest.approx(klass.mean(), abs=1e-6)
    # ... which is the old mean moved by exactly the change over the head count.
    before = np.array([_total(r) for r in rows_a1])
    delta = new7 - row[9]
    assert units[A1]["mean"] == pytest.approx(before.mean() + delta / a1.size, abs=1e-6)
    assert units[COUNTY]["mean"] == pytest.approx(np.concatenate([before, a2]).mean() + delta / both.size, abs=1e-6)
    # The per-item figures are re-merged too: item 7's difficulty over every student of the exam.
    item7 = next(i for i in PaperSummary.objects.get(paper=paper).data["items"] if i["label"] == "7")
    sevens = np.array([r[9] for r in fixed] + [r[9] for r in rows_a2], dtype=np.float64)
    assert item7["difficulty"] == pytest.approx(sevens.mean() / 10, abs=1e-4)

    block = school_block(paper, cast.school_a1)
    assert block is not None
    i = int(np.flatnonzero(block.student_ids == student.pk)[0])
    step = float(w["exam"].score_step)
    assert int(block.items[i, 6]) * step == new7
    assert int(block.totals[i]) * step == pytest.approx(a1[0])


def test_correction_audits_old_and_new_per_item_and_marks_norms_stale(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][1]
    student = _student(cast, row[0])
    unit = NormUnit.objects.create(node=cast.school_a1, path=cast.school_a1.path, term_key="2026-1", dirty=False)
    services.score_correct(actor=cast.users["county_admin"], paper=paper, student=student,
                           values={items[5].pk: 2.5, items[6].pk: float(_item7_new(row)), items[0].pk: float(row[3])},
                           reason="复核改分")
    e = AuditEvent.objects.get(model="quality.Student", object_id=str(student.pk))
    assert e.actor == cast.users["county_admin"] and e.action == AuditEvent.Action.UPDATE
    assert e.scope_path == cast.school_a1.path
    # Only the changed items are recorded (item 1 was sent with its own value).
    assert e.old == {"paper": paper.pk, "items": {"6": float(row[8]), "7": float(row[9])}, "total": _total(row)}
    new = e.new or {}
    assert new["items"] == {"6": 2.5, "7": float(_item7_new(row))}
    assert new["reason"] == "复核改分"
    assert new["total"] == _total(row) - row[8] - row[9] + 2.5 + _item7_new(row)
    unit.refresh_from_db()
    assert unit.dirty


@pytest.mark.parametrize(("item", "value", "message"), [
    (6, 11.0, "第7题：分数 11 超过该题满分 10"),
    (5, -1.0, "第6题：分数 -1 为负数"),
    (5, 2.3, "第6题：分数 2.3 不是计分精度 0.5 分的整数倍"),
    (0, float("nan"), "第1题：“nan”不是数字"),
])
def test_a_bad_value_names_the_item_and_the_reason_and_writes_nothing(cast: Cast, item: int, value: float,
                                                                      message: str) -> None:
    w = _world(cast)
    paper, items = w["paper"], w["items"]
    student = _student(cast, w["rows_a1"][0][0])
    before = PaperSummary.objects.get(paper=paper).data
    with pytest.raises(services.ServiceError) as exc:
        services.score_correct(actor=None, paper=paper, student=student, values={items[item].pk: value},
                               reason="登分错误")
    assert str(exc.value) == message and exc.value.field == f"item_{items[item].pk}"
    assert PaperSummary.objects.get(paper=paper).data == before
    assert not AuditEvent.objects.filter(model="quality.Student").exists()


def test_a_correction_needs_a_reason_and_a_change(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][0]
    student = _student(cast, row[0])
    with pytest.raises(services.ServiceError, match="请填写更正原因") as exc:
        services.score_correct(actor=None, paper=paper, student=student, values={items[6].pk: 1.0}, reason="  ")
    assert exc.value.field == "reason"
    with pytest.raises(services.ServiceError, match="成绩没有变化"):
        services.score_correct(actor=None, paper=paper, student=student, values={items[6].pk: float(row[9])},
                               reason="核对")
    with pytest.raises(services.ServiceError, match="不能全部为空"):
        services.score_correct(actor=None, paper=paper, student=student, values={it.pk: None for it in items},
                               reason="核对")
    other = Item.objects.exclude(paper=paper).first()
    bad_id = other.pk if other is not None else max(it.pk for it in items) + 1000
    with pytest.raises(services.ServiceError, match="不属于该试卷"):
        services.score_correct(actor=None, paper=paper, student=student, values={bad_id: 1.0}, reason="核对")


def test_a_blank_cell_leaves_the_item_out_of_the_total(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][2]
    student = _student(cast, row[0])
    if row[8] == 0:
        services.score_correct(actor=None, paper=paper, student=student, values={items[5].pk: 1.0}, reason="补登")
        row = [*row[:8], 1, *row[9:]]
    result = services.score_correct(actor=None, paper=paper, student=student, values={items[5].pk: None},
                                    reason="该题不计分")
    assert result.changes == (("6", float(row[8]), None),)
    assert result.total_new == _total(row) - row[8]


def test_an_absent_student_is_not_corrected_online(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    rows = clean_rows(10, seed=5)
    rows[0][3:11] = ["缺考"] + [""] * 7
    apply(upload(exam, messy_xlsx(rows, school="小店第一中学")))
    paper = math_paper(exam)
    item = paper.items.order_by("number").first()
    assert item is not None
    with pytest.raises(services.ServiceError, match="状态为“缺考”"):
        services.score_correct(actor=None, paper=paper, student=_student(cast, rows[0][0]),
                               values={item.pk: 1.0}, reason="补登")


# ---------------------------------------------------------------- the page


def _url(paper: Paper, code: str, student: Student) -> str:
    return reverse("quality:score_correct", args=[paper.pk, code, student.pk])


def _post(items: list[Item], row: list[Any], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"item_{it.pk}": str(row[3 + k]) for k, it in enumerate(items)}
    data["reason"] = changes.pop("reason", "阅卷登分错误")
    for number, value in changes.items():
        data[f"item_{items[int(number.removeprefix('i')) - 1].pk}"] = value
    return data


def _student_row(body: str, key: str) -> str:
    m = re.search(r"<tr><td class=\"small\">" + re.escape(key) + r"</td>.*?</tr>", body)
    assert m, key
    return m.group(0)


def test_a_principal_corrects_a_score_and_the_students_page_shows_the_new_total(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][3]
    student = _student(cast, row[0])
    c = cast.client("principal")
    students_url = reverse("quality:school_students", args=[paper.pk, cast.school_a1.code])
    listing = c.get(students_url).content.decode()
    assert "<th>操作</th>" in listing and _url(paper, cast.school_a1.code, student) in listing

    page = c.get(_url(paper, cast.school_a1.code, student)).content.decode()
    assert row[1] in page and row[2] in page  # the school's own staff see the name and class
    assert "满分 10" in page and f'value="{row[9]}"' in page
    new7 = _item7_new(row)
    r = c.post(_url(paper, cast.school_a1.code, student), _post(items, row, i7=str(new7)), follow=True)
    body = r.content.decode()
    assert r.redirect_chain[-1][0] == students_url
    assert f"第7题 {row[9]}→{new7}" in body and "各级统计已重新合并" in body
    new_total = _total(row) - row[9] + new7
    assert f'<td class="num">{new_total:.1f}</td>' in _student_row(body, student.key)

    history = c.get(_url(paper, cast.school_a1.code, student)).content.decode()
    assert "孙国庆" in history and "阅卷登分错误" in history and f"第7题 {row[9]}→{new7}" in history


def test_a_county_researcher_corrects_without_seeing_the_name(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][4]
    student = _student(cast, row[0])
    c = cast.client("county_researcher")
    page = c.get(_url(paper, cast.school_a1.code, student)).content.decode()
    assert student.key in page and row[1] not in page
    r = c.post(_url(paper, cast.school_a1.code, student), _post(items, row, i7=str(_item7_new(row))))
    assert r.status_code == 302
    assert AuditEvent.objects.filter(model="quality.Student", object_id=str(student.pk),
                                     actor=cast.users["county_researcher"]).exists()


@pytest.mark.parametrize("role", ["teacher", "group_leader", "bureau_viewer", "outside_principal", "teacher_a2"])
def test_who_may_not_import_for_the_school_gets_404(cast: Cast, role: str) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][0]
    student = _student(cast, row[0])
    c = cast.client(role)
    assert c.get(_url(paper, cast.school_a1.code, student)).status_code == 404
    assert c.post(_url(paper, cast.school_a1.code, student), _post(items, row, i7="0")).status_code == 404
    assert not AuditEvent.objects.filter(model="quality.Student").exists()


def test_teachers_see_no_correction_column(cast: Cast) -> None:
    paper = _world(cast)["paper"]
    body = cast.client("teacher").get(reverse("quality:school_students", args=[paper.pk, cast.school_a1.code]))
    assert body.status_code == 200 and "更正成绩" not in body.content.decode()


def test_a_student_of_another_school_or_a_missing_one_is_404(cast: Cast) -> None:
    w = _world(cast)
    paper = w["paper"]
    other = _student(cast, w["rows_a2"][0][0], school=cast.school_a2)
    c = cast.client("principal")
    assert c.get(_url(paper, cast.school_a1.code, other)).status_code == 404  # A2's student under A1's code
    assert c.get(_url(paper, cast.school_a2.code, other)).status_code == 404  # A1's principal at A2
    assert c.get(reverse("quality:score_correct", args=[paper.pk, cast.school_a1.code, 999999])).status_code == 404
    # A student of the school without a score row on this paper.
    later = make_exam(cast.county_a, name="另一次考试")
    apply(upload(later, messy_xlsx(clean_rows(3, seed=9, prefix="NEW"), school="小店第一中学")))
    newcomer = _student(cast, "NEW0000")
    assert c.get(_url(paper, cast.school_a1.code, newcomer)).status_code == 404


def test_a_bad_value_keeps_what_was_typed_and_shows_the_chinese_error(cast: Cast) -> None:
    w = _world(cast)
    paper, items, row = w["paper"], w["items"], w["rows_a1"][5]
    student = _student(cast, row[0])
    c = cast.client("principal")
    url = _url(paper, cast.school_a1.code, student)
    r = c.post(url, _post(items, row, i7="11", i6="abc", reason="改分说明"))
    body = r.content.decode()
    assert r.status_code == 200
    assert "第6题：“abc”不是数字" in body
    assert 'value="abc"' in body and 'value="11"' in body and "改分说明" in body
    r = c.post(url, _post(items, row, i7="11", reason="改分说明"))
    body = r.content.decode()
    assert "第7题：分数 11 超过该题满分 10" in body and 'value="11"' in body
    r = c.post(url, _post(items, row, i7=str(_item7_new(row)), reason=""))
    assert "请填写更正原因" in r.content.decode()
    assert not AuditEvent.objects.filter(model="quality.Student").exists()
    assert Exam.objects.count() == 1
