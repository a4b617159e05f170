"""Subject groups through services and pages: proposal, confirmation, edits, GROUP.FORM."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from core import services
from core.compliance import evaluate
from core.errors import DomainError
from core.models import AuditEvent, GroupStatus, Norm, Person, TeachingGroup


def test_principal_proposes_and_confirms_through_the_pages(cast: Any) -> None:
    c = cast.client("principal")
    url = reverse("school_groups", args=[cast.school_a1.code])
    page = c.get(url).content.decode()
    assert "按规则生成建议方案" in page
    r = c.post(reverse("school_groups_propose", args=[cast.school_a1.code]))
    assert r.status_code == 302
    groups = TeachingGroup.objects.filter(school=cast.school_a1, term_key=cast.term.key)
    assert groups.count() >= 2 and all(g.status == GroupStatus.PROPOSED for g in groups)
    page = c.get(url).content.decode()
    assert "数学教研组" in page and "待确认" in page
    c.post(reverse("school_groups_confirm", args=[cast.school_a1.code]))
    assert all(g.status == GroupStatus.CONFIRMED for g in groups.all())
    assert AuditEvent.objects.filter(model="core.TeachingGroup", action="update").count() == groups.count()
    # Confirmed groups are not regenerated behind the principal's back.
    with pytest.raises(DomainError, match="已确认"):
        services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)


def test_teacher_sees_groups_but_cannot_change_them(cast: Any) -> None:
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    c = cast.client("teacher")
    page = c.get(reverse("school_groups", args=[cast.school_a1.code])).content.decode()
    assert "数学教研组" in page and "按规则生成建议方案" not in page
    assert c.post(reverse("school_groups_confirm", args=[cast.school_a1.code])).status_code == 404
    assert not TeachingGroup.objects.filter(status=GroupStatus.CONFIRMED).exists()


def test_leader_must_be_a_member_and_form_keeps_input(cast: Any) -> None:
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    math = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    c = cast.client("principal")
    r = c.post(reverse("group_detail", args=[math.pk]), {"name": "数学组（新）", "leader": "NOPE"})
    assert r.status_code == 200
    assert "数学组（新）" in r.content.decode()  # what the user typed is still in the form
    math.refresh_from_db()
    assert math.name == "数学教研组"
    leader = cast.people["group_leader"]
    r = c.post(reverse("group_detail", args=[math.pk]), {"name": "数学教研组", "leader": leader.code})
    assert r.status_code == 302
    math.refresh_from_db()
    assert math.leader == leader


def test_moving_a_member_between_groups(cast: Any) -> None:
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    math = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    other = TeachingGroup.objects.filter(school=cast.school_a1, kind="subject").exclude(pk=math.pk).get()
    leader: Person = cast.people["group_leader"]
    r = cast.client("vice_principal").post(reverse("group_move_member", args=[math.pk]),
                                           {"person": leader.code, "target": other.pk, "confirm": "1",
                                            "leave_without_leader": "1"})
    assert r.status_code == 302
    assert other.memberships.filter(person=leader).exists()
    assert not math.memberships.filter(person=leader).exists()


def test_group_form_metric_has_three_states(cast: Any) -> None:
    norm = Norm.objects.get(code="GROUP.FORM")
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert rows["小店第一中学"].meets is False and "尚未组建" in rows["小店第一中学"].detail
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert "待校长确认" in rows["小店第一中学"].detail
    services.groups_confirm(actor=None, school=cast.school_a1, term=cast.term)
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert rows["小店第一中学"].meets is True
    # Once Chinese and English each reach 3 teachers, their shared group no longer meets the rule.
    from core.models import Subject

    for code, subject in (("C9", "chinese"), ("E9", "english")):
        services.person_create(actor=None, code=code, name=f"新教师{code}", org=cast.school_a1,
                               main_subject=Subject.objects.get(code=subject))
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert rows["小店第一中学"].meets is False
    assert "语文" in rows["小店第一中学"].detail and "英语" in rows["小店第一中学"].detail


def test_group_prep_for_a_large_school(cast: Any) -> None:
    """A1 has 36 classes: its maths group of 8 teachers gets 备课组 by grade, led by the
    备课组长 post holder; the norm is met once they exist and fails when they are removed."""
    import datetime as dt

    from core.models import Role, Subject

    math = Subject.objects.get(code="math")
    people = []
    for i, grade in enumerate([7, 7, 7, 8, 8, 8]):
        p = services.person_create(actor=None, code=f"MA{i}", name=f"数学{i}", org=cast.school_a1, main_subject=math)
        services.post_create(actor=None, person=p, role=Role.TEACHER, org=cast.school_a1, subject=math, grade=grade,
                             start=dt.date(2020, 9, 1))
        people.append(p)
    services.post_create(actor=None, person=people[4], role=Role.PREP_LEADER, org=cast.school_a1, subject=math,
                         start=dt.date(2020, 9, 1))
    services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    services.groups_confirm(actor=None, school=cast.school_a1, term=cast.term)
    math_group = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    assert math_group.leader == cast.people["group_leader"]  # the 教研组长 post holder, not the principal
    preps = {g.name: g for g in math_group.prep_groups.all()}
    assert set(preps) == {"七年级数学备课组", "八年级数学备课组"}
    assert preps["八年级数学备课组"].leader == people[4]
    norm = Norm.objects.get(code="GROUP.PREP")
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert set(rows) == {"小店第一中学"}  # A2 (8 classes) is not a large school
    assert rows["小店第一中学"].meets
    math_group.prep_groups.all().delete()
    rows = {r.label: r for r in evaluate(cast.users["sysadmin"], cast.county_a, cast.term, norm).rows}
    assert not rows["小店第一中学"].meets and "数学教研组" in rows["小店第一中学"].detail


def test_group_api_lists_the_members_the_group_page_shows(cast: Any) -> None:
    """Issue 8, finding 11: the county Chinese researcher sees the merged 语英教研组 (it holds
    his subject); the page hid its English teachers but the groups API listed them."""
    groups = services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    merged = next(g for g in groups if g.name == "语英教研组")
    client = cast.client("county_researcher")
    api = client.get(reverse("api-v1:group_detail", args=[merged.pk])).json()
    listed = {m["person"]["name"] for m in api["members"]}
    page = client.get(reverse("group_detail", args=[merged.pk])).content.decode()
    english = cast.people["middle_manager"].name
    assert english not in listed and english not in page
    chinese = cast.people["teacher"].name
    assert chinese in listed and chinese in page
    assert api["member_count"] == len(api["members"])


def test_the_groups_list_and_its_api_count_only_the_members_the_viewer_sees(cast: Any) -> None:
    """The counts come from one query over the page's groups (not an annotation of every group
    of the province); they stay narrowed as the group page's roster is."""
    import re

    groups = services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    merged = next(g for g in groups if g.name == "语英教研组")
    client = cast.client("county_researcher")
    seen = len(client.get(reverse("api-v1:group_detail", args=[merged.pk])).json()["members"])
    assert 0 < seen < merged.memberships.count()  # the English teachers are not his to see
    listed = client.get(reverse("api-v1:group_list"), {"term": cast.term.key, "limit": 200}).json()["items"]
    assert next(g["member_count"] for g in listed if g["id"] == merged.pk) == seen
    page = client.get(reverse("groups_list"), {"term": cast.term.key}).content.decode()
    row = re.search(rf'groups/{merged.pk}/">语英教研组</a>.*?<td class="num">(\d+)</td>', page, re.S)
    assert row is not None and int(row[1]) == seen
    # The system admin sees every member.
    admin = cast.client("sysadmin").get(reverse("api-v1:group_list"), {"term": cast.term.key, "limit": 200}).json()
    assert next(g["member_count"] for g in admin["items"] if g["id"] == merged.pk) == merged.memberships.count()
