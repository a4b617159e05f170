"""任课安排 upload: real .xlsx files through the pages, atomic validation, replacement on
re-import, scope, and the TEACHER.BELOW_PEERS warning it makes possible."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from quality import services
from quality.models import ClassTeacher, EarlyWarning, Exam, RuleKind
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload

if TYPE_CHECKING:
    # The stubs' type of a test-client response; it exists only in django-stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

HEADERS = ["学校标识码", "班级", "学科", "教师编号"]


def _xlsx(rows: Sequence[Sequence[object]], *, headers: Sequence[str] = HEADERS) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "任课安排"
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _post(client: Client, exam: Exam, content: bytes, name: str = "任课安排.xlsx") -> Response:
    return client.post(reverse("quality:class_teacher_import", args=[exam.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def _code(cast: Cast, key: str) -> str:
    return cast.people[key].code


def _scored_exam(cast: Cast) -> Exam:
    exam = make_exam(cast.county_a)
    apply(upload(exam, messy_xlsx(clean_rows(12), school="小店第一中学")))  # classes 8(1)班 and 8(2)班
    return exam


def test_good_file_imports_with_audit_and_count_on_exam_page(cast: Cast) -> None:
    exam = _scored_exam(cast)
    c = cast.client("county_researcher")
    a1 = cast.school_a1.code
    r = _post(c, exam, _xlsx([[a1, "8(1)班", "数学", _code(cast, "teacher")],
                              # A number-typed school code, a full-width class and a space in the subject
                              [int(a1), "８（２）班", "数 学", _code(cast, "group_leader")]]))
    assert r.status_code == 302
    rows = {(ct.class_label, ct.teacher_id) for ct in ClassTeacher.objects.filter(school=cast.school_a1)}
    assert rows == {("8(1)班", cast.people["teacher"].pk), ("8(2)班", cast.people["group_leader"].pk)}
    assert set(ClassTeacher.objects.values_list("term_key", "grade")) == {(exam.term_key, exam.grade)}
    events = AuditEvent.objects.filter(model="quality.ClassTeacher", action=AuditEvent.Action.CREATE)
    assert events.count() == 2 and all(e.scope_path == cast.school_a1.path for e in events)
    assert {e.actor for e in events} == {cast.users["county_researcher"]}
    page = c.get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()
    assert "任课安排（2 条）" in page and reverse("quality:class_teacher_import", args=[exam.pk]) in page
    listing = c.get(reverse("quality:class_teacher_import", args=[exam.pk])).content.decode()
    assert "现有任课安排（2 条）" in listing and "何静" in listing


def test_csv_and_class_name_not_in_scores_is_only_a_warning(cast: Cast) -> None:
    exam = _scored_exam(cast)
    text = "学校标识码,班级,学科,教师编号\r\n" + f"{cast.school_a1.code},8(9)班,数学,{_code(cast, 'teacher')}\r\n"
    report = services.class_teachers_import(actor=None, exam=exam, filename="任课.csv",
                                            content=text.encode("gb18030"), allowed_schools=[cast.school_a1])
    assert report.ok and report.created == 1
    (w,) = report.warnings
    assert w.row == 2 and w.column.startswith("B") and "没有“8(9)班”" in w.reason


def test_reimport_replaces_never_doubles(cast: Cast) -> None:
    exam = _scored_exam(cast)
    c = cast.client("principal")  # a school manager imports for the own school
    a1 = cast.school_a1.code
    _post(c, exam, _xlsx([[a1, "8(1)班", "数学", _code(cast, "teacher")],
                          [a1, "8(2)班", "数学", _code(cast, "group_leader")]]))
    r = _post(c, exam, _xlsx([[a1, "8(1)班", "数学", _code(cast, "principal")]]))
    assert r.status_code == 302
    got = dict(ClassTeacher.objects.values_list("class_label", "teacher_id"))
    assert got == {"8(1)班": cast.people["principal"].pk, "8(2)班": cast.people["group_leader"].pk}
    assert ClassTeacher.objects.count() == 2
    update = AuditEvent.objects.get(model="quality.ClassTeacher", action=AuditEvent.Action.UPDATE)
    assert update.old == {"teacher_id": cast.people["teacher"].pk}
    assert update.new == {"teacher_id": cast.people["principal"].pk}
    # The downloaded template carries the current assignments; uploading it again changes nothing.
    t = c.get(reverse("quality:class_teacher_template", args=[exam.pk]))
    assert t.status_code == 200 and t["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(t.content)).worksheets[0]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert values[0][:4] == HEADERS
    assert [a1, "8(1)班", "数学", _code(cast, "principal"), "孙国庆"] in values
    report = services.class_teachers_import(actor=None, exam=exam, filename="模板.xlsx", content=t.content,
                                            allowed_schools=[cast.school_a1])
    assert report.ok and report.unchanged == 2 and report.created == report.updated == 0
    assert ClassTeacher.objects.count() == 2


def test_bad_file_imports_nothing_and_names_each_row_column_and_reason(cast: Cast) -> None:
    exam = _scored_exam(cast)
    a1, a2, b1 = cast.school_a1.code, cast.school_a2.code, cast.school_b1.code
    rows: list[list[object]] = [
        [a1, "8(1)班", "数学", _code(cast, "teacher")],  # row 2: good
        ["1149999999", "8(1)班", "数学", _code(cast, "teacher")],  # 3: unknown school
        [b1, "8(1)班", "数学", _code(cast, "outside_teacher")],  # 4: school outside the exam
        [a1, "8(2)班", "魔法", _code(cast, "teacher")],  # 5: unknown subject
        [a1, "8(2)班", "语文", _code(cast, "teacher")],  # 6: no 语文 paper in this exam
        [a1, "8(2)班", "数学", "P99999"],  # 7: unknown teacher
        [a1, "8(3)班", "数学", _code(cast, "teacher_a2")],  # 8: teacher works at A2
        [a1, "8(1)班", "数学", _code(cast, "group_leader")],  # 9: duplicate of row 2
        [a2, "", "数学", ""],  # 10: class and teacher empty
    ]
    c = cast.client("county_researcher")
    r = _post(c, exam, _xlsx(rows))
    assert r.status_code == 200
    report = r.context["report"]
    errors = {(p.row, p.column[:1], p.reason) for p in report.errors}
    assert (3, "A", "没有学校标识码为“1149999999”的学校") in errors
    assert (4, "A", f"迎泽实验小学（{b1}）不在本次考试范围内") in errors
    assert (5, "C", "没有学科“魔法”") in errors
    assert any(row == 6 and col == "C" and "本次考试没有“语文”试卷" in why for row, col, why in errors)
    assert (7, "D", "没有教师编号为“P99999”的人员") in errors
    assert (8, "D", f"许晨（{_code(cast, 'teacher_a2')}）的工作单位不是小店第一中学") in errors
    assert (9, "B", "与第2行重复：同一学校、班级、学科只能填一位任课教师") in errors
    assert (10, "B", "班级为空") in errors and (10, "D", "教师编号为空") in errors
    assert not any(row == 2 for row, _, _ in errors)
    assert not ClassTeacher.objects.exists()
    assert not AuditEvent.objects.filter(model="quality.ClassTeacher").exists()
    body = r.content.decode()
    assert "整个文件都没有导入" in body and "与第2行重复" in body and "D（教师编号）" in body


def test_missing_column_and_school_outside_the_uploaders_own(cast: Cast) -> None:
    exam = _scored_exam(cast)
    report = services.class_teachers_import(actor=None, exam=exam, filename="x.xlsx",
                                            content=_xlsx([["x", "8(1)班", "数学"]], headers=HEADERS[:3]),
                                            allowed_schools=[cast.school_a1])
    assert [(p.row, p.reason) for p in report.errors] == [(1, "缺少“教师编号”列（应有 学校标识码、班级、学科、教师编号）")]
    # A1's principal may not write A2's assignments.
    r = _post(cast.client("principal"), exam, _xlsx([[cast.school_a2.code, "8(1)班", "数学",
                                                      _code(cast, "teacher_a2")]]))
    (err,) = r.context["report"].errors
    assert err.row == 2 and err.column.startswith("A") and err.reason.startswith("无权为北格镇中心小学")
    assert not ClassTeacher.objects.exists()


def test_users_outside_the_exam_scope_get_404(cast: Cast) -> None:
    exam = _scored_exam(cast)
    content = _xlsx([[cast.school_a1.code, "8(1)班", "数学", _code(cast, "teacher")]])
    for role in ("outside_principal", "outside_researcher", "teacher", "bureau_viewer"):
        c = cast.client(role)
        assert c.get(reverse("quality:class_teacher_import", args=[exam.pk])).status_code == 404
        assert c.get(reverse("quality:class_teacher_template", args=[exam.pk])).status_code == 404
        assert _post(c, exam, content).status_code == 404
    assert not ClassTeacher.objects.exists()
    # Those who may not upload see no count on the exam page either.
    assert "任课安排（" not in cast.client("teacher").get(reverse("quality:exam_detail", args=[exam.pk])).content.decode()


def _scores(n: int, *, weak_class: str, strong: int, weak: int, prefix: str) -> list[list[object]]:
    """Two classes; `weak_class` scores `weak` on item 7, the other `strong`."""
    out: list[list[object]] = []
    for i in range(n):
        cls = "8(1)班" if i % 2 else "8(2)班"
        s7 = weak if cls == weak_class else strong
        out.append([f"{prefix}{i:03d}", f"生{i}", cls, 1, 1, 0, 0, 1, 3, s7, 6 + s7])
    return out


def test_uploaded_assignments_raise_teacher_below_peers_once(cast: Cast) -> None:
    services.warning_rule_save(actor=None, org=cast.county_a, kind=RuleKind.TEACHER_BELOW_PEERS, params={"n": 3})
    exams: list[Exam] = []
    for k, (term, day) in enumerate([("2025-2", dt.date(2026, 4, 20)), ("2025-2", dt.date(2026, 6, 30)),
                                     ("2026-1", dt.date(2026, 11, 10))]):
        exam = make_exam(cast.county_a, name=f"第{k + 1}次", term_key=term, held_on=day)
        apply(upload(exam, messy_xlsx(_scores(20, weak_class="8(1)班", strong=9 - k, weak=4 - k, prefix="S"),
                                      school="小店第一中学")))
        exams.append(exam)
    assert not EarlyWarning.objects.filter(norm_code="TEACHER.BELOW_PEERS").exists()  # no assignments yet
    c = cast.client("county_researcher")
    a1 = cast.school_a1.code
    content = _xlsx([[a1, "8(1)班", "数学", _code(cast, "teacher")],
                     [a1, "8(2)班", "数学", _code(cast, "group_leader")]])
    assert _post(c, exams[0], content).status_code == 302  # term 2025-2
    assert not EarlyWarning.objects.filter(norm_code="TEACHER.BELOW_PEERS").exists()  # fewer than N exams
    assert _post(c, exams[2], content).status_code == 302  # term 2026-1
    (w,) = EarlyWarning.objects.filter(norm_code="TEACHER.BELOW_PEERS")
    assert w.exam == exams[2] and w.person == cast.people["teacher"] and w.school == cast.school_a1
    assert w.evidence["连续次数"] == 3
    _post(c, exams[2], content)  # re-import: the same warning, not a second one
    assert EarlyWarning.objects.filter(norm_code="TEACHER.BELOW_PEERS").count() == 1
