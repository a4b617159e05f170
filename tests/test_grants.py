"""Who may grant which post where (issue 8, finding 8): a county admin granted himself a
principal's post in one of his schools, or the institute head's post over the county, through
the posts API, and then read what neither of his posts allows. No one grants themselves
anything, an admin post only goes below the granter's node, and every grant is audited and
shown to the school."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse

from core.models import AuditEvent, Post, Role
from tests.conftest import Cast

JSON = "application/json"


def _grant(cast: Cast, granter: str, /, **data: Any) -> Any:
    return cast.client(granter).post(reverse("api-v1:post_list"), json.dumps(data), content_type=JSON)


def test_admin_cannot_make_himself_principal_of_his_school(cast: Cast) -> None:
    me = cast.people["county_admin"]
    r = _grant(cast, "county_admin", person=me.code, role=Role.PRINCIPAL, org=cast.school_a1.code)
    assert r.status_code == 422 and "不能给自己授予岗位" in r.json()["detail"][0]["msg"]
    assert not Post.objects.filter(person=me, role=Role.PRINCIPAL).exists()


def test_admin_cannot_make_himself_institute_head_over_the_county(cast: Cast) -> None:
    me = cast.people["county_admin"]
    r = _grant(cast, "county_admin", person=me.code, role=Role.INSTITUTE_HEAD, org=cast.county_a.code)
    assert r.status_code == 422
    assert not Post.objects.filter(person=me, role=Role.INSTITUTE_HEAD).exists()


def test_admin_post_only_below_the_granters_node(cast: Cast) -> None:
    colleague = cast.people["county_researcher"]
    r = _grant(cast, "county_admin", person=colleague.code, role=Role.ADMIN, org=cast.county_a.code)
    assert r.status_code == 422 and "下级区域" in r.json()["detail"][0]["msg"]
    assert not Post.objects.filter(person=colleague, role=Role.ADMIN).exists()


def test_a_grant_is_audited_and_shown_to_the_school(cast: Cast) -> None:
    teacher = cast.people["teacher"]
    r = _grant(cast, "county_admin", person=teacher.code, role=Role.HOMEROOM, org=cast.school_a1.code, grade=7)
    assert r.status_code == 201
    event = AuditEvent.objects.get(model="core.Post", object_id=str(r.json()["id"]), action="create")
    assert event.actor == cast.users["county_admin"]
    # The principal sees who granted what at the school, on the school page and the workbench.
    for page in (reverse("node_detail", args=[cast.school_a1.code]), reverse("workbench")):
        body = cast.client("principal").get(page).content.decode()
        assert "最近授权" in body
        assert "周敏 授予" in body and "何静" in body and "班主任" in body
    # Another school does not see it.
    outside = cast.client("outside_principal").get(reverse("workbench")).content.decode()
    assert "何静" not in outside
