"""Access-matrix rows for subject-group life (research:groups_home, group pages and forms, 联组,
the term summary; api-v1:research_group_*, research_joint_group_*).

School A1's 数学组 is led by the cast's group leader. It is read by every post at A1 and by the
region roles over A1, except the county's Chinese researcher (a subject researcher sees the groups
of his subject); its records are written by its leader and A1's managers."""

from __future__ import annotations

from typing import Any

from tests.access_cases import EVERYONE, SCHOOL_A1_ROLES, Case

SCHOOL_READERS = SCHOOL_A1_ROLES
MATH_GROUP_READERS = frozenset(SCHOOL_A1_ROLES - {"county_researcher"})
A1_MANAGERS = frozenset({"sysadmin", "principal", "vice_principal", "middle_manager"})
MATH_GROUP_EDITORS = frozenset(A1_MANAGERS | {"group_leader"})


def math_group(cast: Any) -> Any:
    from tests.research.group_fixtures import make_groups

    return make_groups(cast, cast.term.key)["数学组"]


def _group(cast: Any) -> list[Any]:
    return [math_group(cast).pk]


CASES = [
    Case("research:groups_home", EVERYONE, note="一所学校的教研组；区域角色先选学校"),
    Case("research:groups_home", SCHOOL_READERS, query="school=1140105001", note="A1 的教研组与两周条"),
    Case("research:group_detail", MATH_GROUP_READERS, args=_group),
]
