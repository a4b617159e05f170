"""Access-matrix rows for the appraisal app's governance area (appraisal:governance*,
api-v1:appraisal_gov_*): meetings, tasks, plans, school spending and the 督导 data pack."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# County A's meetings: everyone posted in county A, above it, or below it.
COUNTY_A_READERS = frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "group_leader",
                                               "teacher", "teacher_a2"})
# Who records meetings anywhere (a manager post at a region), and county A's.
MEETING_RECORDERS = frozenset({"sysadmin", "institute_head", "county_admin"})
# Who writes a province's or a city's plan: the managers at the province (and the system admin).
PLANNERS = frozenset({"sysadmin", "institute_head"})
# The city's plan: everyone posted in the city or below it (county B included).
CITY_READERS = EVERYONE - {"no_post"}
# Who sees spending: the region roles, the schools' managers.
SPENDING_READERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                              "county_researcher", "part_time_researcher", "bureau_viewer", "county_admin",
                              "principal", "vice_principal", "middle_manager", "outside_principal",
                              "outside_researcher"})
A1_SPENDING_READERS = SPENDING_READERS - {"outside_principal", "outside_researcher"}
ENTERERS = frozenset({"sysadmin", "county_admin", "principal", "vice_principal", "outside_principal"})
# The task of school A1: its principals, county A's managers above it.
A1_TASK_UPDATERS = frozenset({"sysadmin", "institute_head", "county_admin", "principal", "vice_principal"})
# The data pack: users whose highest node is a region.
PACK_READERS = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                          "county_researcher", "part_time_researcher", "bureau_viewer", "county_admin",
                          "outside_researcher"})


def _meeting(cast: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from appraisal.services import governance

    return governance.meeting_record(
        actor=None, region=cast.county_a, title="小店区2026年教研工作专题会议", held_on=dt.date(2026, 9, 15),
        convened_by="区教育局局长", attendees="区教研室全体教研员、各校校长", minutes="研究部署本年度教研工作。",
        minutes_file=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf"),
        decisions=("各校建立校本教研制度",))


def _meeting_id(cast: Any) -> list[Any]:
    return [_meeting(cast).pk]


def _decision_id(cast: Any) -> list[Any]:
    return [_meeting(cast).decisions.get().pk]


def _task_id(cast: Any) -> list[Any]:
    from appraisal.services import governance

    decision = _meeting(cast).decisions.get()
    return [governance.decision_task_create(actor=None, decision=decision, due=dt.date(2026, 12, 31),
                                            node=cast.school_a1).pk]


def _plan(cast: Any) -> Any:
    from appraisal.services import governance

    return governance.plan_create(actor=None, region=cast.city, year=2026, title="太原测试市2026年教研工作要点",
                                  items=(("开展学科教学视导", dt.date(2026, 12, 20)),))


def _plan_id(cast: Any) -> list[Any]:
    return [_plan(cast).pk]


def _item_id(cast: Any) -> list[Any]:
    return [_plan(cast).items.get().pk]


def _spending_id(cast: Any) -> list[Any]:
    from decimal import Decimal

    from appraisal.services import governance_spending

    return [governance_spending.spending_save(actor=None, school=cast.school_a1, year=2026,
                                              public_funds=Decimal("1000000"), training=Decimal("60000"),
                                              equipment=Decimal("120000"), teaching=Decimal("380000")).pk]


CASES = [
    Case("appraisal:governance", EVERYONE),
    Case("appraisal:governance", EVERYONE, query="year=2026", note="a year"),
    Case("appraisal:governance_meetings", EVERYONE, query="year=2026"),
    Case("appraisal:governance_meeting_new", MEETING_RECORDERS),
    Case("appraisal:governance_meeting_detail", COUNTY_A_READERS, args=_meeting_id),
    Case("appraisal:governance_minutes_file", COUNTY_A_READERS, args=_meeting_id),
    Case("appraisal:governance_decision_add", MEETING_RECORDERS, args=_meeting_id, method="POST",
         data=lambda c: {"text": "加强集体备课"}, ok_status=(302,)),
    Case("appraisal:governance_decision_task", MEETING_RECORDERS, args=_decision_id),
    Case("appraisal:governance_tasks", EVERYONE),
    Case("appraisal:governance_task_done", A1_TASK_UPDATERS, args=_task_id, method="POST", ok_status=(302,)),
    Case("appraisal:governance_plans", EVERYONE, query="year=2026"),
    Case("appraisal:governance_plan_new", PLANNERS),
    Case("appraisal:governance_plan_detail", CITY_READERS, args=_plan_id),
    Case("appraisal:governance_item_add", PLANNERS, args=_plan_id, method="POST",
         data=lambda c: {"at": c.city.code, "text": "组织优质课评选", "due": "2026-11-30"}, ok_status=(302,)),
    Case("appraisal:governance_item_push", PLANNERS, args=_item_id, method="POST",
         data=lambda c: {"from": c.city.code, "through": "1"}, ok_status=(302,)),
    Case("appraisal:governance_spending", SPENDING_READERS, query="year=2026"),
    Case("appraisal:governance_spending_new", ENTERERS),
    Case("appraisal:governance_spending_import", ENTERERS),
    Case("appraisal:governance_spending_template", ENTERERS),
    Case("appraisal:governance_spending_detail", A1_SPENDING_READERS, args=_spending_id),
    Case("appraisal:governance_spending_check", MEETING_RECORDERS, args=_spending_id, method="POST",
         data=lambda c: {"action": "confirm"}, ok_status=(302,)),
    Case("appraisal:governance_pack", PACK_READERS, query="year=2026"),
    Case("appraisal:governance_pack_xlsx", PACK_READERS, query="year=2026"),
    Case("api-v1:appraisal_gov_meeting_list", EVERYONE, query="year=2026"),
    Case("api-v1:appraisal_gov_meeting_detail", COUNTY_A_READERS, args=_meeting_id),
    Case("api-v1:appraisal_gov_task_list", EVERYONE),
    Case("api-v1:appraisal_gov_task_done", A1_TASK_UPDATERS, args=_task_id, method="POST", data=lambda c: {}),
    Case("api-v1:appraisal_gov_plan_progress", CITY_READERS, args=_plan_id),
    Case("api-v1:appraisal_gov_spending_list", EVERYONE, query="year=2026"),
    Case("api-v1:appraisal_gov_spending_detail", A1_SPENDING_READERS, args=_spending_id),
    Case("api-v1:appraisal_gov_pack", PACK_READERS, query="year=2026"),
]
