"""Reading and checking the 任课安排 sheet (who taught which class in which subject): pure
functions over plain lookups the service fetched, no ORM."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from core.exporting import WORKBOOK_OPTIONS
from core.spreadsheets import ReadError as ReadError  # re-exported: the score import's error type
from quality.importing.scores import Cell, Problem, _classcell_text, _Collector, cell_text, col_letter

# ---------------------------------------------------------------------------------- class teachers
#
# The 任课安排 sheet (who taught which class in which subject for an exam): four columns by name,
# one row per (school, class, subject). Reading finds the header and the raw cells; checking
# resolves them against plain lookups the service fetched, so both stay free of the ORM.

CLASS_TEACHER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("school", "学校标识码"), ("class", "班级"), ("subject", "学科"), ("teacher", "教师编号"))
# Other names users give the same columns (a staff list exported from another system).
_CLASS_TEACHER_ALIASES: dict[str, str] = {
    "学校标识码": "school", "学校代码": "school", "学校编码": "school",
    "班级": "class", "班级名称": "class", "班别": "class",
    "学科": "subject", "科目": "subject", "任教学科": "subject",
    "教师编号": "teacher", "人员编号": "teacher", "教职工号": "teacher", "教师工号": "teacher",
}
CLASS_TEACHER_MAX_ROWS = 20000


@dataclass(frozen=True)
class RawAssignment:
    """One data row as typed (normalised: half-width, spaces removed from codes and classes)."""

    row: int  # the Excel row number
    school: str
    class_label: str
    subject: str
    teacher: str


@dataclass(frozen=True)
class AssignmentSheet:
    rows: tuple[RawAssignment, ...]
    columns: dict[str, str]  # field -> "B（班级）", for messages
    problems: tuple[Problem, ...]  # file-level errors (no header, too many rows)


def _header_key(v: Cell) -> str:
    return cell_text(v).replace(" ", "").strip("*＊")


def read_class_teachers(rows: Sequence[Sequence[Cell]], *, scan: int = 10) -> AssignmentSheet:
    """The header is the first of the top `scan` rows naming at least two of the four columns
    (a title row above it is allowed); blank rows and repeated header rows are skipped."""
    found: dict[str, int] = {}
    header_row = -1
    for r, row in enumerate(rows[:scan]):
        cols: dict[str, int] = {}
        for c, v in enumerate(row):
            name = _CLASS_TEACHER_ALIASES.get(_header_key(v))
            if name is not None and name not in cols:
                cols[name] = c
        if len(cols) >= 2:
            found, header_row = cols, r
            break
    expected = "、".join(label for _, label in CLASS_TEACHER_COLUMNS)
    if header_row < 0:
        return AssignmentSheet((), {}, (Problem(0, "", f"找不到表头行：请使用下载的模板，列名为 {expected}"),))
    labels = [_header_key(v) for v in rows[header_row]]
    columns = {f: f"{col_letter(c)}（{labels[c]}）" for f, c in found.items()}
    missing = [label for f, label in CLASS_TEACHER_COLUMNS if f not in found]
    if missing:
        return AssignmentSheet((), columns, (Problem(header_row + 1, "", f"缺少“{'、'.join(missing)}”列（应有 {expected}）"),))

    def cell(row: Sequence[Cell], f: str) -> str:
        c = found[f]
        return cell_text(row[c]) if c < len(row) else ""

    out: list[RawAssignment] = []
    for r in range(header_row + 1, len(rows)):
        row = rows[r]
        if not any(cell_text(v) for v in row):
            continue
        if [_header_key(v) for v in row[: len(labels)]] == labels:
            continue
        out.append(RawAssignment(r + 1, cell(row, "school").replace(" ", ""), _classcell_text(cell(row, "class")),
                                 cell(row, "subject").replace(" ", ""), cell(row, "teacher").replace(" ", "")))
    if not out:
        return AssignmentSheet((), columns, (Problem(0, "", "文件中没有数据行"),))
    if len(out) > CLASS_TEACHER_MAX_ROWS:
        return AssignmentSheet((), columns, (Problem(0, "", f"一个文件最多{CLASS_TEACHER_MAX_ROWS}行，请按学校拆分后分批导入"),))
    return AssignmentSheet(tuple(out), columns, ())


@dataclass(frozen=True)
class SchoolRef:
    id: int
    name: str
    in_exam: bool  # under the exam's organising node
    allowed: bool  # the uploader may import for it


def school_problem(code: str, school: SchoolRef | None, what: str) -> str | None:
    """Why a row's 学校标识码 cannot stand, in the sheet's words (None: it can); `what` names what
    the sheet imports (任课安排, 学生信息)."""
    if not code:
        return "学校标识码为空"
    if school is None:
        return f"没有学校标识码为“{code}”的学校"
    if not school.in_exam:
        return f"{school.name}（{code}）不在本次考试范围内"
    if not school.allowed:
        return f"无权为{school.name}（{code}）导入{what}"
    return None


@dataclass(frozen=True)
class TeacherRef:
    id: int
    name: str
    org_id: int


@dataclass(frozen=True)
class Assignment:
    row: int
    school_id: int
    class_label: str
    subject_id: int
    teacher_id: int


@dataclass
class AssignmentCheck:
    assignments: list[Assignment]
    problems: list[Problem]
    error_count: int
    warning_count: int

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def check_class_teachers(sheet: AssignmentSheet, *, schools: dict[str, SchoolRef], subjects: dict[str, int],
                         exam_subjects: dict[int, str], teachers: dict[str, TeacherRef],
                         known_classes: dict[tuple[int, int], set[str]] | None = None) -> AssignmentCheck:
    """Every row against the lookups; any error rejects the file. `subjects` maps a subject's name,
    short name and code to its id; `exam_subjects` the subjects with a paper in the exam to their
    names; `known_classes` the class labels of the exam's scores per (school, subject), so a class
    name that differs from the score sheet's is reported (a warning: scores may come later)."""
    out = _Collector()
    for p in sheet.problems:
        out.add(p.row, p.column, p.reason, p.level)
    col = sheet.columns
    seen: dict[tuple[int, str, int], int] = {}
    result: list[Assignment] = []
    for a in sheet.rows:
        ok = True
        school = schools.get(a.school)
        if (why := school_problem(a.school, school, "任课安排")) is not None:
            out.add(a.row, col["school"], why)
            ok = False
        if not a.class_label:
            out.add(a.row, col["class"], "班级为空")
            ok = False
        elif len(a.class_label) > 30:
            out.add(a.row, col["class"], "班级名称超过30个字")
            ok = False
        subject_id = subjects.get(a.subject)
        if not a.subject:
            out.add(a.row, col["subject"], "学科为空")
            ok = False
        elif subject_id is None:
            out.add(a.row, col["subject"], f"没有学科“{a.subject}”")
            ok = False
        elif subject_id not in exam_subjects:
            out.add(a.row, col["subject"], f"本次考试没有“{a.subject}”试卷（本次考试的学科："
                    f"{'、'.join(exam_subjects.values()) or '无'}）")
            ok = False
        teacher = teachers.get(a.teacher)
        if not a.teacher:
            out.add(a.row, col["teacher"], "教师编号为空")
            ok = False
        elif teacher is None:
            out.add(a.row, col["teacher"], f"没有教师编号为“{a.teacher}”的人员")
            ok = False
        elif school is not None and teacher.org_id != school.id:
            out.add(a.row, col["teacher"], f"{teacher.name}（{a.teacher}）的工作单位不是{school.name}")
            ok = False
        if not ok or school is None or subject_id is None or teacher is None:
            continue
        key = (school.id, a.class_label, subject_id)
        if key in seen:
            out.add(a.row, col["class"], f"与第{seen[key]}行重复：同一学校、班级、学科只能填一位任课教师")
            continue
        seen[key] = a.row
        known = (known_classes or {}).get((school.id, subject_id))
        if known and a.class_label not in known:
            out.add(a.row, col["class"], f"本次考试{exam_subjects[subject_id]}成绩中{school.name}没有“{a.class_label}”，"
                    "请核对班级名称是否与成绩表一致（仍会导入）", "warning")
        result.append(Assignment(a.row, school.id, a.class_label, subject_id, teacher.id))
    return AssignmentCheck(result, out.problems, out.errors, out.warnings)


def class_teacher_workbook(rows: Sequence[Sequence[str]]) -> bytes:
    """The template: the four columns (codes formatted as text so Excel keeps every digit), the
    given rows (the current assignments, to edit and upload again), and a 说明 sheet."""
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS)
    head = book.add_format({"bold": True, "bg_color": "#E3F4EC", "border": 1})
    note_head = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1})
    text = book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("任课安排")
    headers = [label for _, label in CLASS_TEACHER_COLUMNS] + ["教师姓名（仅供核对，不导入）"]
    for c, label in enumerate(headers):
        sheet.write_string(0, c, label, head)
        sheet.set_column(c, c, 16 if c < 4 else 26, text)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            sheet.write_string(r, c, v)
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("说明")
    notes.write_row(0, 0, ["列名", "填写说明"], note_head)
    for r, (label, how) in enumerate([
            ("学校标识码", "10位学校标识码，学校须在本次考试范围内"),
            ("班级", "与成绩表中的班级名称一致，如 8(1)班"),
            ("学科", "本次考试的学科名称，如 数学"),
            ("教师编号", "人员编号（教职工号），教师须在该校任职")], start=1):
        notes.write_row(r, 0, [label, how])
    notes.write_string(6, 0, "每个学校、班级、学科一行。重新导入时，文件中出现的班级和学科以新文件为准，其余不变。")
    notes.write_string(7, 0, "文件中任何一行有错误时，整个文件都不会导入；请按错误提示修改后重新上传。")
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 60)
    book.close()
    return buf.getvalue()
