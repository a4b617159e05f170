"""The spending sheet: the template reads back as the importer's own headers; a sheet with bad
rows is refused whole, each error naming its row, column and reason in Chinese; the fixed sheet
imports and a second import updates (figures wait for the county's check again)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from appraisal.models.governance import SchoolSpending, SpendingStatus
from appraisal.services import governance_spending as spending

pytestmark = pytest.mark.django_db


def sheet(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(list(spending.HEADERS))
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_template_has_the_importer_s_headers_and_imports_nothing_as_is(cast: Any) -> None:
    ws = load_workbook(io.BytesIO(spending.template_xlsx())).active
    assert ws is not None
    assert [c.value for c in ws[1]] == list(spending.HEADERS)
    report = spending.spendings_import(actor=cast.users["county_admin"], content=spending.template_xlsx(),
                                       filename="模板.xlsx")
    assert [str(e) for e in report.errors] == ["文件：文件中没有数据行"]


def test_bad_rows_refuse_the_whole_file_naming_row_field_and_reason(cast: Any) -> None:
    a1, a2 = cast.school_a1, cast.school_a2
    rows = [[a1.code, a1.name, 2026, 1000000, 60000, 120000, 380000],
            [a2.code, "别的学校", 2026, 300000, "一万", 40000, 120000],
            [cast.school_b1.code, "", 2026, 500000, 30000, 60000, 200000],
            [a2.code, "", 2026, 100000, 50000, 40000, 30000]]
    report = spending.spendings_import(actor=cast.users["county_admin"], content=sheet(rows), filename="经费.xlsx")
    assert [str(e) for e in report.errors] == [
        "第3行「教师培训经费（元）」：请填写金额数字，实际为“一万”",
        "第4行「学校标识码」：没有找到学校“1140106001”，或不在您的填报范围内",
        "第5行「年度公用经费（元）」：三类支出合计120,000.00元，超过年度公用经费100,000.00元",
    ]
    assert not SchoolSpending.objects.exists()


def test_fixed_sheet_imports_then_updates(cast: Any) -> None:
    a1, a2 = cast.school_a1, cast.school_a2
    admin = cast.users["county_admin"]
    rows = [[a1.code, a1.name, "2026年", "1,000,000", 60000, 120000, 380000],
            [a2.code, "", 2026, 300000, 12000, 40000, 120000]]
    report = spending.spendings_import(actor=admin, content=sheet(rows), filename="经费.xlsx")
    assert report.ok and (report.created, report.updated) == (2, 0)
    record = SchoolSpending.objects.get(school=a2)
    assert record.training == Decimal("12000") and record.status == SpendingStatus.SUBMITTED
    spending.spending_return(actor=admin, record=record, reason="请核对")
    rows[1][4] = 16000
    again = spending.spendings_import(actor=admin, content=sheet(rows), filename="经费（改）.xlsx")
    assert again.ok and (again.created, again.updated) == (0, 2)
    record.refresh_from_db()
    assert record.training == Decimal("16000") and record.status == SpendingStatus.SUBMITTED


def test_a_confirmed_year_and_a_duplicate_row_are_refused(cast: Any) -> None:
    a1 = cast.school_a1
    admin = cast.users["county_admin"]
    record = spending.spending_save(actor=admin, school=a1, year=2026, public_funds=Decimal("100"),
                                    training=Decimal("5"), equipment=Decimal("10"), teaching=Decimal("35"))
    spending.spending_confirm(actor=admin, record=record)
    rows = [[a1.code, "", 2026, 100, 6, 10, 35], [a1.code, "", 2025, 100, 6, 10, 35],
            [a1.code, "", 2025, 100, 6, 10, 35]]
    report = spending.spendings_import(actor=cast.users["principal"], content=sheet(rows), filename="经费.xlsx")
    assert [str(e) for e in report.errors] == [
        "第2行「年度」：小店第一中学2026年的经费已经区县确认，如需修改请联系区县退回",
        "第4行「学校标识码」：与第3行重复（同一学校、同一年度）",
    ]


def test_missing_column_is_named(cast: Any) -> None:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["学校标识码", "年度", "年度公用经费"])
    ws.append([cast.school_a1.code, 2026, 100])
    buffer = io.BytesIO()
    book.save(buffer)
    report = spending.spendings_import(actor=cast.users["principal"], content=buffer.getvalue(), filename="x.xlsx")
    assert [e.column for e in report.errors] == ["教师培训经费（元）", "仪器设备、图书经费（元）", "教学业务经费（元）"]
