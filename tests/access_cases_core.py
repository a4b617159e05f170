"""Access-matrix rows for the core pages (org, people, groups, norms, terms, audit)."""

from __future__ import annotations

from typing import Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

# Who sees school B1 (county B): the province and city above it, and its own people.
SCHOOL_B1_ROLES = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                             "outside_principal", "outside_teacher", "outside_researcher"})
GROUP_EDITORS_A1 = frozenset({"sysadmin", "county_admin", "principal", "vice_principal"})
WITH_NODE = EVERYONE - {"no_post"}


def _math_group(cast: Any) -> list[Any]:
    from core import services
    from core.models import TeachingGroup

    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    return [TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组").pk]


def _other_group(cast: Any) -> int:
    from core.models import TeachingGroup

    group = TeachingGroup.objects.filter(school=cast.school_a1, kind="subject").exclude(name="数学教研组").first()
    assert group is not None
    return group.pk


def _chinese_teacher(cast: Any) -> list[Any]:
    return [cast.people["teacher"].code]


CASES = [
    Case("workbench", EVERYONE),
    Case("org_browser", EVERYONE, ok_status=(200, 302)),
    Case("node_detail", COUNTY_A_ROLES, args=lambda c: [c.county_a.code]),
    Case("node_detail", SCHOOL_A1_ROLES, args=lambda c: [c.school_a1.code], note="school page"),
    Case("node_detail", SCHOOL_B1_ROLES, args=lambda c: [c.school_b1.code], note="other county's school"),
    Case("school_groups", SCHOOL_A1_ROLES, args=lambda c: [c.school_a1.code]),
    Case("school_groups_propose", GROUP_EDITORS_A1, args=lambda c: [c.school_a1.code], method="POST",
         ok_status=(302,)),
    Case("school_groups_confirm", GROUP_EDITORS_A1, args=lambda c: [c.school_a1.code], method="POST",
         ok_status=(302,)),
    Case("schools_list", EVERYONE),
    Case("schools_list", COUNTY_A_ROLES, query="node=140105", note="filtered to county A"),
    Case("schools_list", EVERYONE, query="format=xlsx", note="export"),
    Case("people_list", EVERYONE),
    Case("people_list", COUNTY_A_ROLES, query="node=140105&format=xlsx", note="export of county A"),
    Case("person_detail",
         SCHOOL_A1_ROLES - {"province_researcher", "city_researcher"},
         args=_chinese_teacher, note="a Chinese teacher: maths researchers above do not see them"),
    Case("groups_list", EVERYONE),
    Case("groups_list", EVERYONE, query="format=xlsx", note="export"),
    Case("group_detail", SCHOOL_A1_ROLES - {"county_researcher"}, args=_math_group,
         note="the maths group: the county's Chinese researcher does not see it"),
    Case("group_move_member", GROUP_EDITORS_A1, args=_math_group, method="POST",
         data=lambda c: {"person": c.people["group_leader"].code, "target": _other_group(c)},
         ok_status=(200,), note="the confirmation page: nothing moves yet"),
    Case("group_move_member", GROUP_EDITORS_A1, args=_math_group, method="POST",
         data=lambda c: {"person": c.people["group_leader"].code, "target": _other_group(c), "confirm": "1",
                         "leave_without_leader": "1"},
         ok_status=(302,), note="confirmed"),
    Case("compliance", EVERYONE),
    Case("compliance", COUNTY_A_ROLES, query="node=140105", note="scope chosen"),
    Case("compliance", COUNTY_A_ROLES, query="node=140105&format=xlsx", note="export"),
    Case("norm_detail", WITH_NODE, args=lambda c: ["GROUP.FORM"]),
    Case("norm_detail", COUNTY_A_ROLES, args=lambda c: ["RES.STAFFING"], query="node=140105"),
    Case("terms_list", EVERYONE),
    Case("audit_list", frozenset({"sysadmin", "county_admin"})),
]
