"""The workbench reads in a fixed number of queries for each kind of user: a to-do list, a group's
members or a region's schools growing does not add queries (each app counts its items in the
database, members are linked without one query each)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_ui_todo import _todos

# Measured on the cast with the setup below; a change that adds a query per item, member or
# school shows here first.
LIMITS = {"principal": 42, "group_leader": 36, "county_researcher": 42, "teacher": 31, "institute_head": 37}


@pytest.fixture
def busy(cast: Any) -> Any:
    """Lessons, drafts and the term's groups, the maths group led by the group leader and every
    teacher of the big school in it."""
    from core import services as core_services
    from core.models import GroupMembership, Person, TeachingGroup
    from tests.access_cases_observe import _record

    _record(cast)
    _record(cast, submit=False, observer="principal")
    core_services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    math = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    math.leader = cast.people["group_leader"]
    math.save(update_fields=["leader"])
    for p in Person.objects.filter(org=cast.school_a1).exclude(group_memberships__group=math):
        GroupMembership.objects.create(group=math, person=p)
    return cast


@pytest.mark.parametrize("role", sorted(LIMITS))
def test_the_workbench_reads_in_a_bounded_number_of_queries(busy: Any, role: str,
                                                            django_assert_max_num_queries: Any) -> None:
    client = busy.client(role)
    client.get("/")  # the session's first touch (last login, page-view row of the hour) aside
    with django_assert_max_num_queries(LIMITS[role]):
        response = client.get("/")
    assert response.status_code == 200
    if role in ("principal", "teacher", "county_researcher"):
        assert _todos(response.content.decode())  # each of them has something to do on the cast


def test_the_group_leader_sees_every_member_of_his_group(busy: Any) -> None:
    from core.models import GroupMembership

    n = GroupMembership.objects.filter(group__name="数学教研组", group__school=busy.school_a1).count()
    text = busy.client("group_leader").get("/").content.decode()
    assert f"{n}名成员" in text and n >= 3
