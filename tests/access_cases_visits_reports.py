"""Access-matrix rows for visit reports and the yearly statistics (visits:report_*, visits:stats*,
and the API's visits_report_*)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# Who manages county A's visit: its lead (the county researcher) and the organising roles over
# county A (admin, institute head, full-time researchers).
MANAGERS = frozenset({"sysadmin", "county_admin", "institute_head", "province_researcher", "city_researcher",
                      "county_researcher"})
# The organiser's side: every region role over county A (and the team, the part-time researcher).
ORGANISER_SIDE = COUNTY_A_ROLES
# An issued visit-wide report of a kind that publishes: also the managers of a visited school.
ISSUED_READERS = ORGANISER_SIDE | {"principal", "vice_principal", "middle_manager"}


def _visit(cast: Any) -> list[Any]:
    from tests.visits.reports_fixtures import finished_visit

    return [finished_visit(cast, lessons=1).pk]


def _report(cast: Any, *, issued: bool = False) -> Any:
    import datetime as dt

    from tests.visits.reports_fixtures import finished_visit
    from visits.models import VisitReport

    visit = finished_visit(cast, lessons=1)
    return VisitReport.objects.create(visit=visit, title="视导反馈报告", issuer="小店区教研室",
                                      sections={"overview": "概况"}, status="issued" if issued else "draft",
                                      issued_on=dt.date(2026, 10, 20) if issued else None)


def _draft(cast: Any) -> list[Any]:
    return [_report(cast).pk]


def _issued(cast: Any) -> list[Any]:
    return [_report(cast, issued=True).pk]


CASES = [
    Case("visits:reports", EVERYONE, note="每个登录用户都能打开报告列表（只列出可见的报告）"),
    Case("visits:report_new", MANAGERS, args=_visit, method="POST", ok_status=(302,)),
    Case("visits:report_edit", MANAGERS, args=_draft),
    Case("visits:report_edit", MANAGERS, args=_draft, method="POST", data=lambda cast: {"title": ""},
         note="错误的表单原样返回"),
    Case("visits:report_issue", MANAGERS, args=_draft, method="POST", ok_status=(302,)),
    Case("visits:report_detail", ORGANISER_SIDE, args=_draft, note="草稿"),
    Case("visits:report_detail", ISSUED_READERS, args=_issued, note="已印发"),
    Case("visits:report_docx", ORGANISER_SIDE, args=_draft, note="草稿"),
    Case("visits:report_docx", ISSUED_READERS, args=_issued, note="已印发"),
    Case("visits:stats", ORGANISER_SIDE, query="node=140105"),
    Case("visits:stats_xlsx", ORGANISER_SIDE, query="node=140105"),
    Case("visits:stats_docx", ORGANISER_SIDE, query="node=140105"),
    Case("api-v1:visits_report_list", EVERYONE),
    Case("api-v1:visits_report_detail", ORGANISER_SIDE, args=_draft, note="草稿"),
    Case("api-v1:visits_report_detail", ISSUED_READERS, args=_issued, note="已印发"),
]
