"""Access-matrix rows for the appraisal app's yearly report (appraisal:report*, api-v1:appraisal_report_*).

County A's report: its draft is written by county A's own staff (its admin and researchers) and
issued by its managers only; once issued every region role over county A reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

WRITERS = frozenset({"sysadmin", "county_admin", "county_researcher", "part_time_researcher"})
ISSUERS = frozenset({"sysadmin", "county_admin"})
ISSUED_READERS = COUNTY_A_ROLES
TODAY = dt.date(2026, 12, 20)


def _draft(cast: Any) -> Any:
    from appraisal.services import reports

    return reports.report_generate(actor=cast.users["county_admin"], region=cast.county_a, year=2026, today=TODAY)


def _draft_id(cast: Any) -> list[Any]:
    return [_draft(cast).pk]


def _issued_id(cast: Any) -> list[Any]:
    from appraisal.services import reports

    return [reports.report_issue(actor=cast.users["county_admin"], report=_draft(cast)).pk]


def _generate(cast: Any) -> dict[str, Any]:
    # The form offers this year and the four before it.
    return {"region": cast.county_a.code, "year": str(timezone.localdate().year)}


def _save(cast: Any) -> dict[str, Any]:
    return {"title": "小店区年度报告", "sections": {"overview": "本年度工作总体平稳。"}}


def _other_province_id(cast: Any) -> list[Any]:
    """The other province's issued report (tests/access_sentinels.py): the system administrator's only."""
    from appraisal.models import YearlyReport

    return [YearlyReport.objects.get(region__code="150000", year=2026).pk]


CASES = [
    Case("appraisal:reports", EVERYONE),
    Case("appraisal:report_generate", WRITERS, method="POST", data=_generate, ok_status=(302,)),
    Case("appraisal:report_detail", WRITERS, args=_draft_id, note="draft"),
    Case("appraisal:report_detail", ISSUED_READERS, args=_issued_id, note="issued"),
    Case("appraisal:report_edit", WRITERS, args=_draft_id),
    Case("appraisal:report_edit", WRITERS, args=_issued_id, ok_status=(302,), note="issued: to the report"),
    Case("appraisal:report_regenerate", WRITERS, args=_draft_id, method="POST", ok_status=(302,)),
    Case("appraisal:report_issue", ISSUERS, args=_draft_id, method="POST", ok_status=(302,)),
    Case("appraisal:report_docx", WRITERS, args=_draft_id, note="draft"),
    Case("appraisal:report_docx", ISSUED_READERS, args=_issued_id, note="issued"),
    Case("appraisal:report_xlsx", ISSUED_READERS, args=_issued_id),
    Case("api-v1:appraisal_report_list", EVERYONE),
    Case("api-v1:appraisal_report_detail", WRITERS, args=_draft_id, note="draft"),
    Case("api-v1:appraisal_report_detail", ISSUED_READERS, args=_issued_id, note="issued"),
    Case("api-v1:appraisal_report_generate", WRITERS, method="POST", ok_status=(201,),
         data=lambda cast: {"region": cast.county_a.code, "year": 2026}),
    Case("api-v1:appraisal_report_save", WRITERS, args=_draft_id, method="PUT", data=_save),
    Case("api-v1:appraisal_report_issue", ISSUERS, args=_draft_id, method="POST"),
    Case("appraisal:report_detail", frozenset({"sysadmin"}), args=_other_province_id, note="other province"),
    Case("api-v1:appraisal_report_detail", frozenset({"sysadmin"}), args=_other_province_id, note="other province"),
]
