"""The workbench reads in a fixed number of queries for each kind of user: a to-do list, a group's
members or a region's schools growing does not add queries (each app counts its items in the
database, members are linked without one query each)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_ui_todo import _todos

# Measured on the cast with the setup below (a region also asks whether it is large: one bounded
# count); a change that adds a query per item, member or school shows here first.
LIMITS = {"principal": 40, "group_leader": 34, "county_researcher": 41, "teacher": 29, "institute_head": 38}


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


def test_the_posts_at_a_node_are_those_the_policy_shows(cast: Any) -> None:
    """core.access.posts_at (the school's leaders and recent grants on the workbench) lists the
    same posts as posts_visible_to narrowed to the node, for every user and every node."""
    from core.access import posts_at, posts_visible_to

    nodes = [cast.school_a1, cast.school_a2, cast.school_b1, cast.county_a, cast.province]
    for key, user in cast.users.items():
        for node in nodes:
            want = set(posts_visible_to(user).filter(org=node).values_list("pk", flat=True))
            assert set(posts_at(user, node).values_list("pk", flat=True)) == want, (key, node.name)
    assert posts_at(cast.users["outside_teacher"], cast.school_a1).count() == 0
    assert posts_at(cast.users["principal"], cast.school_a1).count() > 0


def test_a_large_regions_counters_are_kept_until_the_roster_changes(cast: Any, monkeypatch: pytest.MonkeyPatch,
                                                                   django_capture_on_commit_callbacks: Any) -> None:
    """At a large region (more schools than core.norm_results.small_scope allows: the province's
    12,000) the workbench's counts are kept (core.kept), per scope, and counted again once a
    school, person or post is written; the page says when they were counted. A small region
    counts on every request."""
    import re

    from core import norm_results
    from core import services as core_services
    from core.models import OrgKind

    def schools(body: str) -> int:
        found = re.search(r'data-testid="stat-schools">(\d+)<', body)
        assert found is not None
        return int(found.group(1))

    def new_school(code: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):  # the write's commit, as in production
            core_services.org_node_create(actor=None, code=code, name=f"测试小学{code[-2:]}", kind=OrgKind.SCHOOL,
                                          parent=cast.county_a)

    head = cast.client("institute_head")
    before = head.get("/").content.decode()
    assert 'data-testid="counters-at"' not in before  # the cast's province is small: counted live
    n = schools(before)
    monkeypatch.setattr(norm_results, "SYNC_SCHOOLS", 1)  # every region of the cast counts as large
    first = head.get("/").content.decode()
    assert schools(first) == n and 'data-testid="counters-at"' not in first
    again = head.get("/").content.decode()
    assert schools(again) == n and 'data-testid="counters-at"' in again and "统计于" in again
    new_school("1140105009")
    after = head.get("/").content.decode()
    assert schools(after) == n + 1 and 'data-testid="counters-at"' not in after
    # Another scope counts for itself (the province researcher sees only her subject's teachers).
    other = cast.client("province_researcher").get("/").content.decode()
    assert schools(other) == n + 1 and 'data-testid="counters-at"' not in other
    assert 'data-testid="counters-at"' in head.get("/").content.decode()
