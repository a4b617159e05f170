"""The shape of one row of the access matrix (tests/test_access_matrix.py).

Every URL pattern with a name, pages and API alike, must have at least one Case; the matrix
logs in as every role of the cast and asserts that the roles in `allowed` get `ok_status` and
every other role gets 404 or 403 (anonymous users get a redirect to the login page or 401).
Apps add their rows in their own module `tests/access_cases_<app>.py` exposing `CASES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ALL_ROLES = (
    "sysadmin", "institute_head", "province_researcher", "city_researcher", "county_researcher",
    "part_time_researcher", "bureau_viewer", "county_admin", "principal", "vice_principal",
    "middle_manager", "group_leader", "teacher", "teacher_a2", "outside_principal", "outside_teacher",
    "outside_researcher", "no_post",
)
# Roles whose posts cover county A (where the cast's inside records live).
COUNTY_A_ROLES = frozenset({"sysadmin", "institute_head", "province_researcher", "city_researcher",
                            "county_researcher", "part_time_researcher", "bureau_viewer", "county_admin"})
SCHOOL_A1_ROLES = COUNTY_A_ROLES | {"principal", "vice_principal", "middle_manager", "group_leader", "teacher"}
EVERYONE = frozenset(ALL_ROLES)


@dataclass(frozen=True)
class Case:
    """`url_name` reversed with `args(cast)`; roles in `allowed` get `ok_status`."""

    url_name: str
    allowed: frozenset[str]
    args: Callable[[Any], list[Any]] = lambda cast: []
    query: str = ""
    method: str = "GET"
    data: Callable[[Any], dict[str, Any]] | None = None
    ok_status: tuple[int, ...] = (200,)
    note: str = ""
    extra_roles: tuple[str, ...] = field(default=())
    # A page open without login (a questionnaire's answer link): anonymous users get `ok_status` too.
    public: bool = False
