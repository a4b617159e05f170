"""Access-matrix rows for the findings and rectification pages and API (visits:findings …).

The cast's record: a county A supervision visit to school A1 led by the county researcher with
the part-time researcher on the team, and a finding about the teacher 何静 owned by the school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# Who sees the finding: the organiser's side and the region roles over A1, the school's managers
# (the kind publishes to the school), and the teacher it is about.
FINDING_READERS = COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "teacher"}
# Who answers for the school: its managers (the owner is the school).
ANSWERERS = frozenset({"sysadmin", "principal", "vice_principal", "middle_manager"})
# Who records on site for a county A visit: its team and the county's organisers (and above).
RECORDERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
                       "county_admin", "part_time_researcher"})
# A follow-up plan for 何静: the region roles over A1, A1's managers, the teacher, the mentor.
PLAN_READERS = COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "teacher"}


def _finding(cast: Any) -> list[Any]:
    from tests.visits.findings_fixtures import make_finding, make_visit

    return [make_finding(cast, make_visit(cast)).pk]


def _follow_up(cast: Any) -> list[Any]:
    from tests.visits.findings_fixtures import make_finding, make_visit

    first = make_visit(cast)
    make_finding(cast, first)
    return [make_visit(cast, follows=first, title="复查", start=dt.date(2026, 12, 1)).pk]


def _plan(cast: Any) -> list[Any]:
    from tests.visits.findings_fixtures import FOUND, make_finding, make_visit
    from visits.services.findings import follow_up_plan_create

    visit = make_visit(cast)
    make_finding(cast, visit)
    make_finding(cast, visit, description="课堂纪律松散")
    plan = follow_up_plan_create(actor=None, teacher=cast.people["teacher"], kind="tracking", reason="两次被指出",
                                 start=FOUND, end=dt.date(2026, 12, 31), mentor=cast.people["vice_principal"])
    return [plan.pk]


CASES = [
    Case("visits:findings", EVERYONE, note="每个登录用户都能打开整改清单（只列出其可见的问题）"),
    Case("visits:finding_detail", FINDING_READERS, args=_finding),
    Case("visits:finding_detail", ANSWERERS, args=_finding, method="POST",
         data=lambda c: {"action": "answer", "text": "已建立作业检查制度"}, ok_status=(302,), note="answer"),
    Case("visits:finding_new", frozenset(), note="没有指明视导：对所有人都是404；逐角色见 test_findings_views"),
    Case("visits:recheck", RECORDERS, args=_follow_up),
    Case("visits:plans", EVERYONE),
    Case("visits:plan_detail", PLAN_READERS, args=_plan),
]

API_CASES = [
    Case("api-v1:visits_findings_list", EVERYONE),
    Case("api-v1:visits_findings_detail", FINDING_READERS, args=_finding),
    Case("api-v1:visits_findings_answer", ANSWERERS, args=_finding, method="POST",
         data=lambda c: {"text": "已建立作业检查制度"}, ok_status=(201,)),
]
CASES += API_CASES
