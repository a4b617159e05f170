"""Reading a national export sheet into typed rows, or row errors naming row, column and reason.

The sheet is read once by the bounded reader (core.spreadsheets) within ROSTER_LIMITS; what the
sync keeps between the preview and the apply is the packed data rows (`pack_sheet`), never the
upload. Both the preview and the apply parse those packed rows with the same functions here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import python_calamine
from django.conf import settings

from core.importing.cells import cell_text
from core.importing.columns import SUBJECT_ALIASES, RowError
from core.models import Subject
from core.roster_codes import (
    COLUMNS,
    GENDER,
    IN_POST,
    NOT_IN_POST,
    OTHER_POST_KINDS,
    STAGES,
    TEACHING_POST_KINDS,
    CodeProblem,
    Source,
    header_index,
    header_key,
    normal,
    read_choice,
    read_count,
    read_id_number,
    read_locale,
    read_region_code,
    read_school_code,
    read_school_type,
    read_title,
    read_year_month,
    split_list,
)
from core.spreadsheets import MB, Limits, ReadError, pack_rows, read_xlsx, unpack_rows

# A province's teacher sheet: 400,000 rows of about twenty columns.
ROSTER_LIMITS = Limits(max_upload_bytes=80 * MB, max_rows=450_100, max_columns=128, max_cells=16_000_000,
                       max_uncompressed_bytes=512 * MB, max_shared_strings_bytes=128 * MB)
_ID_SALT = "core.roster.id_number"


def id_digest(number: str) -> str:
    """The keyed digest of an identity number: the only form in which the platform keeps it.

    An unkeyed SHA-256 of an 18-digit number is reversed by trying every birth date and serial,
    so the digest is an HMAC under JIAOYAN_ID_HASH_KEY (falling back to SECRET_KEY). Changing
    the key orphans every person's link to the export; docs/roster-sync.md says so.
    """
    key = str(getattr(settings, "JIAOYAN_ID_HASH_KEY", "") or settings.SECRET_KEY)
    return hmac.new(f"{_ID_SALT}:{key}".encode(), number.encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- the sheet


@dataclass
class Sheet:
    """The data rows of an export sheet: (Excel row number, {column key: cell}) for the columns
    found, with the header text each key was found under (errors cite the user's own header)."""

    source: Source
    headers: dict[str, str]
    rows: list[tuple[int, dict[str, Any]]]
    warnings: list[str] = field(default_factory=list)


def _sheet_name(content: bytes) -> str:
    names = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names
    return next((n for n in names if n.strip() != "说明"), names[0] if names else "")


def _plain(value: object) -> object:
    # Numbers stay numbers (a date typed into a number cell is an Excel day serial); dates and
    # times become their text, as the packed table keeps only JSON values.
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return cell_text(value)


def read_sheet(source: Source, content: bytes) -> tuple[Sheet | None, list[RowError]]:
    """The sheet's data rows, or the file-level errors (unreadable, no header, required columns
    missing) naming the sheet and the column."""
    try:
        grid = read_xlsx(content, ROSTER_LIMITS, skip_sheets=("说明",)).rows
        sheet_name = _sheet_name(content)
    except ReadError as exc:
        return None, [RowError(0, "", str(exc))]
    index = header_index(source)
    header_row: int | None = None
    for i, row in enumerate(grid[:20]):
        if sum(header_key(cell_text(v)) in index for v in row) >= 2:
            header_row = i
            break
    columns = COLUMNS[source]
    if header_row is None:
        return None, [RowError(0, "", f"工作表「{sheet_name}」中找不到表头行：应有"
                                      + "、".join(c.header for c in columns if c.required) + "等列")]
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    errors: list[RowError] = []
    warnings: list[str] = []
    for j, v in enumerate(grid[header_row]):
        text = cell_text(v)
        if not text:
            continue
        key = index.get(header_key(text))
        if key is None:
            warnings.append(f"未使用的列「{text}」")
        elif key in positions:
            errors.append(RowError(header_row + 1, text, f"与「{headers[key]}」是同一列，列名重复"))
        else:
            positions[key], headers[key] = j, text
    for c in columns:
        if c.required and c.key not in positions:
            also = f"（也接受：{'、'.join(c.aliases)}）" if c.aliases else ""
            errors.append(RowError(header_row + 1, c.header, f"工作表「{sheet_name}」缺少必填列「{c.header}」{also}"))
    if errors:
        return None, errors
    rows: list[tuple[int, dict[str, Any]]] = []
    for i in range(header_row + 1, len(grid)):
        line = grid[i]
        cells = {k: _plain(line[j]) for k, j in positions.items() if j < len(line)}
        if any(cell_text(v) for v in cells.values()):
            rows.append((i + 1, cells))
    if not rows:
        return None, [RowError(0, "", f"工作表「{sheet_name}」中没有数据行")]
    return Sheet(source, headers, rows, warnings), []


def pack_sheet(sheet: Sheet) -> bytes:
    keys = sorted(sheet.headers)
    return pack_rows([[sheet.headers[k] for k in keys], *([n, *(cells.get(k) for k in keys)] for n, cells in sheet.rows)])


def unpack_sheet(source: Source, data: bytes) -> Sheet:
    index = header_index(source)
    head, *body = unpack_rows(data)
    keys = [index[header_key(h)] for h in head]
    return Sheet(source, dict(zip(keys, head, strict=True)),
                 [(int(r[0]), dict(zip(keys, r[1:], strict=True))) for r in body])


# ---------------------------------------------------------------- typed rows


@dataclass
class TeacherRow:
    number: int
    key: str  # id_digest of the identity number
    staff_code: str
    name: str
    gender: str
    birth_year: int | None
    school_code: str
    stage: str
    subjects: list[Subject]
    title: str | None  # None: the column is absent
    teaching_since: int | None
    teaching: bool
    in_post: bool
    present: frozenset[str]


@dataclass
class SchoolRow:
    number: int
    code: str
    name: str
    school_type: str | None  # None: a type outside the platform (skipped)
    type_label: str
    teaching_point: bool
    locale: str
    region_code: str
    class_count: int
    student_count: int
    present: frozenset[str]


class _Cells:
    """One row's cells, collecting each problem as a RowError under the file's own header."""

    def __init__(self, sheet: Sheet, number: int, cells: dict[str, Any], errors: list[RowError]) -> None:
        self.sheet, self.number, self.cells, self.errors = sheet, number, cells, errors
        self.ok = True

    def text(self, key: str) -> str:
        return cell_text(self.cells.get(key))

    def raw(self, key: str) -> object:
        return self.cells.get(key)

    def fail(self, key: str, reason: str) -> None:
        self.errors.append(RowError(self.number, self.sheet.headers.get(key, key), reason))
        self.ok = False


class SubjectNames:
    """Subjects by official name or everyday alias, loaded once per sync."""

    def __init__(self) -> None:
        self.by_name = {normal(s.name): s for s in Subject.objects.all()}
        for alias, name in SUBJECT_ALIASES.items():
            if normal(name) in self.by_name:
                self.by_name.setdefault(normal(alias), self.by_name[normal(name)])

    def many(self, text: str) -> list[Subject]:
        names = split_list(text)
        missing = [n for n in names if normal(n) not in self.by_name]
        if missing:
            raise CodeProblem(f"找不到学科“{'、'.join(missing)}”")
        return list({self.by_name[normal(n)].pk: self.by_name[normal(n)] for n in names}.values())


def teacher_rows(sheet: Sheet, errors: list[RowError]) -> list[TeacherRow]:
    subjects = SubjectNames()
    present = frozenset(sheet.headers)
    out: list[TeacherRow] = []
    for number, cells in sheet.rows:
        c = _Cells(sheet, number, cells, errors)
        name = c.text("name")
        if not name:
            c.fail("name", "必填")
        elif len(name) > 40:
            c.fail("name", f"不能超过40字，实际为{len(name)}字")
        key = ""
        birth: dt.date | None = None
        gender = ""
        try:
            identity = read_id_number(c.text("id_number"), c.text("id_type"))
            key, birth, gender = id_digest(identity.number), identity.birth, identity.gender
        except CodeProblem as e:
            c.fail("id_number", str(e))
        if "gender" in present and c.text("gender"):
            try:
                gender = read_choice(c.text("gender"), GENDER, "性别")
            except CodeProblem as e:
                c.fail("gender", str(e))
        birth_year = birth.year if birth else None
        if "birth" in present and c.text("birth"):
            try:
                birth_year = read_year_month(c.raw("birth"), c.text("birth"))
            except CodeProblem as e:
                c.fail("birth", str(e).replace("年月", "日期"))
        school_code = ""
        try:
            school_code = read_school_code(c.text("school"))
        except CodeProblem as e:
            c.fail("school", "必填" if not c.text("school") else str(e))
        staff_code = normal(c.text("staff_code"))
        if staff_code and not (len(staff_code) <= 32 and staff_code.replace("-", "").replace("_", "").isalnum()
                               and staff_code.isascii()):
            c.fail("staff_code", f"只能包含字母、数字、短横线，不超过32位，实际为“{c.text('staff_code')}”")
        stage = ""
        if c.text("stage"):
            try:
                stage = read_choice(c.text("stage"), STAGES, "任教学段")
            except CodeProblem as e:
                c.fail("stage", str(e))
        taught: list[Subject] = []
        try:
            taught = subjects.many(c.text("subjects"))
        except CodeProblem as e:
            c.fail("subjects", str(e))
        title: str | None = None
        if "title" in present:
            try:
                title = read_title(c.text("title"))
            except CodeProblem as e:
                c.fail("title", str(e))
        since: int | None = None
        for k in ("teach_since", "work_since"):
            if k in present and c.text(k):
                try:
                    year = read_year_month(c.raw(k), c.text(k))
                except CodeProblem as e:
                    c.fail(k, str(e))
                    continue
                if since is None:
                    # 参加工作年月 stands in for 从教起始年月 when the latter is blank.
                    since = year
        if since and birth_year and since < birth_year + 16:
            c.fail("teach_since" if "teach_since" in present else "work_since",
                   f"{since}年早于出生年份{birth_year}加16年")
        kind = normal(c.text("post_kind"))
        if kind and kind not in TEACHING_POST_KINDS and kind not in OTHER_POST_KINDS:
            c.fail("post_kind", f"无法识别的岗位类别“{c.text('post_kind')}”")
        status = normal(c.text("status"))
        if status and status not in IN_POST and status not in NOT_IN_POST:
            c.fail("status", f"无法识别的在岗状态“{c.text('status')}”（应为在岗，或离岗、退休、调出等）")
        if c.ok:
            out.append(TeacherRow(number, key, staff_code, name, gender, birth_year, school_code, stage, taught,
                                  title, since, not kind or kind in TEACHING_POST_KINDS,
                                  not status or status in IN_POST, present))
    return out


def school_rows(sheet: Sheet, errors: list[RowError]) -> list[SchoolRow]:
    present = frozenset(sheet.headers)
    out: list[SchoolRow] = []
    for number, cells in sheet.rows:
        c = _Cells(sheet, number, cells, errors)
        code = region = name = ""
        try:
            code = read_school_code(c.text("code"))
        except CodeProblem as e:
            c.fail("code", "必填" if not c.text("code") else str(e))
        name = c.text("name")
        if not name:
            c.fail("name", "必填")
        elif len(name) > 100:
            c.fail("name", f"不能超过100字，实际为{len(name)}字")
        kind = None
        try:
            kind = read_school_type(c.text("school_type")) if c.text("school_type") else None
            if kind is None:
                c.fail("school_type", "必填")
        except CodeProblem as e:
            c.fail("school_type", str(e))
        locale = ""
        try:
            locale = read_locale(c.text("locale"))
        except CodeProblem as e:
            c.fail("locale", str(e))
        try:
            region = read_region_code(c.text("region"))
        except CodeProblem as e:
            c.fail("region", "必填" if not c.text("region") else str(e))
        counts = {}
        for k, high in (("class_count", 1000), ("student_count", 100_000)):
            try:
                counts[k] = read_count(c.text(k), high)
            except CodeProblem as e:
                c.fail(k, str(e))
        if c.ok and kind is not None:
            out.append(SchoolRow(number, code, name, kind.value, kind.label, kind.teaching_point, locale, region,
                                 counts["class_count"], counts["student_count"], present))
    return out


def row_errors_sorted(errors: Sequence[RowError]) -> list[RowError]:
    return sorted(errors, key=lambda e: (e.row, e.column))
