"""Reading the sheet (through the bounded reader) and the checks and bulk writes every kind shares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from core.access import can_manage_node
from core.audit import audit_bulk
from core.importing.cells import _nfkc, cell_text
from core.importing.columns import (
    _CHUNK,
    _M,
    COLUMNS,
    HEADER_ALIASES,
    MAX_ROWS,
    ImportKind,
    ImportReport,
    RowError,
    _Context,
    _Row,
)
from core.models import (
    AuditEvent,
    OrgKind,
    OrgNode,
    User,
)
from core.spreadsheets import CORE_LIMITS, read_xlsx

# ---------------------------------------------------------------- reading the sheet


def _header_key(text: str) -> str:
    """Headers match ignoring spaces, width and a required-marker star."""
    return _nfkc(text).replace(" ", "").strip("*＊")


Grid = Sequence[Sequence[object]]


def _read_sheet(content: bytes | IO[bytes]) -> Grid:
    """The cells of the workbook's first sheet that is not the instructions sheet, read by the
    bounded reader (core.spreadsheets) within CORE_LIMITS.

    Leading blank rows and columns are kept, so list index + 1 is the row number Excel shows,
    which is what every error message cites.
    """
    data = content if isinstance(content, bytes) else content.read()
    return read_xlsx(data, CORE_LIMITS, skip_sheets=("说明",)).rows


def _parse_rows(kind: ImportKind, grid: Grid, report: ImportReport,
                raw_cells: dict[tuple[int, str], object]) -> tuple[list[_Row], set[str]]:
    columns = COLUMNS[kind]
    known = {_header_key(c.header): c.header for c in columns}
    headers = set(known.values())
    known.update({_header_key(alias): header for alias, header in HEADER_ALIASES.items() if header in headers})
    header_index: int | None = None
    # The header is the first row naming any known column; a title row above it is allowed.
    for i, row in enumerate(grid[:20]):
        if any(_header_key(cell_text(v)) in known for v in row):
            header_index = i
            break
    if header_index is None:
        report.errors.append(RowError(0, "", "找不到表头行。请使用下载的模板，第一行为列名：" +
                                      "、".join(c.header for c in columns)))
        return [], set()
    positions: dict[str, int] = {}
    for j, v in enumerate(grid[header_index]):
        text = cell_text(v)
        if not text:
            continue
        key = _header_key(text)
        if key in known:
            header = known[key]
            if header in positions:
                report.errors.append(RowError(header_index + 1, header, "列名重复"))
            positions[header] = j
        else:
            report.warnings.append(f"未识别的列「{text}」，已忽略")
    for c in columns:
        if c.required and c.header not in positions:
            report.errors.append(RowError(header_index + 1, c.header, "缺少必填列"))
    rows: list[_Row] = []
    for i in range(header_index + 1, len(grid)):
        line = grid[i]
        cells = {h: cell_text(line[j]) if j < len(line) else "" for h, j in positions.items()}
        if not any(cells.values()):
            continue
        for h, j in positions.items():
            if j < len(line):
                raw_cells[(i + 1, h)] = line[j]
        rows.append(_Row(i + 1, cells))
    if len(rows) > MAX_ROWS:
        report.errors.append(RowError(0, "", f"一个文件最多{MAX_ROWS}行，请拆分后分批导入"))
        return [], set(positions)
    if not rows and not report.errors:
        report.errors.append(RowError(0, "", "文件中没有数据行"))
    return rows, set(positions)


# ---------------------------------------------------------------- shared checks


def _may_manage_path(actor: User, path: str) -> bool:
    # The policy works on paths, so a node that does not exist yet is checked by its future path.
    return can_manage_node(actor, OrgNode(path=path))


def _duplicates(rows: Iterable[tuple[int, Any]], column: str, ctx: _Context) -> set[int]:
    """Row numbers whose key repeats an earlier row's; each repeat is an error."""
    first: dict[Any, int] = {}
    dup: set[int] = set()
    for number, key in rows:
        if key in first:
            ctx.error(number, column, f"与第{first[key]}行重复")
            dup.add(number)
        else:
            first[key] = number
    return dup


def _by_key(queryset: QuerySet[_M], field: str, values: Iterable[Any]) -> list[_M]:
    """Rows whose `field` is one of `values`, fetched in chunks: SQLite allows at most 32,766
    bound parameters per statement and a province's staff list is longer than that."""
    keys = list(values)
    out: list[_M] = []
    for i in range(0, len(keys), _CHUNK):
        out.extend(queryset.filter(**{f"{field}__in": keys[i:i + _CHUNK]}))
    return out


def _set_changed(obj: models.Model, values: dict[str, Any]) -> list[str]:
    """Assign the values that differ and return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _node_kind_label(kind: str) -> str:
    return str(OrgKind(kind).label) if kind in OrgKind.values else kind


def _bulk_save(model: type[models.Model], actor: User, creates: Sequence[models.Model],
               updates: Sequence[tuple[models.Model, dict[str, Any], list[str]]]) -> None:
    """Insert and update in bulk, then write one audit event per created or changed record."""
    if creates:
        model._default_manager.bulk_create(creates, batch_size=500)
    if updates:
        now = timezone.now()
        fields: set[str] = {"updated_at"}
        for obj, _old, changed in updates:
            setattr(obj, "updated_at", now)  # noqa: B010 (model is generic here)
            fields.update(changed)
        model._default_manager.bulk_update([u[0] for u in updates], sorted(fields), batch_size=500)
    audit_bulk(actor, [*((AuditEvent.Action.CREATE, o, None) for o in creates),
                       *((AuditEvent.Action.UPDATE, o, old) for o, old, _c in updates)])
