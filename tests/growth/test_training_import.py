"""The provider's training sheet: atomic, Chinese errors naming row, column and reason, a corrected
sheet imported again updates rather than doubles; the page and who may use it."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent
from growth.models import TrainingRecord, TrainingSource
from growth.services.training_import import HEADERS, trainings_import


def sheet(rows: list[list[Any]], *, title: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append(list(HEADERS))
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(cast: Any) -> list[list[Any]]:
    county, teacher = cast.people["county_researcher"], cast.people["teacher"]
    return [
        [county.code, county.name, "新课标研修班", "省教育学院", "省级", 40, "2026-03-02", "2026-03-06", "SX2026-01"],
        [teacher.code, "", "校本研修", "小店第一中学", "校级", "12.5", "2026-04-01", "2026-04-30", ""],
    ]


def test_a_good_sheet_is_imported_and_audited(cast: Any) -> None:
    report = trainings_import(actor=cast.users["county_admin"], content=sheet(_rows(cast), title="2026年培训名单"),
                              filename="名单.xlsx")
    assert report.ok and report.rows == 2 and report.created == 2
    records = {r.person.code: r for r in TrainingRecord.objects.select_related("person")}
    county = records[cast.people["county_researcher"].code]
    assert county.hours == 40 and county.level == "province" and county.source == TrainingSource.IMPORT
    assert str(records[cast.people["teacher"].code].hours) == "12.5"
    assert AuditEvent.objects.filter(model="growth.TrainingRecord", action="create").count() == 2
    # The same sheet with a corrected number of hours updates the record, it does not add one.
    rows = _rows(cast)
    rows[0][5] = 42
    again = trainings_import(actor=cast.users["county_admin"], content=sheet(rows), filename="名单.xlsx")
    assert again.ok and again.created == 0 and again.updated == 1 and again.unchanged == 1
    assert TrainingRecord.objects.count() == 2
    assert TrainingRecord.objects.get(person=cast.people["county_researcher"]).hours == 42


def test_one_bad_row_refuses_the_whole_file_naming_row_column_and_reason(cast: Any) -> None:
    rows = _rows(cast)
    rows.append(["P99999", "", "研修", "机构", "省级", 8, "2026-05-01", "2026-05-02", ""])
    rows.append([cast.people["teacher"].code, "张三", "研修二", "机构", "区级", "-3", "2026-13-01", "2026-05-02", ""])
    rows.append([cast.people["teacher"].code, "", "研修三", "机构", "县级", "abc", "2026-05-01", "2026-05-02", ""])
    report = trainings_import(actor=cast.users["county_admin"], content=sheet(rows), filename="名单.xlsx")
    assert not report.ok and TrainingRecord.objects.count() == 0
    messages = [str(e) for e in report.errors]
    assert "第4行「人员编号」：没有找到人员“P99999”，或不在您的管理范围内" in messages
    assert any(m.startswith("第5行「级别」：应为国家级") for m in messages)
    assert any(m.startswith("第5行「开始日期」：应为日期") for m in messages)
    assert "第6行「学时」：请填写数字，如 24 或 1.5" in messages


def test_names_and_duplicates_are_checked_and_csv_is_read(cast: Any) -> None:
    teacher = cast.people["teacher"]
    lines = [",".join(HEADERS),
             f"{teacher.code},李四,研修,机构,校级,6,2026-05-01,2026-05-01,",
             f"{teacher.code},,研修,机构,校级,6,2026-05-01,2026-05-01,"]
    report = trainings_import(actor=cast.users["county_admin"], content="\n".join(lines).encode("utf-8-sig"),
                              filename="名单.csv")
    messages = [str(e) for e in report.errors]
    assert f"第2行「姓名」：人员编号{teacher.code}是何静，不是“李四”" in messages
    assert "第3行「培训项目」：与第2行重复（同一人、同一项目、同一开始日期）" in messages
    ok = trainings_import(actor=cast.users["county_admin"], content="\n".join(lines[:1] + lines[2:]).encode(),
                          filename="名单.csv")
    assert ok.ok and ok.created == 1


def test_people_outside_the_importers_subtree_are_refused(cast: Any) -> None:
    outsider = cast.people["outside_teacher"]
    rows = [[outsider.code, "", "研修", "机构", "县级", 6, "2026-05-01", "2026-05-02", ""]]
    report = trainings_import(actor=cast.users["county_admin"], content=sheet(rows), filename="x.xlsx")
    assert [str(e) for e in report.errors] == [f"第2行「人员编号」：没有找到人员“{outsider.code}”，或不在您的管理范围内"]
    missing = trainings_import(actor=cast.users["county_admin"], content=sheet([]), filename="x.xlsx")
    assert [str(e) for e in missing.errors] == ["文件：文件中没有数据行"]


def test_the_import_page_shows_errors_and_then_the_counts(cast: Any) -> None:
    client = cast.client("county_admin")
    url = reverse("growth:training_import")
    rows = _rows(cast)
    rows[1][5] = "0"
    bad = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", sheet(rows))})
    body = bad.content.decode()
    assert bad.status_code == 200 and "整个文件都没有导入" in body and "第3行" in body and "学时" in body
    assert TrainingRecord.objects.count() == 0
    good = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", sheet(_rows(cast)))})
    assert "导入成功" in good.content.decode() and TrainingRecord.objects.count() == 2
    old = client.post(url, {"file": SimpleUploadedFile("名单.xls", b"\xd0\xcf\x11\xe0rest")})
    assert "不支持旧版" in old.content.decode()
    assert cast.client("principal").get(url).status_code == 404
