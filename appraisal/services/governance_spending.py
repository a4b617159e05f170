"""Writes of schools' spending by the categories of 004 四(三): entered by the school (or a
region admin over it), imported from a sheet, and checked by the county, which confirms the
figures or returns them with a reason. Only confirmed figures count for FUND.* (000 §15)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from appraisal import funding
from appraisal import governance_access as access
from appraisal.models.governance import SchoolSpending, SpendingStatus
from appraisal.services.governance import GovernanceError
from core.audit import audit_create, audit_update, snapshot
from core.importing.cells import _nfkc, cell_text
from core.importing.columns import RowError
from core.models import OrgKind, OrgNode, User
from core.spreadsheets import Limits, read_table

FIELD_LABELS = {"public_funds": "年度公用经费"} | {c.field: c.label for c in funding.CATEGORIES}


def _check_year(year: int) -> None:
    today = timezone.localdate()
    if not 2000 <= year <= today.year + 1:
        raise GovernanceError(f"年度：应在2000年至{today.year + 1}年之间", field="year")


@transaction.atomic
def spending_save(*, actor: User | None, school: OrgNode, year: int, public_funds: Decimal, training: Decimal,
                  equipment: Decimal, teaching: Decimal) -> SchoolSpending:
    """Enter (or correct) a school's figures of a year; they wait for the county's check again."""
    if school.kind != OrgKind.SCHOOL:
        raise GovernanceError("学校：请选择学校", field="school")
    if actor is not None and not access.can_enter_spending(actor, school):
        raise GovernanceError(f"学校：您不能填报{school.name}的经费", field="school")
    _check_year(year)
    amounts = {"training": training, "equipment": equipment, "teaching": teaching}
    problems = funding.amount_problems(public_funds, dict(amounts))
    if problems:
        raise GovernanceError(problems[0][1], field=problems[0][0])
    record = SchoolSpending.objects.select_for_update().filter(school=school, year=year).first()
    who = actor if actor is not None and actor.pk else None
    if record is None:
        record = SchoolSpending.objects.create(school=school, year=year, public_funds=public_funds, entered_by=who,
                                               **amounts)
        audit_create(actor, record)
        return record
    if record.status == SpendingStatus.CONFIRMED:
        raise GovernanceError(f"{school.name}{year}年的经费已经区县确认，如需修改请联系区县退回", field="public_funds")
    old = snapshot(record)
    record.public_funds = public_funds
    record.training, record.equipment, record.teaching = training, equipment, teaching
    record.status, record.return_reason, record.entered_by = SpendingStatus.SUBMITTED, "", who
    record.checked_by, record.checked_at = None, None
    record.save(update_fields=["public_funds", "training", "equipment", "teaching", "status", "return_reason",
                               "entered_by", "checked_by", "checked_at", "updated_at"])
    audit_update(actor, record, old)
    return record


def _require_check(actor: User | None, record: SchoolSpending) -> None:
    if actor is not None and not access.can_check_spending(actor, record.school):
        raise GovernanceError(f"您不能审核{record.school.name}的经费", field="reason")


@transaction.atomic
def spending_confirm(*, actor: User | None, record: SchoolSpending) -> SchoolSpending:
    _require_check(actor, record)
    if record.status != SpendingStatus.SUBMITTED:
        raise GovernanceError(f"只有待审核的数据可以确认（现在：{record.get_status_display()}）", field="reason")
    old = snapshot(record)
    record.status, record.return_reason = SpendingStatus.CONFIRMED, ""
    record.checked_by, record.checked_at = (actor if actor is not None and actor.pk else None), timezone.now()
    record.save(update_fields=["status", "return_reason", "checked_by", "checked_at", "updated_at"])
    audit_update(actor, record, old)
    return record


@transaction.atomic
def spending_return(*, actor: User | None, record: SchoolSpending, reason: str) -> SchoolSpending:
    """Send the figures back to the school with the reason (also after a confirmation, to let the
    school correct them)."""
    _require_check(actor, record)
    reason = reason.strip()
    if not reason:
        raise GovernanceError("退回原因：必填，请写明需要学校更正的地方", field="reason")
    if len(reason) > 300:
        raise GovernanceError("退回原因：不超过300个字", field="reason")
    if record.status == SpendingStatus.RETURNED:
        raise GovernanceError("这份数据已经退回，等待学校重新填报", field="reason")
    old = snapshot(record)
    record.status, record.return_reason = SpendingStatus.RETURNED, reason
    record.checked_by, record.checked_at = (actor if actor is not None and actor.pk else None), timezone.now()
    record.save(update_fields=["status", "return_reason", "checked_by", "checked_at", "updated_at"])
    audit_update(actor, record, old)
    return record


# ---------------------------------------------------------------- the sheet

SPENDING_LIMITS = Limits(max_upload_bytes=5 * 1024 * 1024, max_rows=20_100, max_columns=32, max_cells=400_000)
MAX_ROWS = 20_000
COLUMNS: tuple[tuple[str, str, bool, str], ...] = (
    ("学校标识码", "school", True, "10位学校标识码"),
    ("学校名称", "name", False, "与标识码核对"),
    ("年度", "year", True, "如 2026"),
    ("年度公用经费（元）", "public_funds", True, "大于0"),
    ("教师培训经费（元）", "training", True, "不低于公用经费的5%"),
    ("仪器设备、图书经费（元）", "equipment", True, "不低于10%"),
    ("教学业务经费（元）", "teaching", True, "实验、教研、差旅、印刷、体育等，不低于35%"),
)
HEADERS = tuple(c[0] for c in COLUMNS)
HEADER_OF = {c[1]: c[0] for c in COLUMNS}


def _bare(header: str) -> str:
    return _nfkc(header).replace(" ", "").replace("(元)", "").replace("（元）", "").strip("*＊")


BARE_HEADERS = {_bare(h): h for h in HEADERS}


@dataclass
class SpendingImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def template_xlsx() -> bytes:
    """The sheet schools fill in: the headers, each column's note, one example row."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "学校经费支出"
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F6")
    ws.append(["（说明）" + COLUMNS[0][3], *[c[3] for c in COLUMNS[1:]]])
    for cell in ws[2]:
        cell.font = Font(italic=True, color="888888")
    for i, _ in enumerate(HEADERS):
        ws.column_dimensions[chr(ord("A") + i)].width = 22
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _amount(text: str) -> Decimal:
    cleaned = _nfkc(text).replace(",", "").replace("元", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as e:
        raise ValueError(f"请填写金额数字，实际为“{text}”") from e
    if not value.is_finite():
        raise ValueError(f"请填写金额数字，实际为“{text}”")
    if value != value.quantize(Decimal("0.01")):
        raise ValueError("金额最多两位小数")
    if abs(value) >= Decimal("1e12"):
        raise ValueError("金额过大")
    return value


def _header_row(grid: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:20]):
        texts = [BARE_HEADERS.get(_bare(cell_text(v))) for v in row]
        if any(texts):
            return i, {t: j for j, t in enumerate(texts) if t}
    return None


def spendings_import(*, actor: User, content: bytes, filename: str) -> SpendingImportReport:
    """Read and import the sheet, all or nothing: every bad row is named with its column and
    reason, and then nothing is saved."""
    report = SpendingImportReport(filename=filename)
    grid = read_table(content, filename, SPENDING_LIMITS).rows
    found = _header_row(grid)
    if found is None:
        report.errors.append(RowError(0, "", "找不到表头行，第一行应为列名：" + "、".join(HEADERS)))
        return report
    head, positions = found
    for header, _, required, _ in COLUMNS:
        if required and header not in positions:
            report.errors.append(RowError(head + 1, header, "缺少必填列"))
    if report.errors:
        return report
    parsed: list[tuple[int, dict[str, Any]]] = []
    for i in range(head + 1, len(grid)):
        line = grid[i]

        def text(header: str, line: Sequence[Any] = line) -> str:
            j = positions.get(header)
            return cell_text(line[j]).strip() if j is not None and j < len(line) else ""

        if not any(cell_text(v).strip() for v in line) or text(HEADERS[0]).startswith("（说明）"):
            continue
        report.rows += 1
        number = i + 1
        values: dict[str, Any] = {"school": _nfkc(text(HEADERS[0])), "name": text("学校名称")}
        bad = False
        for header, _key, required, _ in COLUMNS:
            if required and not text(header):
                report.errors.append(RowError(number, header, "必填"))
                bad = True
        if bad:
            continue
        year_text = _nfkc(text("年度")).removesuffix("年")
        if not year_text.isdigit():
            report.errors.append(RowError(number, "年度", f"请填写四位年份，实际为“{text('年度')}”"))
            bad = True
        else:
            values["year"] = int(year_text)
        for header, key, _, _ in COLUMNS[3:]:
            try:
                values[key] = _amount(text(header))
            except ValueError as e:
                report.errors.append(RowError(number, header, str(e)))
                bad = True
        if bad:
            continue
        for key, reason in funding.amount_problems(values["public_funds"], {c.field: values[c.field]
                                                                            for c in funding.CATEGORIES}):
            report.errors.append(RowError(number, HEADER_OF[key], reason.split("：", 1)[-1]))
            bad = True
        today = timezone.localdate()
        if not 2000 <= values["year"] <= today.year + 1:
            report.errors.append(RowError(number, "年度", f"应在2000年至{today.year + 1}年之间"))
            bad = True
        if not bad:
            parsed.append((number, values))
    if report.rows > MAX_ROWS:
        report.errors = [RowError(0, "", f"一个文件最多{MAX_ROWS}行，请拆分后分批导入")]
        return report
    if not report.rows:
        report.errors.append(RowError(0, "", "文件中没有数据行"))
        return report
    schools = {s.code: s for s in access.entry_schools(actor).filter(code__in={v["school"] for _, v in parsed})}
    existing = {(r.school_id, r.year): r for r in SchoolSpending.objects.filter(
        school__in=schools.values(), year__in={v["year"] for _, v in parsed})}
    seen: dict[tuple[str, int], int] = {}
    for number, v in parsed:
        school = schools.get(v["school"])
        if school is None:
            report.errors.append(RowError(number, "学校标识码", f"没有找到学校“{v['school']}”，或不在您的填报范围内"))
            continue
        if v["name"] and v["name"] != school.name:
            report.errors.append(RowError(number, "学校名称", f"标识码{school.code}是{school.name}，不是“{v['name']}”"))
        same = (school.code, int(v["year"]))
        if same in seen:
            report.errors.append(RowError(number, "学校标识码", f"与第{seen[same]}行重复（同一学校、同一年度）"))
        seen[same] = number
        record = existing.get((school.pk, v["year"]))
        if record is not None and record.status == SpendingStatus.CONFIRMED:
            report.errors.append(RowError(number, "年度", f"{school.name}{v['year']}年的经费已经区县确认，如需修改请联系区县退回"))
        v["node"] = school
    if report.errors:
        order = {h: k for k, h in enumerate(HEADERS)}
        report.errors.sort(key=lambda e: (e.row, order.get(e.column, 0)))
        return report
    _save(actor, [v for _, v in parsed], existing, report)
    return report


@transaction.atomic
def _save(actor: User, rows: list[dict[str, Any]], existing: dict[tuple[int, int], SchoolSpending],
          report: SpendingImportReport) -> None:
    for v in rows:
        created = (v["node"].pk, v["year"]) not in existing
        spending_save(actor=actor, school=v["node"], year=v["year"], public_funds=v["public_funds"],
                      training=v["training"], equipment=v["equipment"], teaching=v["teaching"])
        if created:
            report.created += 1
        else:
            report.updated += 1
