"""The training provider's sheet (培训机构提供的学时名单), .xlsx or .csv, imported atomically: one
row per person and course; any bad row (each named with its row, column and reason, in Chinese)
and nothing is saved. A row whose person, course and start date are already recorded updates
that record (a corrected sheet imported again changes no count twice).

Columns: 人员编号 (required), 姓名 (checked against the record when given), 培训项目, 培训机构,
级别, 学时, 开始日期, 结束日期 (all required), 证书编号.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from core.audit import audit_bulk, snapshot
from core.importing.cells import _date, _nfkc, cell_text
from core.importing.columns import RowError, _RowProblem
from core.models import AuditEvent, Level, User
from core.spreadsheets import Limits, read_table
from growth.access import recordable_people
from growth.errors import GrowthError
from growth.models import TrainingRecord, TrainingSource
from growth.services.records import check_training

TRAINING_LIMITS = Limits(max_upload_bytes=5 * 1024 * 1024, max_rows=20_100, max_columns=32, max_cells=400_000)
MAX_ROWS = 20_000
COLUMNS: tuple[tuple[str, bool, str], ...] = (
    ("人员编号", True, "教职工号，如 P00012"),
    ("姓名", False, "与人员编号核对"),
    ("培训项目", True, "不超过120字"),
    ("培训机构", True, "不超过100字"),
    ("级别", True, "国家级、省级、市级、县级、校级"),
    ("学时", True, "大于0的数字，最多一位小数"),
    ("开始日期", True, "如 2026-03-01"),
    ("结束日期", True, "如 2026-03-05"),
    ("证书编号", False, "选填"),
)
HEADERS = tuple(c[0] for c in COLUMNS)
LEVEL_BY_LABEL = {label: value for value, label in Level.choices} | {
    label.removesuffix("级"): value for value, label in Level.choices} | {"国培": Level.NATIONAL, "校本": Level.SCHOOL}


@dataclass
class TrainingImportReport:
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _header_row(grid: Sequence[Sequence[Any]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:20]):
        texts = [_nfkc(cell_text(v)).replace(" ", "").strip("*＊") for v in row]
        if any(t in HEADERS for t in texts):
            return i, {t: j for j, t in enumerate(texts) if t in HEADERS}
    return None


def _cell(line: Sequence[Any], j: int | None) -> tuple[Any, str]:
    if j is None or j >= len(line):
        return None, ""
    return line[j], cell_text(line[j]).strip()


def trainings_import(*, actor: User, content: bytes, filename: str) -> TrainingImportReport:
    """Read and import the sheet; the report says what was created and updated, or every error
    (and then nothing was saved)."""
    report = TrainingImportReport(filename=filename)
    grid = read_table(content, filename, TRAINING_LIMITS).rows
    found = _header_row(grid)
    if found is None:
        report.errors.append(RowError(0, "", "找不到表头行，第一行应为列名：" + "、".join(HEADERS)))
        return report
    head, positions = found
    for header, required, _ in COLUMNS:
        if required and header not in positions:
            report.errors.append(RowError(head + 1, header, "缺少必填列"))
    if report.errors:
        return report
    parsed: list[tuple[int, dict[str, Any]]] = []
    for i in range(head + 1, len(grid)):
        line = grid[i]
        if not any(cell_text(v).strip() for v in line):
            continue
        number = i + 1
        values = _parse_row(number, line, positions, report)
        if values is not None:
            parsed.append((number, values))
        report.rows += 1
    if report.rows > MAX_ROWS:
        report.errors = [RowError(0, "", f"一个文件最多{MAX_ROWS}行，请拆分后分批导入")]
        return report
    if not report.rows:
        report.errors.append(RowError(0, "", "文件中没有数据行"))
        return report
    people = {p.code: p for p in recordable_people(actor).filter(
        code__in={v["code"] for _, v in parsed}).select_related("org")}
    seen: dict[tuple[str, str, dt.date], int] = {}
    for number, v in parsed:
        person = people.get(v["code"])
        if person is None:
            report.errors.append(RowError(number, "人员编号", f"没有找到人员“{v['code']}”，或不在您的管理范围内"))
            continue
        if v["name"] and v["name"] != person.name:
            report.errors.append(RowError(number, "姓名", f"人员编号{person.code}是{person.name}，不是“{v['name']}”"))
        key = (person.code, v["course"], v["start"])
        if key in seen:
            report.errors.append(RowError(number, "培训项目", f"与第{seen[key]}行重复（同一人、同一项目、同一开始日期）"))
        seen[key] = number
        v["person"] = person
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, HEADERS.index(e.column) if e.column in HEADERS else 0))
        return report
    _save(actor, [v for _, v in parsed], report)
    return report


def _parse_row(number: int, line: Sequence[Any], positions: dict[str, int],
               report: TrainingImportReport) -> dict[str, Any] | None:
    def text(header: str) -> str:
        return _cell(line, positions.get(header))[1]

    errors_before = len(report.errors)
    values: dict[str, Any] = {"code": _nfkc(text("人员编号")).upper(), "name": text("姓名"),
                              "certificate_no": text("证书编号")[:60]}
    for header, required, _ in COLUMNS:
        if required and not text(header):
            report.errors.append(RowError(number, header, "必填"))
    level_text = text("级别")
    if level_text and level_text not in LEVEL_BY_LABEL:
        report.errors.append(RowError(number, "级别", f"应为国家级、省级、市级、县级或校级，实际为“{level_text}”"))
    values["level"] = LEVEL_BY_LABEL.get(level_text, "")
    for header, key in (("开始日期", "start"), ("结束日期", "end")):
        raw, t = _cell(line, positions.get(header))
        try:
            values[key] = _date(raw, t) if t else None
        except _RowProblem as e:
            report.errors.append(RowError(number, header, str(e)))
            values[key] = None
    if len(report.errors) > errors_before:
        return None
    fields = {"course": "培训项目", "provider": "培训机构", "level": "级别", "hours": "学时", "end": "结束日期"}
    try:
        course, provider, level, hours = check_training(course=text("培训项目"), provider=text("培训机构"),
                                                        level=values["level"], hours=text("学时"),
                                                        start=values["start"], end=values["end"])
    except GrowthError as e:
        reason = e.message.split("：", 1)[-1]
        report.errors.append(RowError(number, fields.get(e.field or "", ""), reason))
        return None
    values.update(course=course, provider=provider, level=level, hours=hours)
    return values


@transaction.atomic
def _save(actor: User, rows: list[dict[str, Any]], report: TrainingImportReport) -> None:
    existing = {(r.person_id, r.course, r.start): r for r in TrainingRecord.objects.select_for_update().filter(
        person__in={v["person"].pk for v in rows}, course__in={v["course"] for v in rows})}
    creates: list[TrainingRecord] = []
    events: list[tuple[str, Any, dict[str, Any] | None]] = []
    for v in rows:
        record = existing.get((v["person"].pk, v["course"], v["start"]))
        if record is None:
            creates.append(TrainingRecord(person=v["person"], course=v["course"], provider=v["provider"],
                                          level=v["level"], hours=v["hours"], start=v["start"], end=v["end"],
                                          certificate_no=v["certificate_no"], source=TrainingSource.IMPORT,
                                          created_by=actor if actor.pk else None))
            continue
        old = snapshot(record)
        changed = [f for f in ("provider", "level", "hours", "end", "certificate_no")
                   if getattr(record, f) != (Decimal(v[f]) if f == "hours" else v[f])]
        if not changed:
            report.unchanged += 1
            continue
        for f in changed:
            setattr(record, f, v[f])
        record.save(update_fields=[*changed, "updated_at"])
        events.append((AuditEvent.Action.UPDATE, record, old))
        report.updated += 1
    made = TrainingRecord.objects.bulk_create(creates, batch_size=1000)
    for record in made:
        events.append((AuditEvent.Action.CREATE, record, None))
    report.created = len(made)
    audit_bulk(actor, events)
