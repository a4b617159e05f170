"""The blueprint (双向细目表) of a paper as rows: what a row may hold and what is wrong with it.

Pure: plain row dicts in (as a table editor, a pasted block or a text file gives them, every
value a string), cleaned rows and messages out. No Django here, so the rules are tested without
a database and the page, the text import and the service all apply the same ones.

A row holds the fields of `quality.models.Item` a blueprint sets: 题号 (`label`), 题型 (`kind`),
满分 (`max_score`), 知识点, 能力层级 and, for an objective item, its 答案 (`answer_key`). The
item's 序号 (`number`) is the row's place among the kept rows. Rows left wholly blank (the kind
column aside, which a table always fills) are skipped, so a table may carry empty rows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

FIELDS: tuple[str, ...] = ("label", "kind", "max_score", "knowledge_point", "ability", "answer_key")
FIELD_LABELS: dict[str, str] = {"label": "题号", "kind": "题型", "max_score": "满分", "knowledge_point": "知识点",
                                "ability": "能力层级", "answer_key": "答案"}
# The model's column widths (quality.models.Item); a longer value is refused, never cut.
MAX_LENGTHS: dict[str, int] = {"label": 20, "knowledge_point": 60, "ability": 30}
# Django refuses a form of more than 1,000 fields (DATA_UPLOAD_MAX_NUMBER_FIELDS): 150 rows of six
# cells stay below it, and no paper has that many items (analytics.md: up to 40).
MAX_ROWS = 150
# Item.max_score is DecimalField(max_digits=5, decimal_places=1).
MAX_SCORE_LIMIT = Decimal("9999.9")

OBJECTIVE = "objective"
SUBJECTIVE = "subjective"
KIND_LABELS: dict[str, str] = {OBJECTIVE: "客观题", SUBJECTIVE: "主观题"}
# What users type or paste for the kind; an empty cell is a subjective item, as before.
KINDS: dict[str, str] = {
    OBJECTIVE: OBJECTIVE, "客观": OBJECTIVE, "客观题": OBJECTIVE, "选择": OBJECTIVE, "选择题": OBJECTIVE,
    "单选": OBJECTIVE, "单选题": OBJECTIVE,
    SUBJECTIVE: SUBJECTIVE, "主观": SUBJECTIVE, "主观题": SUBJECTIVE, "": SUBJECTIVE,
}

# Full-width digits, letters, point and brackets typed with a Chinese IME become ASCII.
_FULLWIDTH = {0xFF10 + i: 0x30 + i for i in range(10)}
_FULLWIDTH.update({0xFF21 + i: 0x41 + i for i in range(26)})
_FULLWIDTH.update({0xFF41 + i: 0x61 + i for i in range(26)})
_FULLWIDTH.update({0xFF0E: 0x2E, 0x3002: 0x2E, 0x3000: 0x20, 0xFF08: 0x28, 0xFF09: 0x29})


@dataclass(frozen=True)
class Issue:
    """One message about the blueprint: `row` is the 1-based table row (None: the whole table),
    `field` one of FIELDS (None: the row or the table as a whole)."""

    row: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row is not None else ""
        if self.field is not None and self.row is not None:
            where += f"「{FIELD_LABELS[self.field]}」"
        return f"{where}：{self.reason}" if where else self.reason


@dataclass(frozen=True)
class CleanRow:
    """A valid row, ready to become an Item: `number` is its 序号 (1, 2, … over the kept rows)."""

    row: int
    number: int
    label: str
    kind: str
    max_score: Decimal
    knowledge_point: str
    ability: str
    answer_key: str


@dataclass
class BlueprintCheck:
    rows: list[CleanRow] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    total: Decimal = Decimal(0)

    @property
    def ok(self) -> bool:
        return not self.errors

    def errors_by_row(self) -> dict[int, list[Issue]]:
        out: dict[int, list[Issue]] = {}
        for e in self.errors:
            if e.row is not None:
                out.setdefault(e.row, []).append(e)
        return out

    def table_errors(self) -> list[Issue]:
        return [e for e in self.errors if e.row is None]


def normalize(value: object) -> str:
    """A cell as text: full-width characters half-width, surrounding blanks dropped."""
    return str(value if value is not None else "").translate(_FULLWIDTH).strip()


def is_blank(row: Mapping[str, object]) -> bool:
    return not any(normalize(row.get(f)) for f in FIELDS if f != "kind")


def format_score(value: Decimal) -> str:
    """5.0 → "5", 2.5 → "2.5": a full mark as a user writes it."""
    return f"{value.normalize():f}"


def running_total(rows: Sequence[Mapping[str, object]]) -> Decimal:
    """The sum of the full marks that read as positive numbers: the table's running total."""
    total = Decimal(0)
    for r in rows:
        try:
            v = Decimal(normalize(r.get("max_score")))
        except InvalidOperation:
            continue
        if v.is_finite() and v > 0:
            total += v
    return total


def validate_rows(rows: Sequence[Mapping[str, object]], *, full_mark: Decimal) -> BlueprintCheck:
    """Check the rows of a blueprint against each other and against the paper's full mark.

    Errors refuse the whole blueprint; a total that differs from the full mark is a warning (a
    paper may be entered before its last items are settled), shown but not refused."""
    check = BlueprintCheck()
    kept = [(n, r) for n, r in enumerate(rows, start=1) if not is_blank(r)]
    if len(kept) > MAX_ROWS:
        check.errors.append(Issue(None, None, f"一份试卷最多 {MAX_ROWS} 题，表中有 {len(kept)} 题"))
        return check
    first_row_of: dict[str, int] = {}
    for n, raw in kept:
        before = len(check.errors)
        label = normalize(raw.get("label")).replace("（", "(").replace("）", ")")
        kind_text = normalize(raw.get("kind"))
        mx = normalize(raw.get("max_score"))
        kp = normalize(raw.get("knowledge_point"))
        ability = normalize(raw.get("ability"))
        key = normalize(raw.get("answer_key")).upper()

        if not label:
            check.errors.append(Issue(n, "label", "未填写题号"))
        elif label in first_row_of:
            check.errors.append(Issue(n, "label", f"题号“{label}”与第{first_row_of[label]}行重复"))
        else:
            first_row_of[label] = n
        kind = KINDS.get(kind_text) or KINDS.get(kind_text.lower())
        if kind is None:
            check.errors.append(Issue(n, "kind", f"题型“{kind_text}”应为 客观题 或 主观题"))
        max_score = _check_score(check, n, mx)
        if key and not re.fullmatch(r"[A-H]", key):
            check.errors.append(Issue(n, "answer_key", f"答案“{key}”应为一个选项字母 A–H"))
        elif key and kind == SUBJECTIVE:
            check.errors.append(Issue(n, "answer_key", "主观题不填答案；答案只用于客观题"))
        for name, value in (("label", label), ("knowledge_point", kp), ("ability", ability)):
            if len(value) > MAX_LENGTHS[name]:
                check.errors.append(Issue(n, name, f"{FIELD_LABELS[name]}最多 {MAX_LENGTHS[name]} 个字，"
                                                   f"现有 {len(value)} 个字"))
        if len(check.errors) == before and kind is not None and max_score is not None:
            check.rows.append(CleanRow(row=n, number=len(check.rows) + 1, label=label, kind=kind,
                                       max_score=max_score, knowledge_point=kp, ability=ability, answer_key=key))
    check.total = sum((r.max_score for r in check.rows), Decimal(0))
    if not kept:
        check.errors.append(Issue(None, None, "没有填写任何题目"))
    elif not check.errors and check.total != full_mark:
        check.warnings.append(Issue(None, "max_score", f"各题满分之和 {format_score(check.total)} 与试卷满分 "
                                                       f"{format_score(full_mark)} 不一致"))
    return check


def _check_score(check: BlueprintCheck, n: int, text: str) -> Decimal | None:
    if not text:
        check.errors.append(Issue(n, "max_score", "未填写满分"))
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        check.errors.append(Issue(n, "max_score", f"满分“{text}”不是数字"))
        return None
    if value <= 0:
        check.errors.append(Issue(n, "max_score", f"满分“{text}”必须大于0"))
        return None
    if value != value.quantize(Decimal("0.1")):
        check.errors.append(Issue(n, "max_score", f"满分“{text}”最多保留一位小数"))
        return None
    if value > MAX_SCORE_LIMIT:
        check.errors.append(Issue(n, "max_score", f"满分“{text}”过大（不超过 {MAX_SCORE_LIMIT}）"))
        return None
    return value


def rows_from_text(text: str) -> list[dict[str, str]]:
    """Lines "题号, 题型, 满分, 知识点, 能力[, 答案]" (comma, tab, Chinese comma or semicolon), as
    copied from Excel or written by hand, into row dicts. Blank lines, lines starting with "#"
    and a header line starting with 题号 are left out."""
    out: list[dict[str, str]] = []
    for line in text.splitlines():
        raw = normalize(line)
        if not raw or raw.startswith("#"):
            continue
        cells = [c.strip() for c in re.split(r"[,\t，;；]", raw)]
        if cells[0] == "题号":
            continue
        cells += [""] * (len(FIELDS) - len(cells))
        out.append(dict(zip(FIELDS, cells[:len(FIELDS)], strict=True)))
    return out
