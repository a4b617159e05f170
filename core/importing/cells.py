"""Cell values: each cell's text turned into a clean value, or a reason shown to the user."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from core.importing.columns import NO, YES, _Context, _RowProblem

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
