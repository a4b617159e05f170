"""GOV.MEETING and FUND.* worked out from the clauses: 000 §14 (each education administration
holds at least one dedicated meeting on 教研 a year) and 004 四(三) (training >= 5%, equipment
and books >= 10%, teaching business >= 35% of a school's yearly public funds), counted over the
county's confirmed figures only, in the calendar year the term starts in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from appraisal.services import governance as gov
from appraisal.services import governance_spending as spending
from core.compliance import compliance_for, evaluate
from core.models import Norm
from core.norm_results import system_user

pytestmark = pytest.mark.django_db


def _rows(cast: Any, code: str) -> dict[str, Any]:
    result = evaluate(system_user(), cast.province, cast.term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


def test_gov_meeting_one_row_per_administration_in_the_term_s_year(cast: Any) -> None:
    common: dict[str, Any] = {"actor": None, "convened_by": "局长", "attendees": "教研员", "minutes": "纪要"}
    gov.meeting_record(region=cast.county_a, title="2026年会议", held_on=dt.date(2026, 3, 2), **common)
    # County B's meeting was last year: it does not count for 2026 (the term 2026-09-01 starts in 2026).
    gov.meeting_record(region=cast.county_b, title="2025年会议", held_on=dt.date(2025, 12, 30), **common)
    rows = _rows(cast, "GOV.MEETING")
    assert set(rows) == {"晋中测试省教育行政部门", "太原测试市教育行政部门", "小店测试区教育行政部门",
                         "迎泽测试区教育行政部门"}
    a = rows["小店测试区教育行政部门"]
    assert a.meets and a.value == 1 and a.detail == "2026年召开教研工作专题会议1次"
    b = rows["迎泽测试区教育行政部门"]
    assert not b.meets and b.value == 0 and b.detail == "2026年尚未登记教研工作专题会议"


def test_fund_rows_use_confirmed_figures_and_say_when_only_unconfirmed_exist(cast: Any) -> None:
    admin = cast.users["county_admin"]
    # A1: 1,000,000 of public funds; training 40,000 = 4% (< 5%), equipment 100,000 = 10% (exactly the
    # floor), teaching 360,000 = 36% (>= 35%). Confirmed by the county.
    a1 = spending.spending_save(actor=admin, school=cast.school_a1, year=2026, public_funds=Decimal("1000000"),
                                training=Decimal("40000"), equipment=Decimal("100000"), teaching=Decimal("360000"))
    spending.spending_confirm(actor=admin, record=a1)
    # A2 entered but not yet checked: it meets nothing until the county confirms.
    spending.spending_save(actor=admin, school=cast.school_a2, year=2026, public_funds=Decimal("200000"),
                           training=Decimal("20000"), equipment=Decimal("30000"), teaching=Decimal("80000"))
    training = _rows(cast, "FUND.TRAINING")
    assert not training["小店第一中学"].meets and training["小店第一中学"].value == 4.0
    assert training["小店第一中学"].detail == ("2026年教师培训经费40,000.00元，占公用经费1,000,000.00元的4.0%，"
                                          "差10,000.00元")
    assert not training["北格镇中心小学"].meets and training["北格镇中心小学"].value is None
    assert training["北格镇中心小学"].detail == "2026年仅有未确认数据（待区县审核；填报教师培训经费占10.0%）"
    assert training["迎泽实验小学"].detail == "2026年暂无经费数据"
    assert _rows(cast, "FUND.EQUIPMENT")["小店第一中学"].meets
    assert _rows(cast, "FUND.TEACHING")["小店第一中学"].value == 36.0
    # Last year's figures do not count for this year.
    spending.spending_save(actor=None, school=cast.school_b1, year=2025, public_funds=Decimal("100"),
                           training=Decimal("9"), equipment=Decimal("20"), teaching=Decimal("40"))
    assert _rows(cast, "FUND.TRAINING")["迎泽实验小学"].detail == "2026年暂无经费数据"


def test_stored_counts_follow_the_writes(cast: Any) -> None:
    admin = cast.users["county_admin"]
    record = spending.spending_save(actor=admin, school=cast.school_a1, year=2026, public_funds=Decimal("100"),
                                    training=Decimal("6"), equipment=Decimal("12"), teaching=Decimal("40"))
    spending.spending_confirm(actor=admin, record=record)
    result = compliance_for(system_user(), cast.county_a, cast.term, codes=["FUND.TRAINING"])[0]
    assert (result.met, result.total) == (1, 2)


def test_fund_rows_link_to_the_spending_table_only_for_its_readers(cast: Any) -> None:
    from core.compliance import norm_rows

    norm = Norm.objects.get(code="FUND.TRAINING")
    teacher = norm_rows(cast.users["teacher"], cast.school_a1, cast.term, norm).rows
    principal = norm_rows(cast.users["principal"], cast.school_a1, cast.term, norm).rows
    assert [r.url for r in teacher] == [""]
    assert principal[0].url.startswith("/appraisal/governance/spending/")
