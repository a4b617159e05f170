"""Access-matrix rows for the JSON API (url names in the "api-v1" namespace).

Every API operation has at least one row. Unauthenticated callers get 401 here, not a redirect.
Rows with a body (`data`) are meant to be sent as JSON (content type application/json): the
API reads JSON bodies only. A few `args` callables create the record the row needs (a group
proposal, a norm override) in the cast's database before the URL is reversed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.access_cases import COUNTY_A_ROLES, EVERYONE, SCHOOL_A1_ROLES, Case

if TYPE_CHECKING:
    from tests.conftest import Cast

# Who sees the teacher 何静 (Chinese, school A1): everyone over school A1 except the maths
# researchers of the province and city, whose posts narrow the people they see to maths.
SEES_TEACHER = SCHOOL_A1_ROLES - {"province_researcher", "city_researcher"}
# Who sees school A1's maths group: everyone over A1 except the county's Chinese researcher.
SEES_MATH_GROUP = SCHOOL_A1_ROLES - {"county_researcher"}
COUNTY_A_WRITERS = frozenset({"sysadmin", "county_admin"})
COUNTY_A_NORM_EDITORS = frozenset({"sysadmin", "county_admin", "institute_head"})


def math_group_id(cast: Cast) -> int:
    """Propose school A1's groups for the cast's term; the id of its maths group."""
    from core import services

    groups = services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    return next(g.pk for g in groups if g.name == "数学教研组")


def county_a_override(cast: Cast) -> list[Any]:
    from core import services
    from core.models import Norm

    services.norm_override_set(actor=None, norm=Norm.objects.get(code="GROUP.FORM"), region=cast.county_a,
                               threshold=4)
    return ["GROUP.FORM"]


CASES: list[Case] = [
    Case("api-v1:me", EVERYONE),
    Case("api-v1:region_list", EVERYONE),
    Case("api-v1:region_list", COUNTY_A_ROLES, query="parent=140105"),
    Case("api-v1:region_detail", COUNTY_A_ROLES, args=lambda c: [c.county_a.code]),
    Case("api-v1:school_list", EVERYONE),
    Case("api-v1:school_list", COUNTY_A_ROLES, query="under=140105"),
    Case("api-v1:school_detail", SCHOOL_A1_ROLES, args=lambda c: [c.school_a1.code]),
    Case("api-v1:person_list", EVERYONE),
    Case("api-v1:person_list", SCHOOL_A1_ROLES, query="org=1140105001"),
    Case("api-v1:person_detail", SEES_TEACHER, args=lambda c: [c.people["teacher"].code]),
    Case("api-v1:person_list", COUNTY_A_WRITERS, method="POST", ok_status=(201,),
         data=lambda c: {"code": "T90001", "name": "测试新人", "org": c.school_a1.code, "title": "erji",
                         "main_subject": "math"}),
    Case("api-v1:post_list", EVERYONE),
    Case("api-v1:post_list", SEES_TEACHER, query="person=P00012", note="P00012 is the cast's teacher 何静"),
    Case("api-v1:post_list", COUNTY_A_WRITERS, method="POST", ok_status=(201,),
         data=lambda c: {"person": c.people["teacher"].code, "role": "homeroom", "org": c.school_a1.code,
                         "grade": 7, "start": "2026-09-01"}),
    Case("api-v1:term_list", EVERYONE),
    Case("api-v1:term_list", COUNTY_A_ROLES, query="node=140105"),
    Case("api-v1:term_list", COUNTY_A_WRITERS, method="POST", ok_status=(201,),
         data=lambda c: {"region": c.county_a.code, "school_year": 2026, "semester": 1,
                         "start": "2026-09-01", "end": "2027-01-22"}),
    # The province's term is inherited by everyone posted in the province; only a system admin
    # (there is no provincial admin in the cast) may change it.
    Case("api-v1:term_detail", EVERYONE - {"no_post"}, args=lambda c: [c.term.pk]),
    Case("api-v1:term_detail", frozenset({"sysadmin"}), args=lambda c: [c.term.pk], method="PUT",
         data=lambda c: {"start": "2026-09-01", "end": "2027-01-25"}),
    Case("api-v1:group_list", EVERYONE),
    Case("api-v1:group_detail", SEES_MATH_GROUP, args=lambda c: [math_group_id(c)]),
    Case("api-v1:norm_list", EVERYONE),
    Case("api-v1:norm_list", COUNTY_A_ROLES, query="node=140105"),
    Case("api-v1:norm_detail", EVERYONE, args=lambda c: ["GROUP.FORM"]),
    Case("api-v1:norm_override", COUNTY_A_NORM_EDITORS, args=lambda c: ["GROUP.FORM"], method="PUT",
         data=lambda c: {"region": c.county_a.code, "threshold": 4, "note": "本区小学规模小"}),
    Case("api-v1:norm_override", COUNTY_A_NORM_EDITORS, args=county_a_override, query="region=140105",
         method="DELETE", ok_status=(204,)),
    Case("api-v1:compliance", COUNTY_A_ROLES, query="node=140105"),
    Case("api-v1:compliance", EVERYONE - {"no_post"}, note="no_post has no scope, hence no node: 404"),
]
