"""The collective-preparation pages: the archive, opening a session, the workflow page acting in
each step (a refusal keeps what was typed), and two versions side by side."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from research.models.prep import PrepDocument, PrepStep
from tests.research.prep_setup import PLAN_V1, math_group, open_session, run_steps


def test_open_a_session_and_keep_typed_values_on_error(cast: Any) -> None:
    group = math_group(cast)
    c = cast.client("group_leader")
    url = reverse("research:prep_new")
    bad = c.post(url, {"group": group.pk, "topic": "分数的意义", "scope": "lesson",
                       "lead": cast.people["group_leader"].pk, "teach_on": "2027-03-01"})
    body = bad.content.decode()
    assert bad.status_code == 200 and "计划授课日期：应在2026-09-01至2027-01-20之间" in body
    assert 'value="分数的意义"' in body
    ok = c.post(url, {"group": group.pk, "topic": "分数的意义", "scope": "lesson",
                      "lead": cast.people["group_leader"].pk, "teach_on": "2026-10-09"})
    assert ok.status_code == 302
    listing = c.get(reverse("research:prep_list") + f"?group={group.pk}").content.decode()
    assert "七年级数学备课组 · 备课档案" in listing and "分数的意义" in listing


def test_the_workflow_page_through_the_steps(cast: Any) -> None:
    session = open_session(cast)
    c = cast.client("group_leader")
    url = reverse("research:prep_detail", args=[session.pk])
    assert c.post(url, {"action": "draft", "body": PLAN_V1, "note": ""}).status_code == 302
    # A comment before the discussion opens is refused, and the page keeps what was typed.
    r = c.post(url, {"action": "comment", "document": PrepDocument.objects.get().pk, "paragraph": 1,
                     "mode": "meeting", "body": "目标要可检测"})
    assert r.status_code == 200 and "集体研讨环节开始后" in r.content.decode()
    assert "目标要可检测" in r.content.decode()
    assert c.post(url, {"action": "discuss"}).status_code == 302
    assert c.post(url, {"action": "comment", "document": PrepDocument.objects.get().pk, "paragraph": 1,
                        "mode": "meeting", "body": "目标要可检测"}).status_code == 302
    page = c.get(url).content.decode()
    assert "冯志刚（集中研讨）：目标要可检测" in page
    session.refresh_from_db()
    assert session.step == PrepStep.DISCUSSION
    # A teacher of another school cannot act on it (404, not a refusal that leaks it).
    assert cast.client("outside_teacher").post(url, {"action": "discuss"}).status_code == 404


def test_compare_two_shared_versions_side_by_side(cast: Any) -> None:
    session = run_steps(cast, open_session(cast), upto="sign_off")
    r = cast.client("teacher").get(reverse("research:prep_compare", args=[session.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "共案 第1版" in body and "共案 第2版" in body
    assert "修改2段 · 新增0段 · 删除0段 · 未变4段" in body
    assert "理解分数的意义，会用分数表示部分与整体" in body


def test_new_session_is_offered_to_exactly_those_who_may_open_one(cast: Any) -> None:
    # The list page decides from the user's posts and led groups before reading any group
    # (research.access._may_open_sessions); the offer must still match can_open_session.
    from core.access import groups_visible_to
    from research.access import can_open_session

    group = math_group(cast)
    for role in ("group_leader", "principal", "sysadmin", "teacher", "county_researcher", "institute_head"):
        user = cast.users[role]
        body = cast.client(role).get(reverse("research:prep_list")).content.decode()
        may = any(can_open_session(user, g) for g in groups_visible_to(user))
        assert ('data-testid="prep-new"' in body) == may, role
        assert may == (role in ("group_leader", "principal", "sysadmin")), role
    assert group.leader_id == cast.people["group_leader"].pk
