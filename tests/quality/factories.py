"""Exams and messy score files for the quality tests, built through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import numpy as np
import xlsxwriter

from core.models import OrgNode, Subject, User
from quality import services
from quality.models import Exam, ExamKind, ImportBatch, Paper

BLUEPRINT = "\n".join(
    [f"{i}, 客观题, 1, {'数与代数' if i <= 3 else '图形与几何'}, {'了解' if i % 2 else '理解'}" for i in range(1, 6)]
    + ["6, 主观题, 5, 数与代数, 应用", "7, 主观题, 10, 图形与几何, 综合"])
# Items 1–5 worth 1 point, item 6 worth 5, item 7 worth 10: full mark 20.


def make_exam(org: OrgNode, *, actor: User | None = None, name: str = "八年级期中质量监测",
              held_on: dt.date = dt.date(2026, 11, 10), term_key: str = "2026-1", full_mark: str = "20",
              blueprint: bool = True, kind: str = ExamKind.MIDTERM) -> Exam:
    math = Subject.objects.get(code="math")
    exam = services.exam_create(actor=actor, org=org, name=name, kind=kind, term_key=term_key,
                                stage="junior", grade=8, held_on=held_on, papers=[(math, Decimal(full_mark))])
    if blueprint:
        services.blueprint_save(actor=actor, paper=exam.papers.get(), text=BLUEPRINT)
    return exam


def math_paper(exam: Exam) -> Paper:
    return exam.papers.get(subject__code="math")


def messy_xlsx(rows: list[list[Any]], *, school: str | None = None) -> bytes:
    """A hand-made sheet: a title row, a merged two-row header (客观题 over 1–5, 主观题 over 6–7),
    then `rows` = [考号, 姓名, 班级, i1..i7, 总分] (cells may be strings such as '缺考' or '８')."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("成绩")
    ws.merge_range(0, 0, 0, 11 if school else 10, "2026学年第一学期八年级数学期中成绩")
    lead = ["学校"] if school else []
    top = [*lead, "考号", "姓名", "班级"]
    for c, label in enumerate(top):
        ws.merge_range(1, c, 2, c, label)
    off = len(top)
    ws.merge_range(1, off, 1, off + 4, "客观题")
    ws.merge_range(1, off + 5, 1, off + 6, "主观题")
    ws.merge_range(1, off + 7, 2, off + 7, "总分")
    for k in range(7):
        ws.write(2, off + k, str(k + 1))
    r = 3
    for row in rows:
        if row == []:
            r += 1  # a blank row between classes
            continue
        cells = ([school] if school else []) + row
        for c, v in enumerate(cells):
            if v is None:
                continue
            if isinstance(v, int | float):
                ws.write_number(r, c, v)
            else:
                ws.write_string(r, c, str(v))
        r += 1
    wb.close()
    return buf.getvalue()


def clean_rows(n: int, *, seed: int = 1, classes: tuple[str, ...] = ("8(1)班", "8(2)班"),
               prefix: str = "2026") -> list[list[Any]]:
    rng = np.random.default_rng(seed)
    out: list[list[Any]] = []
    for i in range(n):
        obj = [int(v) for v in rng.integers(0, 2, 5)]
        s6 = int(rng.integers(0, 6))
        s7 = int(rng.integers(0, 11))
        out.append([f"{prefix}{i:04d}", f"学生{i}", classes[i % len(classes)], *obj, s6, s7, sum(obj) + s6 + s7])
    return out


def upload(exam: Exam, content: bytes, *, filename: str = "成绩.xlsx", school: OrgNode | None = None,
           actor: User | None = None) -> ImportBatch:
    return services.scores_upload(actor=actor, exam=exam, filename=filename, content=content, school=school)


def apply(batch: ImportBatch, *, actor: User | None = None) -> ImportBatch:
    from quality.selectors import exam_schools

    return services.scores_import(actor=actor, batch=batch, mapping=batch.mapping["columns"],
                                  allowed_schools=exam_schools(batch.exam))
