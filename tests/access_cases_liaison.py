"""Access-matrix rows for the liaison app's pages (liaison:*) and API (api-v1:liaison_*)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, Case

# The city round: the region roles at the city, above it and below it (county B's researcher
# too), and school A1's managers (A1 is linked by a proposal).
ROUND_READERS = frozenset(COUNTY_A_ROLES | {"outside_researcher", "principal", "vice_principal", "middle_manager"})
# Organisers: the admin and institute head at the city or above.
ORGANISERS = frozenset({"sysadmin", "institute_head"})
# Who may start a round somewhere: organisers, and county A's admin for county A.
ROUND_CREATORS = frozenset(ORGANISERS | {"county_admin"})
# Who may nominate a school for the city round: organisers, county A's admin, A1's principals.
NOMINATORS = frozenset(ORGANISERS | {"county_admin", "principal", "vice_principal"})
# The accepted link to school A2: the region roles at the city or above and over county A.
LINK_READERS = frozenset(COUNTY_A_ROLES)
# Its work is logged by the linked researcher and the organisers.
LOGGERS = frozenset(ORGANISERS | {"city_researcher"})
# The plan of the proposal to A1 is agreed by A1's principal and vice principal.
PLAN_AGREERS = frozenset({"sysadmin", "principal", "vice_principal"})


def _scenario(cast: Any) -> Any:
    from tests.liaison.scenario import build

    return build(cast)


def _round(cast: Any) -> list[Any]:
    return [_scenario(cast).round.pk]


def _link(cast: Any) -> list[Any]:
    return [_scenario(cast).link.pk]


def _proposed(cast: Any) -> list[Any]:
    return [_scenario(cast).proposed.pk]


def _nomination(cast: Any) -> list[Any]:
    return [_scenario(cast).nomination.pk]


def _guidance(cast: Any) -> list[Any]:
    s = _scenario(cast)
    return [s.link.pk, s.guidance.pk]


def _zone(cast: Any) -> list[Any]:
    return [_scenario(cast).zone.pk]


def _zone_activity(cast: Any) -> dict[str, Any]:
    from liaison.models import ResponsibilityZone

    zone = ResponsibilityZone.objects.get(name="小店北片学前教研指导责任区")
    return {"kind": "visit", "date": "2026-11-10", "host": str(zone.lead_id), "summary": "入园指导一日活动组织"}


def _attachment(kind: str, fmt: str) -> Any:
    def args(cast: Any) -> list[Any]:
        return [_scenario(cast).round.pk, kind, fmt]
    return args


CASES = [
    Case("liaison:home", EVERYONE, note="每个登录用户都能打开（只列出其可见的轮次）"),
    Case("liaison:round_new", ROUND_CREATORS),
    Case("liaison:round_detail", ROUND_READERS, args=_round),
    Case("liaison:round_edit", ORGANISERS, args=_round),
    Case("liaison:round_advance", ORGANISERS, args=_round, method="POST", ok_status=(302,)),
    Case("liaison:nomination_new", NOMINATORS, args=_round),
    Case("liaison:nomination_decide", ORGANISERS, args=_nomination, method="POST", data=lambda c: {"accepted": "1"},
         ok_status=(302,)),
    Case("liaison:link_choose", frozenset({"city_researcher"}), args=_nomination, method="POST", ok_status=(302,),
         note="the institution's own researchers choose a nominated school"),
    Case("liaison:round_optimise", ORGANISERS, args=_round),
    Case("liaison:round_optimise", ORGANISERS, args=_round, method="POST", ok_status=(302,), note="apply"),
    Case("liaison:link_new", ORGANISERS, args=_round),
    Case("liaison:round_accept_all", ORGANISERS, args=_round, method="POST", ok_status=(302,)),
    Case("liaison:link_edit", ORGANISERS, args=_proposed),
    Case("liaison:link_accept", ORGANISERS, args=_proposed, method="POST", ok_status=(302,)),
    Case("liaison:meeting_new", ORGANISERS, args=_round),
    Case("liaison:round_onsite", ROUND_READERS, args=_round),
    Case("liaison:round_map", ROUND_READERS, args=_round),
    Case("liaison:attachment", ROUND_READERS, args=_attachment("researcher", "xlsx")),
    Case("liaison:attachment", ROUND_READERS, args=_attachment("backbone", "docx"), note="docx"),
    Case("liaison:round_report", ROUND_READERS, args=_round),
    Case("liaison:link_detail", LINK_READERS, args=_link),
    Case("liaison:link_detail", frozenset(COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager"}),
         args=_proposed, note="A1's proposal: A1's managers read it"),
    Case("liaison:plan_edit", LOGGERS, args=_link),
    Case("liaison:plan_agree", PLAN_AGREERS, args=_proposed, method="POST", ok_status=(302,)),
    Case("liaison:day_new", LOGGERS, args=_link),
    Case("liaison:task_check", LOGGERS, args=_link, method="POST",
         data=lambda c: {"task": "1", "done": "1", "evidence": "调研报告"}, ok_status=(302,)),
    Case("liaison:guidance_new", LOGGERS, args=_link),
    Case("liaison:guidance_edit", LOGGERS, args=_guidance),
    Case("liaison:zones", EVERYONE),
    Case("liaison:zone_detail", LINK_READERS, args=_zone),
    Case("liaison:zone_detail", ROUND_CREATORS, args=_zone, method="POST", data=_zone_activity, ok_status=(302,),
         note="record an activity: the admin and head over the county"),
    Case("liaison:zone_new", ROUND_CREATORS),
]

CASES += [
    Case("api-v1:liaison_round_list", EVERYONE),
    Case("api-v1:liaison_round_detail", ROUND_READERS, args=_round),
    Case("api-v1:liaison_link_list", EVERYONE),
    Case("api-v1:liaison_link_detail", LINK_READERS, args=_link),
    Case("api-v1:liaison_day_create", LOGGERS, args=_link, method="POST",
         data=lambda c: {"date": "2026-10-14", "work": "听评课两节", "portion": "full"}, ok_status=(201,)),
    Case("api-v1:liaison_task_check", LOGGERS, args=lambda c: [_scenario(c).link.pk, 2], method="PUT",
         data=lambda c: {"done": True, "evidence": "课程实施方案修订稿"}),
    Case("api-v1:liaison_round_proposal", ORGANISERS, args=_round),
]
