"""A selection round's list of members (遴选结果名单), .xlsx or .csv, imported into a programme
atomically: each row selects a person into a tier, and a title-of-honour tier records the trunk's
core.Designation (growth.services.programmes.member_add). Any bad row, named with its row, column
and reason, and nothing is saved.

Columns: 人员编号 (required), 姓名 (checked when given), 层级 (a tier's name, required),
开始日期, 结束日期 (the programme's own period when blank).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from core.importing.cells import _date, _nfkc, cell_text
from core.importing.columns import RowError, _RowProblem
from core.models import User
from core.spreadsheets import read_table
from growth.access import record_people_visible_to
from growth.errors import GrowthError
from growth.models import ProgrammeMember, TalentProgramme
from growth.services import programmes
from growth.services.training_import import TRAINING_LIMITS, TrainingImportReport

HEADERS = ("人员编号", "姓名", "层级", "开始日期", "结束日期")
REQUIRED = ("人员编号", "层级")


class _Refused(Exception):
    """Raised inside the transaction to roll back every row once one is refused."""


def members_import(*, actor: User, programme: TalentProgramme, content: bytes, filename: str) -> TrainingImportReport:
    report = TrainingImportReport(filename=filename)
    grid = read_table(content, filename, TRAINING_LIMITS).rows
    head = next((i for i, row in enumerate(grid[:20])
                 if any(_nfkc(cell_text(v)).replace(" ", "") in HEADERS for v in row)), None)
    if head is None:
        report.errors.append(RowError(0, "", "找不到表头行，第一行应为列名：" + "、".join(HEADERS)))
        return report
    positions = {t: j for j, v in enumerate(grid[head]) if (t := _nfkc(cell_text(v)).replace(" ", "")) in HEADERS}
    for h in REQUIRED:
        if h not in positions:
            report.errors.append(RowError(head + 1, h, "缺少必填列"))
    if report.errors:
        return report
    tiers = {t.name: t for t in programme.tiers.all()}
    rows = [(i + 1, grid[i]) for i in range(head + 1, len(grid)) if any(cell_text(v).strip() for v in grid[i])]
    report.rows = len(rows)
    if not rows:
        report.errors.append(RowError(0, "", "文件中没有数据行"))
        return report
    people = {p.code: p for p in record_people_visible_to(actor).select_related("org").filter(
        code__in={_nfkc(cell_text(_cell(line, positions, "人员编号"))).upper() for _, line in rows})}
    try:
        with transaction.atomic():
            for number, line in rows:
                _row(actor, programme, number, line, positions, tiers, people, report)
            if report.errors:
                raise _Refused
    except _Refused:
        report.created = 0
    return report


def _cell(line: Sequence[Any], positions: dict[str, int], header: str) -> Any:
    j = positions.get(header)
    return line[j] if j is not None and j < len(line) else None


def _row(actor: User, programme: TalentProgramme, number: int, line: Sequence[Any], positions: dict[str, int],
         tiers: dict[str, Any], people: dict[str, Any], report: TrainingImportReport) -> None:
    def text(header: str) -> str:
        return cell_text(_cell(line, positions, header)).strip()

    for h in REQUIRED:
        if not text(h):
            report.errors.append(RowError(number, h, "必填"))
    code = _nfkc(text("人员编号")).upper()
    person = people.get(code)
    if code and person is None:
        report.errors.append(RowError(number, "人员编号", f"没有找到人员“{code}”"))
    if person is not None and text("姓名") and text("姓名") != person.name:
        report.errors.append(RowError(number, "姓名", f"人员编号{person.code}是{person.name}，不是“{text('姓名')}”"))
    tier = tiers.get(text("层级"))
    if text("层级") and tier is None:
        report.errors.append(RowError(number, "层级", f"项目中没有层级“{text('层级')}”，应为：" + "、".join(tiers)))
    dates: dict[str, Any] = {}
    for header, key in (("开始日期", "start"), ("结束日期", "end")):
        raw = _cell(line, positions, header)
        try:
            dates[key] = _date(raw, text(header)) if text(header) else None
        except _RowProblem as e:
            report.errors.append(RowError(number, header, str(e)))
    if report.errors:
        return  # after the first refused row, the others are only checked, not written
    assert person is not None and tier is not None  # both checked above
    if ProgrammeMember.objects.filter(programme=programme, person=person).exists():
        report.unchanged += 1
        return
    fields = {"person": "人员编号", "tier": "层级", "end": "结束日期"}
    try:
        programmes.member_add(actor=actor, programme=programme, tier=tier, person=person, start=dates.get("start"),
                              end=dates.get("end"))
    except GrowthError as e:
        report.errors.append(RowError(number, fields.get(e.field or "", ""), e.message))
        return
    report.created += 1
