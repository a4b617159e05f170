"""Reading and checking the 学生群体信息 sheet (issue 15): per student, the school, the
school-issued 学号/考号, and any of 性别, 是否住校, 留守儿童, 随迁子女. Pure functions over plain
lookups the service fetched, no ORM."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from quality.importing.class_teachers import SchoolRef as SchoolRef  # re-exported for the service
from quality.importing.class_teachers import school_problem
from quality.importing.scores import _ID_RE, Cell, Problem, _Collector, cell_text, col_letter

ATTRIBUTE_FIELDS: tuple[str, ...] = ("gender", "boarding", "left_behind", "migrant")
FIELD_LABELS: dict[str, str] = {"school": "学校标识码", "id": "学号/考号", "gender": "性别", "boarding": "是否住校",
                                "left_behind": "留守儿童", "migrant": "随迁子女"}
# Header names users write for each column (a register export, a class teacher's own sheet).
_HEADERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("school", re.compile(r"学校标识码|学校代码|学校编码")),
    ("id", _ID_RE),
    ("gender", re.compile(r"性别")),
    ("boarding", re.compile(r"住校|住宿|寄宿|走读")),
    ("left_behind", re.compile(r"留守")),
    ("migrant", re.compile(r"随迁|进城务工")),
)
MAX_ROWS = 50000

_UNKNOWN = {"", "未知", "不详", "未登记", "-", "—", "/"}
_GENDER = {"男": "m", "男生": "m", "M": "m", "MALE": "m", "女": "f", "女生": "f", "F": "f", "FEMALE": "f"}
_YES = {"是", "Y", "YES", "1", "√", "✓", "TRUE"}
_NO = {"否", "N", "NO", "0", "×", "✗", "FALSE"}
# Values that name the group itself ("住校"/"走读" in a 住宿情况 column).
_WORDS: dict[str, dict[str, bool]] = {
    "boarding": {"住校": True, "住宿": True, "寄宿": True, "住校生": True, "走读": False, "走读生": False},
    "left_behind": {"留守": True, "留守儿童": True, "非留守": False, "非留守儿童": False},
    "migrant": {"随迁": True, "随迁子女": True, "非随迁": False, "非随迁子女": False},
}


@dataclass(frozen=True)
class RawAttributes:
    row: int  # the Excel row number
    school: str
    student_id: str
    values: dict[str, str]  # field -> the cell as typed, only for the columns the sheet has


@dataclass(frozen=True)
class AttributeSheet:
    rows: tuple[RawAttributes, ...]
    columns: dict[str, str]  # field -> "C（性别）", for messages
    problems: tuple[Problem, ...]  # file-level errors


def read_student_attributes(rows: Sequence[Sequence[Cell]], *, scan: int = 10) -> AttributeSheet:
    """The header is the first of the top `scan` rows naming the school, the student and at
    least one attribute; a title row above it is allowed; blank rows are skipped."""
    found: dict[str, int] = {}
    header_row = -1
    for r, row in enumerate(rows[:scan]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            text = cell_text(v).replace(" ", "")
            for f, pattern in _HEADERS:
                if f not in cols and text and pattern.search(text):
                    cols[f] = c
                    break
        if len(cols) >= 2:
            found, header_row = cols, r
            break
    expected = "学校标识码、学号（或考号），以及性别、是否住校、留守儿童、随迁子女中的至少一列"
    if header_row < 0:
        return AttributeSheet((), {}, (Problem(0, "", f"找不到表头行：列名应为{expected}"),))
    labels = [cell_text(v) for v in rows[header_row]]
    columns = {f: f"{col_letter(c)}（{labels[c]}）" for f, c in found.items()}
    missing = [FIELD_LABELS[f] for f in ("school", "id") if f not in found]
    if missing or not any(f in found for f in ATTRIBUTE_FIELDS):
        what = "、".join(missing) if missing else "性别、是否住校、留守儿童、随迁子女"
        return AttributeSheet((), columns, (Problem(header_row + 1, "", f"缺少“{what}”列（应有{expected}）"),))

    def cell(row: Sequence[Cell], c: int) -> str:
        return cell_text(row[c]).replace(" ", "") if c < len(row) else ""

    out: list[RawAttributes] = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if not any(cell_text(v) for v in row):
            continue
        out.append(RawAttributes(r + 1, cell(row, found["school"]), cell(row, found["id"]),
                                 {f: cell(row, found[f]) for f in ATTRIBUTE_FIELDS if f in found}))
    if not out:
        return AttributeSheet((), columns, (Problem(0, "", "文件中没有数据行"),))
    if len(out) > MAX_ROWS:
        return AttributeSheet((), columns, (Problem(0, "", f"一个文件最多{MAX_ROWS}行，请按学校拆分后分批导入"),))
    return AttributeSheet(tuple(out), columns, ())


def parse_gender(text: str) -> str | None:
    """"m", "f", "" (not recorded), or None when the cell is not a gender."""
    t = text.upper()
    if t in _UNKNOWN:
        return ""
    return _GENDER.get(t)


def parse_flag(field: str, text: str) -> tuple[bool, bool | None]:
    """(understood, value): value None is "not recorded"."""
    t = text.upper()
    if t in _UNKNOWN:
        return True, None
    if t in _YES:
        return True, True
    if t in _NO:
        return True, False
    word = _WORDS[field].get(text)
    return (True, word) if word is not None else (False, None)


@dataclass(frozen=True)
class StudentAttributes:
    row: int
    student_id: int  # the Student row
    values: dict[str, str | bool | None]  # only the sheet's columns: a blank cell clears the field


@dataclass
class AttributeCheck:
    rows: list[StudentAttributes]
    problems: list[Problem]
    error_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def check_student_attributes(sheet: AttributeSheet, *, schools: dict[str, SchoolRef],
                             students: dict[tuple[int, str], int], key_of: dict[str, str]) -> AttributeCheck:
    """Every row against the lookups; any error rejects the file. `students` maps (school id,
    pseudonymous key) to the Student id; `key_of` maps each typed 学号 to its key."""
    out = _Collector()
    for p in sheet.problems:
        out.add(p.row, p.column, p.reason, p.level)
    col = sheet.columns
    seen: dict[tuple[int, str], int] = {}
    result: list[StudentAttributes] = []
    for a in sheet.rows:
        ok = True
        school = schools.get(a.school)
        if (why := school_problem(a.school, school, "学生信息")) is not None:
            out.add(a.row, col["school"], why)
            ok = False
        student = None
        if not a.student_id:
            out.add(a.row, col["id"], "学号/考号为空")
            ok = False
        elif school is not None and ok:
            student = students.get((school.id, key_of[a.student_id]))
            if student is None:
                out.add(a.row, col["id"], f"{school.name}没有学号/考号为“{a.student_id}”的学生（请先导入该校成绩）")
                ok = False
        values: dict[str, str | bool | None] = {}
        for f, text in a.values.items():
            if f == "gender":
                g = parse_gender(text)
                if g is None:
                    out.add(a.row, col[f], f"性别“{text}”无法识别：应填“男”或“女”，不详可留空")
                    ok = False
                values[f] = g
            else:
                understood, flag = parse_flag(f, text)
                if not understood:
                    out.add(a.row, col[f], f"{FIELD_LABELS[f]}“{text}”无法识别：应填“是”或“否”，不详可留空")
                    ok = False
                values[f] = flag
        if not ok or school is None or student is None:
            continue
        key = (school.id, a.student_id)
        if key in seen:
            out.add(a.row, col["id"], f"与第{seen[key]}行重复：同一学校的同一学生只能填一行")
            continue
        seen[key] = a.row
        result.append(StudentAttributes(a.row, student, values))
    return AttributeCheck(result, out.problems, out.errors)
