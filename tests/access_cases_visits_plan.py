"""Access-matrix rows for the visits app's planning pages and API (visits:home, new, detail, edit,
cancel, schedule, team, pattern, rules; api-v1:visits_visit_*)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# A county A inspection visit to school A1, led by the county researcher, with the part-time
# researcher on the team: the region's roles, the team and A1's managers read it.
VISIT_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager"})
# Managers: the admin, institute head and full-time researchers at county A or above, the lead.
VISIT_MANAGERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                            "county_researcher", "county_admin"})
# Whoever may organise some visit: region organisers anywhere, and schools' principals (own checks).
ORGANISERS = frozenset(VISIT_MANAGERS | {"outside_researcher", "principal", "vice_principal", "outside_principal"})
# The pattern and rules pages: the region organisers (institute head, admin, full-time researchers).
RULE_READERS = frozenset(VISIT_MANAGERS | {"outside_researcher"})


def make_visit(cast: Any) -> Any:
    """The inspection visit the rows open (also seeded for the content crawl)."""
    from core.models import Subject
    from visits.models import AgendaKind, TeamRole
    from visits.services import plan

    visit = plan.visit_create(actor=None, organiser=cast.county_a, category="inspection", kind="guide",
                              mode="collective", term=cast.term, title="小店区秋季教学视导（第一中学）",
                              start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 16),
                              number="小店教研〔2026〕12号", purpose="新课标落实情况",
                              lead=cast.people["county_researcher"])
    plan.member_add(actor=None, visit=visit, person=cast.people["part_time_researcher"], role=TeamRole.SUBJECT,
                    subject=Subject.objects.get(code="english"))
    plan.visit_schedule(actor=None, visit=visit, school=cast.school_a1, date=dt.date(2026, 10, 12), agenda=[
        {"kind": AgendaKind.LESSON, "start": "08:00", "end": "08:45", "title": "推门听课",
         "member_ids": [cast.people["part_time_researcher"].pk]},
        {"kind": AgendaKind.FEEDBACK, "start": "15:30", "end": "16:30", "title": "反馈会"}])
    return visit


def _visit(cast: Any) -> list[Any]:
    return [make_visit(cast).pk]


def _new_visit_data(cast: Any) -> dict[str, Any]:
    return {"organiser": cast.county_a.code, "category": "inspection", "kind": "diagnose", "mode": "collective",
            "term": cast.term.key, "title": "诊断性视导", "start": "2026-11-02", "end": "2026-11-04"}


CASES = [
    Case("visits:home", EVERYONE, note="每个登录用户都能打开视导首页（只列出其可见的视导）"),
    Case("visits:home", EVERYONE, query="side=mine&kind=guide", note="filtered"),
    Case("visits:new", ORGANISERS, note="组织单位的管理员、负责人、专职教研员；学校的正副校长（校内检查）"),
    Case("visits:detail", VISIT_READERS, args=_visit),
    Case("visits:edit", VISIT_MANAGERS, args=_visit),
    Case("visits:cancel", VISIT_MANAGERS, args=_visit, method="POST", ok_status=(302,)),
    Case("visits:schedule", VISIT_MANAGERS, args=_visit),
    Case("visits:team", VISIT_MANAGERS, args=_visit),
    Case("visits:pattern", RULE_READERS),
    Case("visits:rules", RULE_READERS),
    Case("api-v1:visits_visit_list", EVERYONE),
    Case("api-v1:visits_visit_list", VISIT_MANAGERS, method="POST", data=_new_visit_data, ok_status=(201,),
         note="create"),
    Case("api-v1:visits_visit_detail", VISIT_READERS, args=_visit),
]
