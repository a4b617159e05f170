"""Score import fixes of issue 10: problems in row order naming the student, missing columns said
at once, discarding batches that wrote nothing, the uploader's name, and a class teacher's own
sheet (no 班级 column, the class in the title or the sheet's name, a note row at the end).
Every file is a real .xlsx written with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.urls import reverse

from core.errors import DomainError
from core.models import AuditEvent
from quality import services
from quality.models import BatchStatus, ImportBatch
from quality.selectors import exam_schools, flat_scores
from tests.conftest import Cast
from tests.quality.factories import apply, clean_rows, make_exam, messy_xlsx, upload


def _xlsx(rows: list[list[Any]], *, title: str = "成绩", merge_title: int = 0) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in rows:
        ws.append(r)
    if merge_title:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=merge_title)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _confirm(batch: ImportBatch, **kw: Any) -> ImportBatch:
    return services.scores_import(actor=None, batch=batch, mapping=batch.mapping["columns"],
                                  allowed_schools=exam_schools(batch.exam), **kw)


def test_problems_come_in_row_order_and_name_the_student(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    content = _xlsx([["考号", "姓名", "班级", "数学"],
                     ["2026001", "张一", "8(1)班", 15],
                     ["2026002", "王小明", "8(1)班", "九十"],
                     ["2026003", "李华", "", 12],
                     ["2026004", "赵四", "8(2)班", 25]])
    batch = _confirm(upload(exam, content, school=cast.school_a1))
    assert batch.status == BatchStatus.REJECTED
    errors = [p for p in batch.problems if p["level"] == "error"]
    assert [p["row"] for p in errors] == [3, 4, 5]
    assert [p["student"] for p in errors] == ["王小明", "李华", "赵四"]
    body = cast.client("county_admin").get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert body.index("王小明") < body.index("李华") < body.index("赵四")


def test_a_missing_required_column_is_said_before_mapping(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _xlsx([["姓名", "班级", "数学"], ["张一", "8(1)班", 15], ["王二", "8(1)班", 12]]),
                   school=cast.school_a1)
    body = cast.client("county_admin").get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "缺少必需的列" in body and "没有找到“学号/考号”列" in body


def test_a_batch_that_wrote_nothing_can_be_discarded(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    c = cast.client("county_admin")
    batch = upload(exam, messy_xlsx(clean_rows(6), school="小店第一中学"), actor=cast.users["county_admin"])
    page = c.get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "丢弃本批次" in page
    # Outsiders cannot discard it; they do not even see it.
    assert cast.client("outside_researcher").post(reverse("quality:import_discard", args=[batch.pk])).status_code == 404
    r = c.post(reverse("quality:import_discard", args=[batch.pk]))
    assert r.status_code == 302 and not ImportBatch.objects.filter(pk=batch.pk).exists()
    event = AuditEvent.objects.filter(model="quality.ImportBatch", object_id=str(batch.pk)).latest("id")
    assert event.action == AuditEvent.Action.DELETE and event.actor == cast.users["county_admin"]
    # An applied batch is undone, never discarded.
    applied = apply(upload(exam, messy_xlsx(clean_rows(6), school="小店第一中学")))
    with pytest.raises(DomainError, match="整体撤销"):
        services.import_discard(actor=None, batch=applied)


def test_the_uploader_is_named_never_none(cast: Cast) -> None:
    exam = make_exam(cast.county_a)
    upload(exam, messy_xlsx(clean_rows(6), school="小店第一中学"))  # a batch written with no user
    upload(exam, messy_xlsx(clean_rows(6), school="小店第一中学"), actor=cast.users["county_admin"])
    body = cast.client("county_admin").get(reverse("quality:import_list", args=[exam.pk])).content.decode()
    assert "None" not in body and "周敏" in body and "系统导入" in body


def _class_sheet(*, title_row: str | None, sheet: str = "Sheet1") -> bytes:
    rows: list[list[Any]] = [[title_row, "", ""]] if title_row else []
    rows.append(["学号", "姓名", "数学"])
    rows += [[f"K{i:03d}", f"学生{i}", 8 + i] for i in range(8)]
    rows.append(["备注：缺考学生不计入平均分", "", ""])
    return _xlsx(rows, title=sheet, merge_title=3 if title_row else 0)


def _classes(batch: ImportBatch) -> set[str]:
    flat = flat_scores(batch.exam.papers.get())
    return {k.split(":", 1)[1] for k in flat.class_keys}


def test_class_teacher_sheet_reads_the_class_from_its_title_and_skips_the_note(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _class_sheet(title_row="八年级(3)班期中成绩"), school=cast.school_a1)
    page = cast.client("county_admin").get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "8(3)班" in page and "没有找到“班级”列" not in page
    batch = _confirm(batch)
    assert batch.status == BatchStatus.APPLIED, batch.problems
    assert batch.student_count == 8 and _classes(batch) == {"8(3)班"}
    assert any("备注" in p["reason"] for p in batch.problems)


def test_class_teacher_sheet_reads_the_class_from_the_sheet_name(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = _confirm(upload(exam, _class_sheet(title_row=None, sheet="8(2)班"), school=cast.school_a1))
    assert batch.status == BatchStatus.APPLIED, batch.problems
    assert _classes(batch) == {"8(2)班"}


def test_class_typed_by_the_user_when_the_sheet_names_none(cast: Cast) -> None:
    exam = make_exam(cast.county_a, blueprint=False)
    batch = upload(exam, _class_sheet(title_row=None), school=cast.school_a1)
    c = cast.client("county_admin")
    page = c.get(reverse("quality:import_detail", args=[batch.pk])).content.decode()
    assert "没有找到“班级”列" in page
    post = {f"role_{i}": m["role"] for i, m in enumerate(batch.mapping["columns"])}
    post.update({f"paper_{i}": str(m["paper"] or "") for i, m in enumerate(batch.mapping["columns"])})
    post["default_class"] = "8(4)班"
    r = c.post(reverse("quality:import_detail", args=[batch.pk]), post)
    assert r.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPLIED and _classes(batch) == {"8(4)班"}


def test_class_names_from_titles() -> None:
    from quality.importing import class_from_text

    assert class_from_text("八年级(3)班期中成绩") == "8(3)班"
    assert class_from_text("初二3班数学", grade=8) == "8(3)班"
    assert class_from_text("3班", grade=8) == "8(3)班"
    assert class_from_text("七年级十二班") == "7(12)班"
    assert class_from_text("2026学年第一学期八年级数学期中成绩") == ""
