"""Group moves (issue 10): the leader is never dropped silently, the likely target comes first,
and nothing moves before the principal confirms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from core import services
from core.errors import DomainError
from core.grouping import MoveTarget, order_move_targets
from core.models import Person, TeachingGroup
from core.policy import group_policy


def test_targets_of_the_members_subject_come_first() -> None:
    art, chinese, maths = (MoveTarget(1, "艺术教研组", frozenset({9})), MoveTarget(2, "语文教研组", frozenset({2})),
                           MoveTarget(3, "数学教研组", frozenset({1})))
    prep = MoveTarget(4, "七年级数学备课组", frozenset({1}), is_prep=True)
    ordered = order_move_targets([art, prep, chinese, maths], subject_ids={1, 2}, main_subject_id=1)
    assert [t.name for t in ordered] == ["数学教研组", "七年级数学备课组", "语文教研组", "艺术教研组"]


def test_the_policy_quoted_is_the_regions_own_or_the_national_one() -> None:
    assert group_policy(["小店测试区", "太原测试市"]).citation.startswith("《教育部")
    assert "珠晖区" in group_policy(["珠晖区", "衡阳市"]).citation


def _groups(cast: Any) -> tuple[TeachingGroup, TeachingGroup]:
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    math = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    other = TeachingGroup.objects.filter(school=cast.school_a1, kind="subject").exclude(pk=math.pk).first()
    assert other is not None
    return math, other


def test_the_school_groups_page_quotes_no_other_regions_document(cast: Any) -> None:
    text = cast.client("principal").get(reverse("school_groups", args=[cast.school_a1.code])).content.decode()
    assert "珠晖区" not in text
    assert "依据《教育部关于加强和改进新时代基础教育教研工作的意见》" in text


def test_moving_the_leader_out_asks_who_leads_the_group(cast: Any) -> None:
    math, other = _groups(cast)
    leader: Person = cast.people["group_leader"]
    math.leader = leader
    math.save(update_fields=["leader"])
    with pytest.raises(DomainError, match="组长"):
        services.group_member_move(actor=None, person=leader, source=math, target=other)
    math.refresh_from_db()
    assert math.leader == leader and math.memberships.filter(person=leader).exists()

    client = cast.client("vice_principal")
    url = reverse("group_move_member", args=[math.pk])
    r = client.post(url, {"person": leader.code, "target": other.pk, "confirm": "1"})
    assert r.status_code == 200 and "调出前请指定新组长" in r.content.decode()
    assert math.memberships.filter(person=leader).exists()

    successor = next(m.person for m in math.memberships.select_related("person") if m.person_id != leader.pk)
    r = client.post(url, {"person": leader.code, "target": other.pk, "confirm": "1", "new_leader": successor.code})
    assert r.status_code == 302
    math.refresh_from_db()
    assert math.leader == successor
    assert other.memberships.filter(person=leader).exists()


def test_the_leader_may_leave_the_group_without_a_leader_when_the_principal_says_so(cast: Any) -> None:
    math, other = _groups(cast)
    leader: Person = cast.people["group_leader"]
    math.leader = leader
    math.save(update_fields=["leader"])
    r = cast.client("principal").post(reverse("group_move_member", args=[math.pk]),
                                      {"person": leader.code, "target": other.pk, "confirm": "1",
                                       "leave_without_leader": "1"})
    assert r.status_code == 302
    math.refresh_from_db()
    assert math.leader is None


def test_nothing_moves_before_the_confirmation(cast: Any) -> None:
    math, other = _groups(cast)
    member = next(m.person for m in math.memberships.select_related("person") if m.person_id != math.leader_id)
    client = cast.client("principal")
    r = client.post(reverse("group_move_member", args=[math.pk]), {"person": member.code, "target": other.pk})
    text = r.content.decode()
    assert r.status_code == 200 and "确认调整" in text and member.name in text and other.name in text
    assert math.memberships.filter(person=member).exists()
    assert not other.memberships.filter(person=member).exists()


def test_the_target_list_starts_with_the_members_subject(cast: Any) -> None:
    math, _other = _groups(cast)
    text = cast.client("principal").get(reverse("group_detail", args=[math.pk])).content.decode()
    # A maths teacher's first option among the other groups is a maths group (a 备课组 of 数学),
    # never an unrelated group, whenever one exists.
    leader = cast.people["group_leader"]
    row = text[text.index(f'value="{leader.code}"'):]
    first = re.search(r'<option value="\d+">([^<]+)</option>', row)
    assert first is not None
    names = set(TeachingGroup.objects.filter(school=cast.school_a1, term_key=math.term_key)
                .exclude(pk=math.pk).values_list("name", flat=True))
    if any("数学" in n for n in names):
        assert "数学" in first.group(1)
