"""School spending against the floors of 004 四(三) ("学校年度公用经费中用于教师培训的经费不低于
5%，用于购置仪器设备、图书的经费不低于10%，用于教学业务（实验、教研、差旅、印刷、体育等）的经费
不低于35%"). Pure computation over plain values, no ORM: tested against the clause's figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Category:
    field: str
    code: str
    label: str
    floor: float  # the default share of the yearly public funds, in percent


CATEGORIES = (
    Category("training", "FUND.TRAINING", "教师培训经费", 5),
    Category("equipment", "FUND.EQUIPMENT", "仪器设备、图书经费", 10),
    Category("teaching", "FUND.TEACHING", "教学业务经费", 35),
)
BY_CODE = {c.code: c for c in CATEGORIES}
BY_FIELD = {c.field: c for c in CATEGORIES}


def spending_year(term_start: dt.date) -> int:
    """The budget year a term's figures are read from: the calendar (fiscal) year the term starts
    in, so both semesters of 2026 (Feb-Jul and Sep-Jan) read the year 2026's spending."""
    return term_start.year


def share(amount: Decimal, total: Decimal) -> Decimal:
    """`amount` as a percentage of `total`, to one decimal (half up, as a finance office rounds)."""
    if total <= 0:
        raise ValueError("total must be positive")
    return (amount * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def meets_floor(amount: Decimal, total: Decimal, floor: float) -> bool:
    """At least `floor` percent, compared exactly (5% of 200,000 is 10,000: 9,999.99 falls short
    although its rounded share reads 5.0%)."""
    return amount * 100 >= total * Decimal(str(floor))


def shortfall(amount: Decimal, total: Decimal, floor: float) -> Decimal:
    """How many yuan are missing to reach the floor (0 when it is met)."""
    needed = (total * Decimal(str(floor)) / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max(needed - amount, Decimal(0))


def amount_problems(public_funds: Decimal | None, amounts: Mapping[str, Decimal | None]) -> list[tuple[str, str]]:
    """(field, Chinese reason) for every figure that cannot stand: the public funds must be
    positive, each category zero or more, and the three categories together no more than the
    public funds (they are parts of it)."""
    problems: list[tuple[str, str]] = []
    if public_funds is None:
        problems.append(("public_funds", "年度公用经费：必填"))
    elif public_funds <= 0:
        problems.append(("public_funds", "年度公用经费：必须大于0"))
    for c in CATEGORIES:
        value = amounts.get(c.field)
        if value is None:
            problems.append((c.field, f"{c.label}：必填（没有支出填0）"))
        elif value < 0:
            problems.append((c.field, f"{c.label}：不能为负数"))
    if not problems and public_funds is not None:
        total = sum((v for v in amounts.values() if v is not None), Decimal(0))
        if total > public_funds:
            problems.append(("public_funds", f"三类支出合计{total:,.2f}元，超过年度公用经费{public_funds:,.2f}元"))
    return problems


def money(value: Decimal) -> str:
    """An amount as a finance sheet writes it: 1,000,000.00."""
    return f"{value:,.2f}"


def yuan(value: Decimal) -> str:
    return f"{money(value)}元"
