"""Reading the score sheets real users have (issue 4 "Import"): pure functions, no ORM.

Files come from exam vendors (one row per student, item columns, a status column) and from
teachers (merged two-row headers such as 客观题/主观题 over item numbers, 缺考/作弊/免考 written in
score cells, full-width digits typed with a Chinese input method, blank rows between classes,
a total that disagrees with the item sum). The steps:

1. `read_table` reads .xlsx (python-calamine, ≈10× faster than openpyxl) or .csv (UTF-8 or
   GB18030) through the bounded reader core.spreadsheets, filling merged header cells.
2. `detect_header` finds the header rows (one or two) and builds one label per column.
3. `propose_mapping` guesses each column's role from its label; the user confirms it on a page.
4. `parse_scores` validates every cell column by column and returns the per-(paper, school)
   score arrays plus every problem by row, column and reason in Chinese. Any error rejects the
   whole file (the service writes nothing); warnings (a total that disagrees with the item sum,
   scores given for a student marked absent) are reported and the file can still be applied.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from core import spreadsheets
from core.spreadsheets import SCORE_LIMITS, Limits
from core.spreadsheets import ReadError as ReadError  # re-exported: the score import's error type
from quality.blocks import ABSENT, CHEAT, EXEMPT, MISSING, NO_TOTAL, SAT

Cell = Any
Role = Literal["id", "name", "school", "class", "status", "total", "item", "ignore"]
ROLE_LABELS: dict[str, str] = {
    "ignore": "不导入", "id": "学号/考号", "name": "姓名", "school": "学校", "class": "班级",
    "status": "考试状态", "total": "科目总分", "item": "小题得分",
}
MAX_PROBLEMS = 1000

# Full-width digits, point, minus and letters typed with a Chinese IME become ASCII.
_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF0E: 0x2E, 0xFF0D: 0x2D, 0x3002: 0x2E, 0x3000: 0x20, 0xFF08: 0x28, 0xFF09: 0x29})
_FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})

MARKERS: dict[str, int] = {
    "缺考": ABSENT, "缺": ABSENT, "缺席": ABSENT, "未考": ABSENT, "缺考生": ABSENT,
    "作弊": CHEAT, "违纪": CHEAT, "舞弊": CHEAT,
    "免考": EXEMPT, "免": EXEMPT, "免试": EXEMPT,
}
_STATUS_OK = {"", "正常", "实考", "参考", "已考", "在考"}


def halfwidth(s: str) -> str:
    return s.translate(_FULLWIDTH).strip()


def col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


# ---------------------------------------------------------------------------------- reading


def read_table(content: bytes, filename: str, limits: Limits = SCORE_LIMITS) -> list[list[Cell]]:
    """The first sheet as rows of cells ('' for empty), read by the bounded reader
    (core.spreadsheets) within `limits`, merged cells filled from their first cell in the header
    area (the top 12 rows), where merges carry meaning. Raises ReadError (a DomainError)."""
    table = spreadsheets.read_table(content, filename, limits)
    rows = table.rows
    for (r0, c0), (r1, c1) in table.merges:
        if r0 > 12 or r0 >= len(rows):
            continue
        value = rows[r0][c0] if c0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, c1 + 1):
                if c < len(row) and (r, c) != (r0, c0) and row[c] == "":
                    row[c] = _Merged(value)
    return rows


def first_sheet_name(content: bytes, filename: str) -> str:
    """The name of the sheet `read_table` read (a class teacher often names it "8(3)班"). Call it
    only after `read_table` accepted the file: the bounded checks have run by then."""
    if not filename.lower().endswith(".xlsx"):
        return ""
    import io

    import python_calamine

    try:
        names = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content)).sheet_names
    except (python_calamine.CalamineError, ValueError, OSError):
        return ""
    return str(names[0]) if names else ""


class _Merged(str):
    """A header cell filled from a merge: it repeats the label above or to the left."""

    __slots__ = ()


# ---------------------------------------------------------------------------------- header

_ID_RE = re.compile(r"考号|学号|学籍|准考证|考生号|考生编号|学生编号|^编号$|^ID$", re.I)
_NAME_RE = re.compile(r"姓名|名字")
_SCHOOL_RE = re.compile(r"学校|校名|单位")
_CLASS_RE = re.compile(r"班级|班别|^班$")
_STATUS_RE = re.compile(r"状态|备注|考试情况|考试状态|缺考标记")
_TOTAL_RE = re.compile(r"总分|合计|成绩|得分|卷面分")
_IGNORE_RE = re.compile(r"名次|排名|排序|序号|等级|年级|性别|标准分|[TZ]分|超均")
_ITEM_RE = re.compile(r"^(?:第\s*)?([0-9]+(?:[(（-][0-9]+[)）]?)?)\s*(?:题|小题)?$|^[TQ]([0-9]+)$", re.I)
_KEYWORDS = (_ID_RE, _NAME_RE, _SCHOOL_RE, _CLASS_RE, _STATUS_RE, _TOTAL_RE)


def cell_text(v: Cell) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else str(v)
    return halfwidth(str(v))


@dataclass(frozen=True)
class Header:
    header_rows: tuple[int, ...]  # 0-based row indices of the header
    labels: tuple[str, ...]  # one label per column, "上层/下层" for two-row headers
    data_start: int  # 0-based index of the first data row


def detect_header(rows: Sequence[Sequence[Cell]], *, scan: int = 15) -> Header:
    """The header is the first row (among the top `scan`) with at least two known column names;
    the row below it is a second header row when the student-ID column is empty there (a
    vertical merge) but other cells carry labels, e.g. item numbers under 客观题/主观题."""
    best = -1
    for r, row in enumerate(rows[:scan]):
        # Distinct keyword kinds in distinct, unmerged cells: a merged title row such as
        # "八年级数学期中成绩" repeats one cell and must not count as a header.
        kinds = {i for v in row if not isinstance(v, _Merged) for i, k in enumerate(_KEYWORDS) if k.search(cell_text(v))}
        if len(kinds) >= 2:
            best = r
            break
    if best < 0:
        raise ReadError("在前15行中没有找到表头（应包含“考号/学号”“姓名”“班级”“总分”等列名）")
    top = [cell_text(v) for v in rows[best]]
    id_col = next((c for c, t in enumerate(top) if _ID_RE.search(t)), None)
    header_rows = [best]
    labels = top
    if best + 1 < len(rows) and id_col is not None:
        nxt = rows[best + 1]
        sub = [cell_text(v) for v in nxt]
        id_cell = nxt[id_col] if id_col < len(nxt) else ""
        below_is_label = (id_cell == "" or isinstance(id_cell, _Merged) or cell_text(id_cell) == top[id_col])
        if below_is_label and any(s and not isinstance(nxt[c], _Merged) for c, s in enumerate(sub)):
            header_rows.append(best + 1)
            width = max(len(top), len(sub))
            filled: list[str] = []
            last = ""
            for c in range(width):
                t = top[c] if c < len(top) else ""
                if t:
                    last = t
                elif c < len(sub) and sub[c]:
                    t = last  # a horizontal merge written without merging the cells
                s = sub[c] if c < len(sub) else ""
                filled.append(f"{t}/{s}" if t and s and s != t else (t or s))
            labels = filled
    return Header(tuple(header_rows), tuple(labels), header_rows[-1] + 1)


# ---------------------------------------------------------------------------------- mapping


@dataclass(frozen=True)
class PaperSpec:
    """What the importer needs to know of a paper (plain values from the database)."""

    id: int
    subject: str  # Chinese name, e.g. 数学
    full_mark: float
    item_labels: tuple[str, ...]
    item_max: tuple[float, ...]
    item_keys: tuple[str, ...] = ()  # the answer key (A–H) of objective items, "" otherwise


def _item_label(s: str) -> str | None:
    m = _ITEM_RE.match(s.replace(" ", ""))
    if not m:
        return None
    label = m.group(1) or m.group(2)
    return label.replace("（", "(").replace("）", ")")


def propose_mapping(labels: Sequence[str], papers: Sequence[PaperSpec], *,
                    default_paper: int | None = None) -> list[dict[str, Any]]:
    """One proposal per column: {"role", "paper", "item"}; the user confirms or corrects it."""
    out: list[dict[str, Any]] = []
    by_subject = {p.subject: p for p in papers}
    only = papers[0] if len(papers) == 1 else None
    default = next((p for p in papers if p.id == default_paper), only)
    for label in labels:
        parts = [p for p in label.split("/") if p]
        last = parts[-1] if parts else ""
        subject = next((by_subject[s] for s in by_subject if any(s in p for p in parts)), None)
        paper = subject or default
        entry: dict[str, Any] = {"role": "ignore", "paper": None, "item": ""}
        item = _item_label(last)
        if not label:
            pass
        elif _ID_RE.search(label):
            entry["role"] = "id"
        elif _NAME_RE.search(label):
            entry["role"] = "name"
        elif _SCHOOL_RE.search(label):
            entry["role"] = "school"
        elif _CLASS_RE.search(label):
            entry["role"] = "class"
        elif _STATUS_RE.search(label):
            entry["role"] = "status"
        elif item is not None and paper is not None and item in paper.item_labels:
            entry.update(role="item", paper=paper.id, item=item)
        elif _IGNORE_RE.search(label):
            pass
        elif subject is not None or (paper is not None and _TOTAL_RE.search(label) and "全科" not in label
                                     and not (label == "总分" and len(papers) > 1)):
            entry.update(role="total", paper=paper.id if paper else None)
        out.append(entry)
    return out


def check_mapping(mapping: Sequence[dict[str, Any]], labels: Sequence[str], papers: Sequence[PaperSpec], *,
                  has_default_school: bool, has_default_class: bool = False) -> list[str]:
    """Problems with a confirmed mapping, in Chinese; empty when it can be applied."""
    errors: list[str] = []
    roles = [m["role"] for m in mapping]
    for role, label in (("id", "学号/考号"), ("class", "班级")):
        n = roles.count(role)
        if n == 0 and role == "class" and has_default_class:
            continue
        if n == 0:
            errors.append(f"必须指定“{label}”列" + ("（或填写本表的班级）" if role == "class" else ""))
        elif n > 1:
            errors.append(f"“{label}”只能对应一列，现在对应了 {n} 列")
    for role in ("name", "school", "status"):
        if roles.count(role) > 1:
            errors.append(f"“{ROLE_LABELS[role]}”只能对应一列")
    if "school" not in roles and not has_default_school:
        errors.append("文件没有学校列时，请在上传时选择学校")
    specs = {p.id: p for p in papers}
    seen: dict[tuple[int, str], int] = {}
    totals: defaultdict[int, int] = defaultdict(int)
    for c, m in enumerate(mapping):
        if m["role"] not in ("item", "total"):
            continue
        p = specs.get(m.get("paper") or -1)
        where = f"第{col_letter(c)}列（{labels[c] if c < len(labels) else ''}）"
        if p is None:
            errors.append(f"{where}：请选择科目")
            continue
        if m["role"] == "total":
            totals[p.id] += 1
            if totals[p.id] > 1:
                errors.append(f"{where}：{p.subject}的总分已对应另一列")
            continue
        item = str(m.get("item") or "")
        if item not in p.item_labels:
            errors.append(f"{where}：{p.subject}试卷没有第“{item}”题，请先在双向细目表中录入该题")
        elif (p.id, item) in seen:
            errors.append(f"{where}：{p.subject}第{item}题已对应第{col_letter(seen[(p.id, item)])}列")
        else:
            seen[(p.id, item)] = c
    for p in papers:
        mapped = {i for (pid, i) in seen if pid == p.id}
        if mapped and mapped != set(p.item_labels):
            missing = [i for i in p.item_labels if i not in mapped]
            errors.append(f"{p.subject}：缺少第{'、'.join(missing[:10])}{'等' if len(missing) > 10 else ''}题的列"
                          "（小题分导入须包含全部题目，或只导入总分）")
    if not totals and not seen:
        errors.append("至少要有一列成绩（科目总分或小题得分）")
    return errors


# ---------------------------------------------------------------------------------- parsing


@dataclass
class Problem:
    row: int  # 1-based row number as Excel shows it; 0 for the whole file
    column: str  # "C（数学/13）" or ""
    reason: str
    level: Literal["error", "warning"] = "error"
    student: str = ""  # the student's name (or 学号/考号 when the row has no name)

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason, "level": self.level,
                "student": self.student}


@dataclass
class PaperScores:
    """Validated scores of one paper for every parsed student (aligned with ParseResult rows)."""

    paper_id: int
    items: NDArray[np.uint16]  # (N, J) units, MISSING where blank; J = 0 for totals only
    totals: NDArray[np.int32]  # (N,) units, NO_TOTAL where none
    status: NDArray[np.uint8]  # (N,)
    choices: NDArray[np.int8] | None = None  # (N, J) options chosen (0 = A, −1 none) where letters were given


@dataclass
class ParseResult:
    raw_ids: list[str]
    names: list[str]
    schools: NDArray[np.int64]  # school id per student
    classes: list[str]
    excel_rows: NDArray[np.int64]  # 1-based row numbers of the students
    papers: dict[int, PaperScores]
    problems: list[Problem] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    blank_rows: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.errors = 0
        self.warnings = 0

    def add(self, row: int, column: str, reason: str, level: Literal["error", "warning"] = "error") -> None:
        if level == "error":
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, reason, level))


def _cell_id(v: Cell) -> str:
    if v.__class__ is str:
        return v.strip() if v.isascii() else halfwidth(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, int):
        return str(v)
    return halfwidth(str(v)) if v is not None else ""


def _classcell_text(v: Cell) -> str:
    t = _cell_id(v)
    return t.replace(" ", "")


_OPTION_RE = re.compile(r"^[A-H]$")


def _parse_score_column(col: list[Cell], step: float, max_score: float, *, colname: str, rows: NDArray[np.int64],
                        out: _Collector, key: str = "",
                        choices: NDArray[np.int8] | None = None) -> tuple[NDArray[np.int64], NDArray[np.uint8]]:
    """Units per cell (−1 blank) and a marker per cell (SAT if none). Numeric cells take the
    vectorised path; only text cells (markers, full-width digits, "85分") are looked at one by one."""
    n = len(col)
    nan = math.nan
    # Numbers (floats from calamine) go through one list comprehension and one array build;
    # text cells are few in a real file and are examined one by one.
    vals = np.array([v if v.__class__ is float else nan for v in col], dtype=np.float64)
    marker = np.zeros(n, dtype=np.uint8)
    text_idx = [i for i, v in enumerate(col) if v.__class__ is not float and v != "" and v is not None]
    for i in text_idx:
        if col[i].__class__ is int:
            vals[i] = col[i]
            continue
        t = halfwidth(str(col[i]))
        if t in MARKERS:
            marker[i] = MARKERS[t]
            continue
        if t in ("", "-", "—", "/"):
            continue
        if key and choices is not None and _OPTION_RE.match(t.upper()):
            # An objective item answered with the option letter: scored against the key, and the
            # choice kept for option (distractor) analysis (analytics.md §5).
            choices[i] = ord(t.upper()) - 65
            vals[i] = max_score if t.upper() == key else 0.0
            continue
        t2 = t.removesuffix("分")
        try:
            vals[i] = float(t2)
        except ValueError:
            out.add(int(rows[i]), colname, f"无法识别的分数“{t}”（应为数字，或缺考/作弊/免考）")
    present = ~np.isnan(vals)
    scaled = np.where(present, vals, 0.0) / step
    units = np.rint(scaled)
    bad_grid = present & (np.abs(scaled - units) > 1e-6)
    too_high = present & (vals > max_score + 1e-9)
    negative = present & (vals < 0)
    for i in np.flatnonzero(bad_grid | too_high | negative)[: MAX_PROBLEMS]:
        v = vals[i]
        if negative[i]:
            out.add(int(rows[i]), colname, f"分数 {v:g} 为负数")
        elif too_high[i]:
            out.add(int(rows[i]), colname, f"分数 {v:g} 超过该题满分 {max_score:g}")
        else:
            out.add(int(rows[i]), colname, f"分数 {v:g} 不是计分精度 {step:g} 分的整数倍")
    extra = int((bad_grid | too_high | negative).sum()) - MAX_PROBLEMS
    if extra > 0:
        out.errors += extra
    return np.where(present, units, -1).astype(np.int64), marker


def parse_scores(rows: Sequence[Sequence[Cell]], header: Header, mapping: Sequence[dict[str, Any]],
                 papers: Sequence[PaperSpec], *, step: float, schools: dict[str, int],
                 default_school: int | None, default_class: str = "") -> ParseResult:
    """Validate the data rows against the confirmed mapping (see the module docstring).

    `schools` maps a school's name and its code to its id (only schools the uploader may write).
    `default_class` is the class of a sheet with no 班级 column (read from its title or sheet
    name, see `class_from_title`). Note rows (备注：…) are skipped. Problems come in row order,
    each naming its student.
    """
    out = _Collector()
    width = len(header.labels)
    body = rows[header.data_start:]
    # Blank rows (between classes, at the end) are skipped; repeated header rows too.
    id_col = next(c for c, m in enumerate(mapping) if m["role"] == "id")
    keep: list[int] = []
    blank = 0
    id_label = header.labels[id_col]
    notes = 0
    for r, row in enumerate(body):
        if not any(v not in ("", None) for v in row):
            blank += 1
            continue
        if id_col < len(row) and cell_text(row[id_col]) == id_label:
            continue
        if is_note_row(row):
            notes += 1
            continue
        keep.append(r)
    excel_rows = np.asarray(keep, dtype=np.int64) + header.data_start + 1
    n = len(keep)

    kept = [body[r] for r in keep]
    if any(len(row) < width for row in kept):
        kept = [list(row) + [""] * (width - len(row)) for row in kept]
    columns = list(zip(*kept, strict=False)) if kept else [() for _ in range(width)]

    def column(c: int) -> list[Cell]:
        return list(columns[c]) if c < len(columns) else [""] * n

    def cname(c: int) -> str:
        return f"{col_letter(c)}（{header.labels[c]}）" if c < width else col_letter(c)

    ids = [_cell_id(v) for v in column(id_col)]
    seen: dict[str, int] = {}
    for i, sid in enumerate(ids):
        if not sid:
            out.add(int(excel_rows[i]), cname(id_col), "学号/考号为空")
        elif sid in seen:
            out.add(int(excel_rows[i]), cname(id_col), f"学号/考号“{sid}”与第{seen[sid]}行重复")
        else:
            seen[sid] = int(excel_rows[i])
    roles = {m["role"]: c for c, m in enumerate(mapping) if m["role"] in ("name", "school", "class", "status")}
    names = [str(v).strip() for v in column(roles["name"])] if "name" in roles else [""] * n
    if "class" in roles:
        classes = [_classcell_text(v) or default_class for v in column(roles["class"])]
        for i, cl in enumerate(classes):
            if not cl:
                out.add(int(excel_rows[i]), cname(roles["class"]), "班级为空")
    else:
        classes = [default_class] * n
    school_ids = np.zeros(n, dtype=np.int64)
    if "school" in roles:
        raw = [_cell_id(v) for v in column(roles["school"])]
        unknown: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(raw):
            sid_ = schools.get(s) or schools.get(s.replace(" ", ""))
            if sid_ is None and not s and default_school is not None:
                sid_ = default_school
            if sid_ is None:
                unknown[s].append(int(excel_rows[i]))
            else:
                school_ids[i] = sid_
        for s, where in unknown.items():
            rows_txt = "、".join(str(x) for x in where[:5]) + ("等" if len(where) > 5 else "")
            for x in where:
                out.add(x, cname(roles["school"]), f"学校“{s}”不在本次考试范围内或无权导入（第{rows_txt}行）"
                        if s else "学校为空")
    else:
        assert default_school is not None
        school_ids[:] = default_school
    row_status = np.zeros(n, dtype=np.uint8)
    if "status" in roles:
        for i, v in enumerate(column(roles["status"])):
            t = _cell_id(v)
            if t in MARKERS:
                row_status[i] = MARKERS[t]
            elif t not in _STATUS_OK:
                out.add(int(excel_rows[i]), cname(roles["status"]), f"无法识别的考试状态“{t}”（可填：缺考、作弊、免考，正常留空）")

    specs = {p.id: p for p in papers}
    by_paper: dict[int, dict[str, Any]] = defaultdict(lambda: {"items": {}, "total": None})
    for c, m in enumerate(mapping):
        if m["role"] == "item":
            by_paper[int(m["paper"])]["items"][str(m["item"])] = c
        elif m["role"] == "total":
            by_paper[int(m["paper"])]["total"] = c
    result_papers: dict[int, PaperScores] = {}
    for pid, cols in by_paper.items():
        p = specs[pid]
        status = row_status.copy()
        j = len(p.item_labels) if cols["items"] else 0
        items = np.full((n, j), MISSING, dtype=np.uint16)
        any_given = np.zeros(n, dtype=np.bool_)
        keys = p.item_keys or ("",) * len(p.item_labels)
        choices = np.full((n, j), -1, dtype=np.int8) if j and any(keys) else None
        for k, label in enumerate(p.item_labels if j else ()):
            c = cols["items"][label]
            units, marker = _parse_score_column(column(c), step, p.item_max[k], colname=cname(c), rows=excel_rows,
                                                out=out, key=keys[k],
                                                choices=choices[:, k] if choices is not None else None)
            given = units >= 0
            items[given, k] = units[given].astype(np.uint16)
            any_given |= given
            status = np.where((status == SAT) & (marker != SAT), marker, status)
        totals = np.full(n, NO_TOTAL, dtype=np.int64)
        if cols["total"] is not None:
            c = cols["total"]
            t_units, marker = _parse_score_column(column(c), step, p.full_mark, colname=cname(c), rows=excel_rows,
                                                  out=out)
            status = np.where((status == SAT) & (marker != SAT), marker, status)
            if j:
                item_sum = np.where(items == MISSING, 0, items).astype(np.int64).sum(axis=1)
                clash = (t_units >= 0) & any_given & (t_units != item_sum) & (status == SAT)
                for i in np.flatnonzero(clash)[:MAX_PROBLEMS]:
                    out.add(int(excel_rows[i]), cname(c), f"总分 {t_units[i] * step:g} 与各小题之和 "
                            f"{item_sum[i] * step:g} 不一致，以小题之和为准", "warning")
                totals = np.where(any_given, item_sum, -1)
            else:
                totals = t_units
                any_given = t_units >= 0
        elif j:
            totals = np.where(any_given, np.where(items == MISSING, 0, items).astype(np.int64).sum(axis=1), -1)
        if j and (totals > round(p.full_mark / step)).any():
            for i in np.flatnonzero(totals > round(p.full_mark / step))[:50]:
                out.add(int(excel_rows[i]), p.subject, f"各小题之和 {totals[i] * step:g} 超过满分 {p.full_mark:g}")
        # A student marked absent with scores keeps the mark (and a warning); a student with no
        # score and no mark is counted absent, with a warning, so nobody silently becomes a zero.
        marked_with_scores = (status != SAT) & any_given
        for i in np.flatnonzero(marked_with_scores)[:MAX_PROBLEMS]:
            label = {ABSENT: "缺考", CHEAT: "作弊", EXEMPT: "免考"}[int(status[i])]
            out.add(int(excel_rows[i]), p.subject, f"标记为{label}但填有分数，按{label}处理", "warning")
        nothing = (status == SAT) & ~any_given
        for i in np.flatnonzero(nothing)[:MAX_PROBLEMS]:
            out.add(int(excel_rows[i]), p.subject, "没有任何分数，也没有缺考等标记，按缺考处理", "warning")
        status = np.where(nothing, np.uint8(ABSENT), status).astype(np.uint8)
        totals = np.where(status == SAT, totals, -1)
        has_choices = choices is not None and bool((choices >= 0).any())
        result_papers[pid] = PaperScores(pid, items, totals.astype(np.int32), status,
                                         choices if has_choices else None)
    # In row order (a teacher fixes the file top to bottom), each naming its student.
    who = {int(excel_rows[i]): names[i] or ids[i] for i in range(n)}
    problems = sorted(out.problems, key=lambda pr: pr.row)
    for pr in problems:
        pr.student = who.get(pr.row, "")
    if notes:
        problems.insert(0, Problem(0, "", f"已跳过 {notes} 行备注或说明", "warning"))
    return ParseResult(ids, names, school_ids, classes, excel_rows, result_papers, problems, out.errors,
                       out.warnings, blank)


def nan_to_none(x: float) -> float | None:
    return None if math.isnan(x) else x


# ---------------------------------------------------------------------------------- class sheets

_NOTE_RE = re.compile(r"^(?:备注|注[:：]|说明|制表|填表|审核|统计人|附注)")
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_GRADE_CLASS_RE = re.compile(
    r"(?:(?P<g>[0-9]{1,2}|[一二三四五六七八九])\s*年级|(?P<stage>初|高)(?P<sg>[一二三123]))?\s*"
    r"[(（]?\s*(?P<c>[0-9]{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]?\s*班")


def is_note_row(row: Sequence[Cell]) -> bool:
    """A note under the table ("备注：缺考学生不计入平均分", "制表人：…"): its first filled cell
    starts with a note word."""
    first = next((cell_text(v) for v in row if v not in ("", None)), "")
    return bool(_NOTE_RE.match(first.replace(" ", "")))


def _number(s: str) -> int:
    """1–99 written in digits or in Chinese (三, 十二, 二十一)."""
    if s.isdigit():
        return int(s)
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)
    return _CN_DIGITS[s]


def class_from_text(text: str, *, grade: int | None = None) -> str:
    """The class a title or sheet name names, as the score sheets write it: "八年级(3)班期中成绩"
    and "初二3班" give "8(3)班"; "3班" gives "8(3)班" for a grade-8 exam. "" when none."""
    t = halfwidth(text).replace(" ", "")
    m = _GRADE_CLASS_RE.search(t)
    if not m:
        return ""
    g: int | None = grade
    if m.group("g"):
        g = _number(m.group("g"))
    elif m.group("stage"):
        g = _number(m.group("sg").translate(str.maketrans("123", "一二三"))) + (6 if m.group("stage") == "初" else 9)
    n = _number(m.group("c"))
    return f"{g}({n})班" if g else f"{n}班"


def class_from_title(rows: Sequence[Sequence[Cell]], header: Header, *, sheet_name: str = "",
                     grade: int | None = None) -> tuple[str, str]:
    """The class of a sheet with no 班级 column: from a title row above the header, else from the
    sheet's name. Returns (class, where it was read) or ("", "")."""
    for r in range(header.header_rows[0]):
        for v in rows[r]:
            text = cell_text(v)
            found = class_from_text(text, grade=grade) if text else ""
            if found:
                return found, f"标题“{text}”"
    found = class_from_text(sheet_name, grade=grade) if sheet_name else ""
    return (found, f"工作表名“{sheet_name}”") if found else ("", "")


def missing_columns(mapping: Sequence[dict[str, Any]], *, has_default_school: bool,
                    default_class: str = "") -> list[str]:
    """What the file lacks for an import, said as soon as it is uploaded (before any mapping)."""
    roles = {m["role"] for m in mapping}
    out = []
    if "id" not in roles:
        out.append("文件中没有找到“学号/考号”列：每个学生须有学号或考号，请在表中加上该列，或在下方指定对应的列")
    if "class" not in roles and not default_class:
        out.append("文件中没有找到“班级”列，标题和工作表名中也没有班级：请在下方填写本表的班级，或指定班级列")
    if "school" not in roles and not has_default_school:
        out.append("文件中没有“学校”列：请重新上传并选择学校")
    if not roles & {"total", "item"}:
        out.append("文件中没有识别出成绩列（科目总分或小题得分）：请在下方指定")
    return out
