"""Bulk import of regions, schools, people and posts from .xlsx workbooks.

The flow is: read the first data sheet with python-calamine, match the header row by name, turn
every cell into a clean value or a row error, check the rows against each other and against the
database (parents, duplicates, the importing user's admin subtree), and only when no row has an
error write everything in one transaction. A file with any error writes nothing, so a user can fix
the file and upload the same file again without half an import to clean up.

Keys are the national codes (regions, schools) and the person code; a post is keyed by
(person, role, org, subject, start). Rows that match the database are left alone, so importing
the same file twice changes nothing and writes no audit events.

Columns absent from the file leave the corresponding field untouched; a column that is present
but blank clears that field. This lets a user import "only the addresses" by deleting the other
optional columns, while the file stays the single source of truth for what it does contain.

The package follows the flow: `columns` (kinds, template columns, the report), `cells` (one
cell's text to a value), `sheets` (reading through core.spreadsheets; shared checks and bulk
writes), one module per kind (`regions`, `schools`, `people`, `posts`), and `workbooks` (the
template and error-report downloads). This module holds the service and the public names.
"""

from __future__ import annotations

from typing import IO

from django.db import transaction

from core.importing.cells import cell_text, normalise_code
from core.importing.columns import (
    COLUMNS,
    KIND_LABELS,
    MAX_ROWS,
    OCCUPIED_PERSON_CODE,
    OLD_TITLE_NAMES,
    OUT_OF_SCOPE_ORG,
    SUBJECT_ALIASES,
    Column,
    ImportKind,
    ImportReport,
    RowError,
    _Context,
)
from core.importing.people import _import_people
from core.importing.posts import _import_posts
from core.importing.regions import _import_regions
from core.importing.schools import _import_schools
from core.importing.sheets import _parse_rows, _read_sheet
from core.importing.workbooks import error_workbook, errors_workbook, template_workbook
from core.models import User
from core.spreadsheets import ReadError

__all__ = [
    "COLUMNS", "KIND_LABELS", "MAX_ROWS", "OCCUPIED_PERSON_CODE", "OLD_TITLE_NAMES", "OUT_OF_SCOPE_ORG",
    "SUBJECT_ALIASES", "Column", "ImportKind", "ImportReport", "RowError", "cell_text", "error_workbook",
    "errors_workbook", "normalise_code", "template_workbook", "workbook_import",
]


def workbook_import(*, actor: User, kind: ImportKind, content: bytes | IO[bytes], filename: str) -> ImportReport:
    """Validate every row of the workbook, then write all of it in one transaction, or nothing.

    The caller has checked that `actor` may import at all (core.access.manageable_roots); each
    row is checked here against the actor's admin subtree.
    """
    report = ImportReport(kind=kind, filename=filename)
    try:
        grid = _read_sheet(content)
    except ReadError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return report
    raw: dict[tuple[int, str], object] = {}
    rows, present = _parse_rows(kind, grid, report, raw)
    report.rows = len(rows)
    if report.errors:
        return report
    ctx = _Context(actor=actor, present=present, errors=report.errors)
    with transaction.atomic():
        if kind == ImportKind.REGIONS:
            _import_regions(rows, ctx, report)
        elif kind == ImportKind.SCHOOLS:
            _import_schools(rows, ctx, report)
        elif kind == ImportKind.PEOPLE:
            _import_people(rows, ctx, report)
        else:
            _import_posts(rows, raw, ctx, report)
        if report.errors:
            # Validation wrote nothing, but roll back anyway so a partial write can never stay.
            transaction.set_rollback(True)
            report.created = report.updated = report.unchanged = 0
    report.errors.sort(key=lambda e: (e.row, [c.header for c in COLUMNS[kind]].index(e.column)
                                      if e.column in {c.header for c in COLUMNS[kind]} else 99))
    return report
