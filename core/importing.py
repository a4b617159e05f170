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
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import IO, Any, TypeVar

import xlsxwriter
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from xlsxwriter.utility import xl_col_to_name

from core.access import can_manage_node, people_visible_to
from core.audit import audit_bulk, snapshot
from core.exporting import WORKBOOK_OPTIONS
from core.models import (
    REGION_ROLES,
    AuditEvent,
    Gender,
    Locale,
    OrgKind,
    OrgNode,
    Person,
    Post,
    Role,
    SchoolType,
    Stage,
    Subject,
    Title,
    User,
)
from core.pinyin import name_keys
from core.spreadsheets import CORE_LIMITS, ReadError, read_xlsx


class ImportKind(StrEnum):
    REGIONS = "regions"
    SCHOOLS = "schools"
    PEOPLE = "people"
    POSTS = "posts"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS: dict[ImportKind, str] = {
    ImportKind.REGIONS: "区域",
    ImportKind.SCHOOLS: "学校",
    ImportKind.PEOPLE: "人员",
    ImportKind.POSTS: "岗位任职",
}

# The 2015 reform of primary and secondary teachers' titles (人社部发〔2015〕79号《关于深化中小学
# 教师职称制度改革的指导意见》) merged the separate secondary and primary series into one series
# of five grades. Staff lists exported from older systems still carry the old names, so they are
# mapped here to the grade the reform placed them in: 中学高级 became 高级, 小学高级 became 一级,
# and so on down.
OLD_TITLE_NAMES: dict[str, str] = {
    "中学高级教师": Title.SENIOR,
    "中学一级教师": Title.FIRST,
    "中学二级教师": Title.SECOND,
    "中学三级教师": Title.THIRD,
    "小学高级教师": Title.FIRST,
    "小学一级教师": Title.SECOND,
    "小学二级教师": Title.THIRD,
    "小学三级教师": Title.THIRD,
}

# Everyday names of subjects that differ from the curriculum's official names.
SUBJECT_ALIASES: dict[str, str] = {
    "生物": "生物学", "体育": "体育与健康", "信息技术": "信息科技", "心理": "心理健康",
    "综合实践": "综合实践活动", "政治": "思想政治", "道德与法制": "道德与法治", "品德": "道德与法治",
}

# Which kinds of region may sit directly above each kind. A county may hang off a province for
# the 省直辖县级行政单位; schools sit under a county or a township.
PARENT_KINDS: dict[str, tuple[str, ...]] = {
    OrgKind.PROVINCE: (),
    OrgKind.CITY: (OrgKind.PROVINCE,),
    OrgKind.COUNTY: (OrgKind.CITY, OrgKind.PROVINCE),
    OrgKind.TOWNSHIP: (OrgKind.COUNTY,),
    OrgKind.SCHOOL: (OrgKind.COUNTY, OrgKind.TOWNSHIP),
}

MAX_ROWS = 50_000
# One answer for "exists elsewhere" and "not yours", so an import is no existence oracle (issue 8,
# finding 13); the people API says the same.
OCCUPIED_PERSON_CODE = "人员编号已被占用或不在您的管理范围内"
OUT_OF_SCOPE_ORG = "单位代码不存在或不在您的管理范围内"
YES, NO = "是", "否"
_LIST_SEPARATORS = re.compile(r"[、,，;；/／\s]+")
_SUBJECT_LIMIT = 20
_CHUNK = 2000
_M = TypeVar("_M", bound=models.Model)


# ---------------------------------------------------------------- columns


@dataclass(frozen=True)
class Column:
    """One column of an import template: its header, whether required, and how to fill it in."""

    header: str
    required: bool
    fmt: str
    example: str
    choices: tuple[str, ...] = ()
    # Long code columns are stored as text in the template so Excel does not show 1.14E+09.
    text: bool = False


def _labels(choices: Iterable[tuple[str, str]], exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
    return tuple(str(label) for value, label in choices if value not in exclude)


def _subject_names() -> tuple[str, ...]:
    from core.curriculum import SUBJECTS

    return tuple(s.name for s in SUBJECTS)


REGION_KIND_LABELS = _labels(OrgKind.choices, exclude=(OrgKind.SCHOOL,))
TITLE_LABELS = _labels(Title.choices)
YES_NO = (YES, NO)

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.REGIONS: (
        Column("代码", True, "6位行政区划代码（乡镇、街道可用9位）", "140105", text=True),
        Column("名称", True, "文字，不超过100字", "小店区"),
        Column("类别", True, "从下拉列表中选择", "县（区）", REGION_KIND_LABELS),
        Column("上级代码", False, "上级区域的代码；省级留空。上级可以在本文件中", "140100", text=True),
        Column("教育行政部门", False, "文字，不超过100字", "小店区教育局"),
        Column("教研机构", False, "文字，不超过100字", "小店区教学研究室"),
    ),
    ImportKind.SCHOOLS: (
        Column("学校标识码", True, "10位数字", "3114000123", text=True),
        Column("学校名称", True, "文字，不超过100字", "小店区第一实验小学"),
        Column("上级代码", True, "所属县（区）或乡镇（街道）的代码", "140105", text=True),
        Column("办学类型", True, "从下拉列表中选择", "小学", _labels(SchoolType.choices)),
        Column("城乡类别", False, "从下拉列表中选择", "城区", _labels(Locale.choices)),
        Column("薄弱学校", False, "是或否，留空为否", NO, YES_NO),
        Column("教学点", False, "是或否，留空为否", NO, YES_NO),
        Column("班级数", False, "不小于0的整数", "24"),
        Column("学生数", False, "不小于0的整数", "1080"),
        Column("地址", False, "文字，不超过200字", "太原市小店区学府街1号"),
        Column("经度", False, "小数，73至136之间，最多6位小数", "112.565432"),
        Column("纬度", False, "小数，3至54之间，最多6位小数", "37.736541"),
    ),
    ImportKind.PEOPLE: (
        Column("人员编号", True, "教职工号：字母、数字、短横线，不超过32位", "T2024001", text=True),
        Column("姓名", True, "文字，不超过40字", "张文华"),
        Column("性别", False, "男或女", "女", _labels(Gender.choices)),
        Column("出生年份", False, "4位年份", "1985"),
        Column("工作单位代码", True, "学校标识码或区域代码", "3114000123", text=True),
        Column("职称", False, "从下拉列表中选择；也接受2015年改革前的旧名称（如中学高级教师），"
               "自动换算为新名称；留空为未定级", "一级教师", TITLE_LABELS),
        Column("任教学段", False, "从下拉列表中选择", "小学", _labels(Stage.choices)),
        Column("主教学科", False, "学科名称", "数学", _subject_names()),
        Column("兼教学科", False, "学科名称，多个用顿号（、）或逗号分隔", "科学、信息科技"),
        Column("从教年份", False, "4位年份", "2007"),
        Column("电话", False, "数字，可含短横线", "13800000000", text=True),
    ),
    ImportKind.POSTS: (
        Column("人员编号", True, "已导入人员的编号", "T2024001", text=True),
        Column("岗位", True, "从下拉列表中选择", "教师", _labels(Role.choices)),
        Column("单位代码", True, "任职单位的学校标识码或区域代码；区域岗位设在区域，学校岗位设在学校",
               "3114000123", text=True),
        Column("学科", False, "学科名称", "数学", _subject_names()),
        Column("学段", False, "从下拉列表中选择", "小学", _labels(Stage.choices)),
        Column("年级", False, "1至12的整数（七年级填7）", "3"),
        Column("开始日期", False, "日期，如2024-09-01", "2024-09-01"),
        Column("结束日期", False, "日期，不早于开始日期；在任留空", ""),
    ),
}


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    """One problem: the Excel row number (0 for the file as a whole), the column, the reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "文件"
        col = f"「{self.column}」" if self.column else ""
        return f"{where}{col}：{self.reason}"


@dataclass
class ImportReport:
    kind: ImportKind
    filename: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Problems that do not stop the import, such as columns the template does not have.
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _RowProblem(Exception):
    """A cell that cannot be read; the message is the reason shown to the user."""


@dataclass
class _Row:
    number: int
    cells: dict[str, str]


@dataclass
class _Context:
    actor: User
    present: set[str]
    errors: list[RowError]

    def error(self, row: int, column: str, reason: str) -> None:
        self.errors.append(RowError(row, column, reason))


# ---------------------------------------------------------------- cell values

def _parse_cells(ctx: _Context, number: int, cells: dict[str, str],
                 parsers: Iterable[tuple[str, str, Callable[[str], Any]]],
                 required: Collection[str]) -> tuple[dict[str, Any], bool]:
    """Parse every present column of one row into `values[key]`. Each problem is recorded and
    none stops the row, so one upload reports all of a row's problems."""
    values: dict[str, Any] = {}
    ok = True
    for header, key, parse in parsers:
        if header not in ctx.present:
            continue
        text = cells.get(header, "")
        if not text and header in required:
            ctx.error(number, header, "必填")
            ok = False
            continue
        try:
            values[key] = parse(text)
        except _RowProblem as e:
            ctx.error(number, header, str(e))
            ok = False
    return values, ok



def _nfkc(text: str) -> str:
    """Full-width digits, letters and spaces become their ASCII forms (１２３ -> 123)."""
    return unicodedata.normalize("NFKC", text).strip()


def cell_text(value: object) -> str:
    """A cell as typed text: numbers without a spurious '.0', dates as ISO, spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Non-breaking and ideographic spaces survive str.strip() in some copies from web pages.
    return str(value).replace("\u00a0", " ").replace("\u3000", " ").strip()


def normalise_code(text: str) -> str:
    """A code typed as a number or text: '1140105001.0', '１１４０１０５００１', ' 140105 ' all
    give the digit string; scientific notation from a number-formatted cell is expanded."""
    t = _nfkc(text).replace(" ", "")
    if re.fullmatch(r"\d+\.0*", t):
        return t.split(".")[0]
    if re.fullmatch(r"\d(\.\d+)?[eE]\+?\d+", t):
        try:
            number = Decimal(t)
        except InvalidOperation:
            return t
        if number == number.to_integral_value():
            return str(int(number))
    return t


def _code(text: str, lengths: tuple[int, ...]) -> str:
    code = normalise_code(text)
    if not (code.isascii() and code.isdigit() and len(code) in lengths):
        n = "或".join(str(n) for n in lengths)
        raise _RowProblem(f"应为{n}位数字，实际为“{text}”")
    return code


def _choice(text: str, options: dict[str, str], allowed: Sequence[str]) -> str:
    value = options.get(_nfkc(text).replace(" ", ""))
    if value is None:
        raise _RowProblem(f"应为{'、'.join(allowed)}之一，实际为“{text}”")
    return value


def _choice_map(choices: Iterable[tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    """Label -> value, keyed by the NFKC form so full-width and half-width brackets both match."""
    out = {_nfkc(str(label)): str(value) for value, label in choices}
    for alias, value in (extra or {}).items():
        out[_nfkc(alias)] = value
    return out


def _yes_no(text: str) -> bool:
    t = _nfkc(text).lower()
    if t in ("", "否", "n", "no", "false", "0", "×"):
        return False
    if t in ("是", "y", "yes", "true", "1", "√"):
        return True
    raise _RowProblem(f"应为“是”或“否”，实际为“{text}”")


def _integer(text: str, low: int, high: int, *, suffix: str = "") -> int | None:
    t = _nfkc(text).replace(",", "")
    if suffix:
        t = t.removesuffix(suffix)
    if not t:
        return None
    if re.fullmatch(r"\d+\.0*", t):
        t = t.split(".")[0]
    if not re.fullmatch(r"-?\d+", t):
        raise _RowProblem(f"应为整数，实际为“{text}”")
    n = int(t)
    if not low <= n <= high:
        raise _RowProblem(f"应在{low}至{high}之间，实际为{n}")
    return n


def _year(text: str) -> int | None:
    return _integer(text, 1930, timezone.localdate().year, suffix="年")


def _coordinate(text: str, low: int, high: int) -> Decimal | None:
    t = _nfkc(text)
    if not t:
        return None
    try:
        value = Decimal(t)
    except InvalidOperation:
        raise _RowProblem(f"应为小数，实际为“{text}”") from None
    if not value.is_finite() or not low <= value <= high:
        raise _RowProblem(f"应在{low}至{high}之间，实际为“{text}”")
    return value.quantize(Decimal("0.000001"))


_CN_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
                "十一": 11, "十二": 12}


def _grade(text: str) -> int | None:
    t = _nfkc(text).removesuffix("年级")
    if t in _CN_NUMERALS:
        return _CN_NUMERALS[t]
    return _integer(t, 1, 12)


def _date(raw: object, text: str) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    t = _nfkc(text)
    if not t:
        return None
    if isinstance(raw, int | float) and 20000 <= raw <= 80000:
        # A date typed into a number-formatted cell arrives as Excel's day serial.
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(raw))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", t) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", t)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            pass
    raise _RowProblem(f"应为日期（如2024-09-01），实际为“{text}”")


def _date_reader(raw: object) -> Callable[[str], dt.date | None]:
    """A date parser that also sees the cell's typed value (a real date, or a day serial)."""
    return lambda text: _date(raw, text)


def _text(text: str, limit: int) -> str:
    if len(text) > limit:
        raise _RowProblem(f"不能超过{limit}字，实际为{len(text)}字")
    return text


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


# ---------------------------------------------------------------- regions


_REGION_KINDS = _choice_map([c for c in OrgKind.choices if c[0] != OrgKind.SCHOOL],
                            {"县": OrgKind.COUNTY, "区": OrgKind.COUNTY, "县区": OrgKind.COUNTY,
                             "乡镇": OrgKind.TOWNSHIP, "街道": OrgKind.TOWNSHIP, "乡": OrgKind.TOWNSHIP,
                             "镇": OrgKind.TOWNSHIP})


@dataclass
class _RegionRow:
    number: int
    code: str
    name: str
    kind: str
    parent_code: str
    attrs: dict[str, Any]
    path: str = ""
    depth: int = 0


def _import_regions(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    parsed: list[_RegionRow] = []
    for row in rows:
        c = row.cells
        ok = True
        values: dict[str, Any] = {}
        parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("代码", lambda t: _code(t, (6, 9))),
            ("名称", lambda t: _text(t, 100)),
            ("类别", lambda t: _choice(t, _REGION_KINDS, REGION_KIND_LABELS)),
            ("上级代码", lambda t: _code(t, (6, 9)) if t else ""),
            ("教育行政部门", lambda t: _text(t, 100)),
            ("教研机构", lambda t: _text(t, 100)),
        )
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, ((h, h, f) for h, f in parsers),
                                              ("代码", "名称", "类别"))
        values.update(parsed_cells)
        ok = ok and cells_ok
        if not ok:
            continue
        kind = values["类别"]
        if kind in (OrgKind.CITY, OrgKind.COUNTY, OrgKind.PROVINCE) and len(values["代码"]) != 6:
            ctx.error(row.number, "代码", f"应为6位数字，实际为“{c['代码']}”")
            continue
        attrs = {f: values[h] for h, f in (("教育行政部门", "bureau_name"), ("教研机构", "institute_name"))
                 if h in values}
        parsed.append(_RegionRow(row.number, values["代码"], values["名称"], kind,
                                 values.get("上级代码", ""), attrs))
    dup = _duplicates(((r.number, r.code) for r in parsed), "代码", ctx)
    parsed = [r for r in parsed if r.number not in dup]
    # Codes of rows that failed to parse: a child of such a row should not hear "not in the file".
    good_numbers = {r.number for r in parsed}
    bad_codes = {normalise_code(row.cells.get("代码", "")) for row in rows if row.number not in good_numbers}
    in_file = {r.code: r for r in parsed}
    codes = set(in_file) | {r.parent_code for r in parsed if r.parent_code}
    existing = {n.code: n for n in _by_key(OrgNode.objects.select_for_update(), "code", codes)}

    # Resolve each row's path through parents that exist or come earlier or later in the file.
    resolving: set[str] = set()

    def resolve(r: _RegionRow) -> bool:
        if r.path:
            return True
        if r.code in resolving:
            ctx.error(r.number, "上级代码", "上级关系形成循环")
            return False
        if r.kind == OrgKind.PROVINCE:
            if r.parent_code:
                ctx.error(r.number, "上级代码", "省级区域不应填写上级代码")
                return False
            r.path, r.depth = f"{r.code}/", 0
            return True
        if not r.parent_code:
            ctx.error(r.number, "上级代码", f"「{_node_kind_label(r.kind)}」必须填写上级代码")
            return False
        allowed = PARENT_KINDS[r.kind]
        node = existing.get(r.parent_code)
        if node is not None:
            parent_kind, parent_path, parent_depth = node.kind, node.path, node.depth
        elif r.parent_code in in_file:
            parent = in_file[r.parent_code]
            resolving.add(r.code)
            ok = resolve(parent)
            resolving.discard(r.code)
            if not ok:
                ctx.error(r.number, "上级代码", f"上级区域（代码{r.parent_code}）有错误")
                return False
            parent_kind, parent_path, parent_depth = parent.kind, parent.path, parent.depth
        elif r.parent_code in bad_codes:
            ctx.error(r.number, "上级代码", f"上级区域（代码{r.parent_code}）所在行有错误，请先改正该行")
            return False
        else:
            ctx.error(r.number, "上级代码", f"找不到代码为{r.parent_code}的区域，也不在本文件中")
            return False
        if parent_kind not in allowed:
            want = "或".join(_node_kind_label(k) for k in allowed)
            ctx.error(r.number, "上级代码", f"「{_node_kind_label(r.kind)}」的上级应为{want}，"
                                            f"代码为{r.parent_code}的是{_node_kind_label(parent_kind)}")
            return False
        r.path, r.depth = f"{parent_path}{r.code}/", parent_depth + 1
        return True

    creates: list[_RegionRow] = []
    updates: list[tuple[OrgNode, dict[str, Any], list[str]]] = []
    for r in parsed:
        node = existing.get(r.code)
        if node is not None:
            if node.kind != r.kind:
                what = "学校" if node.kind == OrgKind.SCHOOL else _node_kind_label(node.kind)
                ctx.error(r.number, "类别", f"代码{r.code}已是{what}，类别不能通过导入修改")
                continue
            current_parent = node.path.removesuffix(f"{r.code}/").rstrip("/").rsplit("/", 1)[-1]
            if "上级代码" in ctx.present and r.parent_code != current_parent:
                ctx.error(r.number, "上级代码", f"该区域现在的上级代码为{current_parent or '（无）'}，"
                                                 "不能通过导入调整上级")
                continue
            if not can_manage_node(ctx.actor, node):
                ctx.error(r.number, "代码", "无权在该单位导入")
                continue
            # Existing rows keep their path so later rows can hang under them.
            r.path, r.depth = node.path, node.depth
            old = snapshot(node)
            changed = _set_changed(node, {"name": r.name, **r.attrs})
            if changed:
                updates.append((node, old, changed))
            else:
                report.unchanged += 1
            continue
        if not resolve(r):
            continue
        if not _may_manage_path(ctx.actor, r.path):
            ctx.error(r.number, "上级代码", "无权在该单位导入")
            continue
        creates.append(r)
    if ctx.errors:
        return

    # Parents first: each level is inserted in bulk once the level above has its ids.
    by_path = {n.path: n for n in existing.values()}
    created_nodes: list[OrgNode] = []
    for depth in sorted({r.depth for r in creates}):
        level = []
        for r in (x for x in creates if x.depth == depth):
            parent_path = r.path.removesuffix(f"{r.code}/")
            node = OrgNode(code=r.code, name=r.name, kind=r.kind, path=r.path, depth=r.depth,
                           parent=by_path.get(parent_path) if parent_path else None, **r.attrs)
            level.append(node)
        OrgNode.objects.bulk_create(level, batch_size=500)
        for node in level:
            by_path[node.path] = node
        created_nodes.extend(level)
    _bulk_save(OrgNode, ctx.actor, [], updates)
    audit_bulk(ctx.actor, [(AuditEvent.Action.CREATE, n, None) for n in created_nodes])
    report.created, report.updated = len(created_nodes), len(updates)


# ---------------------------------------------------------------- schools


_SCHOOL_TYPES = _choice_map(SchoolType.choices, {"九年一贯制": SchoolType.NINE_YEAR, "初中": SchoolType.JUNIOR,
                                                 "高中": SchoolType.SENIOR, "十二年一贯制": SchoolType.TWELVE_YEAR})
_LOCALES = _choice_map(Locale.choices, {"城市": Locale.URBAN, "镇": Locale.TOWN, "农村": Locale.RURAL})

_SCHOOL_FIELDS: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("学校名称", "name", lambda t: _text(t, 100)),
    ("办学类型", "school_type", lambda t: _choice(t, _SCHOOL_TYPES, _labels(SchoolType.choices))),
    ("城乡类别", "locale", lambda t: _choice(t, _LOCALES, _labels(Locale.choices)) if t else ""),
    ("薄弱学校", "is_weak", _yes_no),
    ("教学点", "is_teaching_point", _yes_no),
    ("班级数", "class_count", lambda t: _integer(t, 0, 1000) or 0),
    ("学生数", "student_count", lambda t: _integer(t, 0, 100000) or 0),
    ("地址", "address", lambda t: _text(t, 200)),
    ("经度", "longitude", lambda t: _coordinate(t, 73, 136)),
    ("纬度", "latitude", lambda t: _coordinate(t, 3, 54)),
)


def _import_schools(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    parsed: list[tuple[int, str, str, dict[str, Any], bool]] = []
    for row in rows:
        c = row.cells
        ok = True
        code = parent_code = ""
        attrs: dict[str, Any] = {}
        try:
            code = _code(c["学校标识码"], (10,)) if c.get("学校标识码") else ""
            if not code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "学校标识码", str(e))
            ok = False
        try:
            parent_code = _code(c["上级代码"], (6, 9)) if c.get("上级代码") else ""
            if not parent_code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "上级代码", str(e))
            ok = False
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, _SCHOOL_FIELDS, ("学校名称", "办学类型"))
        attrs.update(parsed_cells)
        ok = ok and cells_ok
        if parent_code:
            # A row with a bad cell still has its parent checked, so one upload reports all of
            # the row's problems; only fully valid rows are written.
            parsed.append((row.number, code, parent_code, attrs, ok))
    dup = _duplicates(((n, code) for n, code, _p, _a, _ok in parsed if code), "学校标识码", ctx)
    parsed = [p for p in parsed if p[0] not in dup]
    codes = {p[1] for p in parsed if p[1]} | {p[2] for p in parsed}
    nodes = {n.code: n for n in _by_key(OrgNode.objects.select_for_update(), "code", codes)}

    creates: list[OrgNode] = []
    updates: list[tuple[OrgNode, dict[str, Any], list[str]]] = []
    for number, code, parent_code, attrs, ok in parsed:
        parent = nodes.get(parent_code)
        if parent is None:
            ctx.error(number, "上级代码", f"找不到代码为{parent_code}的区域")
            continue
        if parent.kind not in PARENT_KINDS[OrgKind.SCHOOL]:
            ctx.error(number, "上级代码", f"学校的上级应为县（区）或乡镇（街道），代码为{parent_code}的是"
                                           f"{_node_kind_label(parent.kind)}")
            continue
        path = f"{parent.path}{code}/"
        if not _may_manage_path(ctx.actor, path):
            ctx.error(number, "上级代码", "无权在该单位导入")
            continue
        if not code:
            continue
        node = nodes.get(code)
        if node is None:
            if ok:
                creates.append(OrgNode(code=code, kind=OrgKind.SCHOOL, parent=parent, path=path,
                                       depth=parent.depth + 1, **attrs))
            continue
        if node.kind != OrgKind.SCHOOL:
            ctx.error(number, "学校标识码", f"代码{code}已是{_node_kind_label(node.kind)}，不是学校")
            continue
        if not can_manage_node(ctx.actor, node):
            ctx.error(number, "学校标识码", "无权在该单位导入")
            continue
        if not ok:
            continue
        old = snapshot(node)
        # A school has no nodes below it, so moving it to another township is a change of
        # parent, path and depth only.
        changed = _set_changed(node, {**attrs, "parent_id": parent.pk, "path": path, "depth": parent.depth + 1})
        if changed:
            updates.append((node, old, changed))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    _bulk_save(OrgNode, ctx.actor, creates, updates)
    report.created, report.updated = len(creates), len(updates)


# ---------------------------------------------------------------- people


def _title_map() -> dict[str, str]:
    out = _choice_map(Title.choices, {"无": Title.NONE, "未评": Title.NONE, **OLD_TITLE_NAMES})
    # "高级", "中学高级": the 教师 suffix is often left off.
    for label, value in list(out.items()):
        if label.endswith("教师"):
            out.setdefault(label.removesuffix("教师"), value)
    return out


_TITLES = _title_map()
_GENDERS = _choice_map(Gender.choices, {"男性": Gender.MALE, "女性": Gender.FEMALE})
_STAGES = _choice_map(Stage.choices, {"幼儿园": Stage.PRESCHOOL, "学前教育": Stage.PRESCHOOL})
_PERSON_CODE = re.compile(r"[A-Za-z0-9_-]{1,32}")


class _Subjects:
    """Subject lookup by official name or everyday alias, loaded once per import."""

    def __init__(self) -> None:
        self.by_name = {_nfkc(s.name): s for s in Subject.objects.all()}
        for alias, name in SUBJECT_ALIASES.items():
            if _nfkc(name) in self.by_name:
                self.by_name.setdefault(alias, self.by_name[_nfkc(name)])

    def one(self, text: str) -> Subject | None:
        t = _nfkc(text).replace(" ", "")
        if not t:
            return None
        subject = self.by_name.get(t)
        if subject is None:
            raise _RowProblem(f"找不到学科“{text}”")
        return subject

    def many(self, text: str) -> list[Subject]:
        names = [n for n in _LIST_SEPARATORS.split(_nfkc(text)) if n]
        if len(names) > _SUBJECT_LIMIT:
            raise _RowProblem(f"最多{_SUBJECT_LIMIT}个学科")
        missing = [n for n in names if n not in self.by_name]
        if missing:
            raise _RowProblem(f"找不到学科“{'、'.join(missing)}”")
        return list({self.by_name[n].pk: self.by_name[n] for n in names}.values())


def _import_people(rows: list[_Row], ctx: _Context, report: ImportReport) -> None:
    subjects = _Subjects()
    field_parsers: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
        ("姓名", "name", lambda t: _text(t, 40)),
        ("性别", "gender", lambda t: _choice(t, _GENDERS, _labels(Gender.choices)) if t else ""),
        ("出生年份", "birth_year", _year),
        ("职称", "title", lambda t: _choice(t, _TITLES, TITLE_LABELS) if t else Title.NONE),
        ("任教学段", "stage", lambda t: _choice(t, _STAGES, _labels(Stage.choices)) if t else ""),
        ("主教学科", "main_subject", subjects.one),
        ("兼教学科", "subjects", subjects.many),
        ("从教年份", "teaching_since", _year),
        ("电话", "phone", _phone),
    )
    parsed: list[tuple[int, str, str, dict[str, Any]]] = []
    for row in rows:
        c = row.cells
        ok = True
        code = _nfkc(c.get("人员编号", "")).replace(" ", "")
        code = normalise_code(code) if re.fullmatch(r"\d+\.0*", code) else code
        if not code:
            ctx.error(row.number, "人员编号", "必填")
            ok = False
        elif not _PERSON_CODE.fullmatch(code):
            ctx.error(row.number, "人员编号", f"只能包含字母、数字、短横线，不超过32位，实际为“{c['人员编号']}”")
            ok = False
        org_code = ""
        try:
            org_code = _code(c["工作单位代码"], (6, 9, 10)) if c.get("工作单位代码") else ""
            if not org_code:
                raise _RowProblem("必填")
        except _RowProblem as e:
            ctx.error(row.number, "工作单位代码", str(e))
            ok = False
        attrs: dict[str, Any] = {}
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, field_parsers, ("姓名",))
        attrs.update(parsed_cells)
        ok = ok and cells_ok
        birth, since = attrs.get("birth_year"), attrs.get("teaching_since")
        if birth and since and since < birth + 16:
            ctx.error(row.number, "从教年份", f"从教年份{since}早于出生年份{birth}加16年")
            ok = False
        if ok:
            main = attrs.get("main_subject")
            if main is not None and "subjects" in attrs:
                # The main subject is not also a subject taught on the side.
                attrs["subjects"] = [s for s in attrs["subjects"] if s.pk != main.pk]
            parsed.append((row.number, code, org_code, attrs))
    dup = _duplicates(((n, code) for n, code, _o, _a in parsed), "人员编号", ctx)
    parsed = [p for p in parsed if p[0] not in dup]
    orgs = {n.code: n for n in _by_key(OrgNode.objects.all(), "code", {p[2] for p in parsed})}
    people = {p.code: p for p in _by_key(Person.objects.select_for_update().select_related("org"), "code",
                                         {p[1] for p in parsed})}
    current_subjects: dict[int, set[int]] = {}
    links: Any = _by_key(Person.subjects.through.objects.all(), "person_id", [p.pk for p in people.values()])
    for link in links:
        current_subjects.setdefault(link.person_id, set()).add(link.subject_id)

    creates: list[tuple[Person, list[Subject] | None]] = []
    updates: list[tuple[Person, dict[str, Any], list[str]]] = []
    subject_changes: dict[int, list[Subject]] = {}
    for number, code, org_code, attrs in parsed:
        org = orgs.get(org_code)
        if org is None or not can_manage_node(ctx.actor, org):
            ctx.error(number, "工作单位代码", OUT_OF_SCOPE_ORG)
            continue
        side: list[Subject] | None = attrs.pop("subjects", None)
        values: dict[str, Any] = {**attrs, "org_id": org.pk}
        if "main_subject" in values:
            main_subject: Subject | None = values.pop("main_subject")
            values["main_subject_id"] = main_subject.pk if main_subject is not None else None
        if "name" in values:
            values["pinyin"], values["initials"] = name_keys(values["name"])
        person = people.get(code)
        if person is None:
            # The org instance (not just its id) lets the audit event find the scope path.
            del values["org_id"]
            creates.append((Person(code=code, org=org, **values), side))
            continue
        if not can_manage_node(ctx.actor, person.org):
            # The same words whether the code is someone's elsewhere or the actor may not write it.
            ctx.error(number, "人员编号", OCCUPIED_PERSON_CODE)
            continue
        old = snapshot(person)
        changed = _set_changed(person, values)
        if "org_id" in changed:
            person.org = org
        subjects_changed = side is not None and {s.pk for s in side} != current_subjects.get(person.pk, set())
        if subjects_changed:
            assert side is not None
            subject_changes[person.pk] = side
            # The audit snapshot holds concrete fields only, so the change of side subjects is
            # recorded by touching updated_at; see the report to the lead about M2M in audits.
            changed.append("updated_at")
        if changed:
            updates.append((person, old, [f for f in changed if f != "updated_at"]))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    new_people = [p for p, _s in creates]
    _bulk_save(Person, ctx.actor, new_people, updates)
    through = Person.subjects.through
    if subject_changes:
        through.objects.filter(person_id__in=list(subject_changes)).delete()
    links = [through(person_id=p.pk, subject_id=s.pk) for p, side in creates for s in side or []]
    links += [through(person_id=pid, subject_id=s.pk) for pid, side in subject_changes.items() for s in side]
    through.objects.bulk_create(links, batch_size=1000)
    report.created, report.updated = len(new_people), len(updates)


def _phone(text: str) -> str:
    t = _nfkc(text).replace(" ", "")
    if t and not re.fullmatch(r"\+?[0-9][0-9-]{2,19}", t):
        raise _RowProblem(f"应为数字（可含短横线），实际为“{text}”")
    return t


# ---------------------------------------------------------------- posts


_ROLES = _choice_map(Role.choices)


@dataclass
class _PostRow:
    number: int
    person_code: str
    role: str
    org_code: str
    subject: Subject | None
    start: dt.date | None
    attrs: dict[str, Any]


def _import_posts(rows: list[_Row], raw: dict[tuple[int, str], object], ctx: _Context,
                  report: ImportReport) -> None:
    subjects = _Subjects()
    parsed: list[_PostRow] = []
    for row in rows:
        c = row.cells
        ok = True
        values: dict[str, Any] = {}
        parsers: tuple[tuple[str, Callable[[str], Any]], ...] = (
            ("人员编号", lambda t: normalise_code(t) if re.fullmatch(r"\d+\.0*", _nfkc(t)) else _nfkc(t)),
            ("岗位", lambda t: _choice(t, _ROLES, _labels(Role.choices))),
            ("单位代码", lambda t: _code(t, (6, 9, 10))),
            ("学科", subjects.one),
            ("学段", lambda t: _choice(t, _STAGES, _labels(Stage.choices)) if t else ""),
            ("年级", _grade),
            ("开始日期", _date_reader(raw.get((row.number, "开始日期")))),
            ("结束日期", _date_reader(raw.get((row.number, "结束日期")))),
        )
        parsed_cells, cells_ok = _parse_cells(ctx, row.number, c, ((h, h, f) for h, f in parsers),
                                              ("人员编号", "岗位", "单位代码"))
        values.update(parsed_cells)
        ok = ok and cells_ok
        start, end = values.get("开始日期"), values.get("结束日期")
        if start and end and end < start:
            ctx.error(row.number, "结束日期", "结束日期早于开始日期")
            ok = False
        if not ok:
            continue
        attrs = {f: values[h] for h, f in (("学段", "stage"), ("年级", "grade"), ("结束日期", "end")) if h in values}
        parsed.append(_PostRow(row.number, values["人员编号"], values["岗位"], values["单位代码"],
                               values.get("学科"), start, attrs))

    people = {p.code: p for p in _by_key(people_visible_to(ctx.actor).select_related("org"), "code",
                                         {r.person_code for r in parsed})}
    orgs = {n.code: n for n in _by_key(OrgNode.objects.all(), "code", {r.org_code for r in parsed})}
    existing: dict[tuple[int, str, int, int | None, dt.date | None], Post] = {}
    for post in _by_key(Post.objects.select_for_update().order_by("pk"), "person_id", [p.pk for p in people.values()]):
        existing.setdefault((post.person_id, post.role, post.org_id, post.subject_id, post.start), post)
    keyed: list[tuple[int, tuple[str, str, str, int | None, dt.date | None]]] = [
        (r.number, (r.person_code, r.role, r.org_code, r.subject.pk if r.subject else None, r.start)) for r in parsed]
    dup = _duplicates(keyed, "人员编号", ctx)

    creates: list[Post] = []
    updates: list[tuple[Post, dict[str, Any], list[str]]] = []
    for r in parsed:
        if r.number in dup:
            continue
        person = people.get(r.person_code)
        if person is None:
            ctx.error(r.number, "人员编号", f"找不到人员编号为{r.person_code}的人员（请先导入人员）")
            continue
        org = orgs.get(r.org_code)
        # A unit that does not exist and one outside the actor's subtree get the same answer, and
        # the kind of a unit outside it is not told either: no existence oracle (issue 8, 13).
        if org is None or not can_manage_node(ctx.actor, org):
            ctx.error(r.number, "单位代码", OUT_OF_SCOPE_ORG)
            continue
        role_label = Role(r.role).label
        if r.role in REGION_ROLES and org.kind == OrgKind.SCHOOL:
            ctx.error(r.number, "单位代码", f"「{role_label}」岗位应设在区域，代码为{r.org_code}的是学校")
            continue
        if r.role not in REGION_ROLES and org.kind != OrgKind.SCHOOL:
            ctx.error(r.number, "单位代码", f"「{role_label}」岗位应设在学校，代码为{r.org_code}的是"
                                            f"{_node_kind_label(org.kind)}")
            continue
        found = existing.get((person.pk, r.role, org.pk, r.subject.pk if r.subject else None, r.start))
        if found is None:
            creates.append(Post(person=person, role=r.role, org=org, subject=r.subject, start=r.start, **r.attrs))
            continue
        post = found
        end = r.attrs.get("end", post.end)
        if post.start and end and end < post.start:
            ctx.error(r.number, "结束日期", "结束日期早于开始日期")
            continue
        old = snapshot(post)
        changed = _set_changed(post, r.attrs)
        if changed:
            updates.append((post, old, changed))
        else:
            report.unchanged += 1
    if ctx.errors:
        return
    _bulk_save(Post, ctx.actor, creates, updates)
    report.created, report.updated = len(creates), len(updates)


# ---------------------------------------------------------------- the service


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


# ---------------------------------------------------------------- workbooks for download


def template_workbook(kind: ImportKind) -> bytes:
    """The blank template: headers and one example row, dropdowns for enumerated columns, and a
    说明 sheet listing each column, whether it is required, its format and allowed values."""
    columns = COLUMNS[kind]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    head = book.add_format({"bold": True, "bg_color": "#E3F4EC", "border": 1})
    head_required = book.add_format({"bold": True, "bg_color": "#E3F4EC", "border": 1, "font_color": "#B42318"})
    text = book.add_format({"num_format": "@"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet(kind.label)
    choices_sheet = book.add_worksheet("选项")
    notes = book.add_worksheet("说明")
    for j, col in enumerate(columns):
        sheet.write_string(0, j, col.header, head_required if col.required else head)
        sheet.set_column(j, j, max(10, len(col.header) * 2 + 4, len(col.example) + 2),
                         text if col.text else None)
        if col.example:
            sheet.write_string(1, j, col.example)
        if col.choices:
            # Lists longer than 255 characters cannot be inline, so every list lives on the
            # 选项 sheet and the validation refers to its range.
            for i, choice in enumerate(col.choices):
                choices_sheet.write_string(i, j, choice)
            letter = xl_col_to_name(j)
            sheet.data_validation(1, j, 5000, j, {
                "validate": "list", "source": f"=选项!${letter}$1:${letter}${len(col.choices)}",
                "error_type": "warning", "error_message": "请从下拉列表中选择"})
    sheet.freeze_panes(1, 0)
    choices_sheet.hide()
    notes.write_row(0, 0, ["列名", "是否必填", "格式", "可选值"], head)
    for i, col in enumerate(columns, start=1):
        notes.write_row(i, 0, [col.header, "必填" if col.required else "选填", col.fmt, "、".join(col.choices)], wrap)
    tail = len(columns) + 2
    notes.write_string(tail, 0, "第一行为列名，请勿修改；示例行请替换为实际数据。列的顺序可以调整。")
    notes.write_string(tail + 1, 0, "已存在的记录按代码（人员按人员编号）更新；选填列留空表示清空该项，整列删除则不修改该项。")
    notes.write_string(tail + 2, 0, "文件中任何一行有错误时，整个文件都不会导入；请按错误报告修改后重新上传。")
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 48)
    notes.set_column(3, 3, 60)
    book.close()
    return buffer.getvalue()


def error_workbook(report: ImportReport) -> bytes:
    """The errors of a failed import as a workbook (行, 列, 原因) the user can work through."""
    return errors_workbook(report.filename, [(e.row, e.column, e.reason) for e in report.errors])


def errors_workbook(filename: str, errors: Sequence[tuple[int, str, str]]) -> bytes:
    """The same from plain tuples, for errors kept in the session between requests."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    head = book.add_format({"bold": True, "bg_color": "#FDECEA", "border": 1})
    sheet = book.add_worksheet("错误报告")
    sheet.write_string(0, 0, f"文件：{filename}")
    sheet.write_row(1, 0, ["行", "列", "原因"], head)
    for i, (row, column, reason) in enumerate(errors, start=2):
        if row:
            sheet.write_number(i, 0, row)
        else:
            sheet.write_string(i, 0, "—")
        sheet.write_string(i, 1, column)
        sheet.write_string(i, 2, reason)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 80)
    sheet.freeze_panes(2, 0)
    book.close()
    return buffer.getvalue()
