"""No dead ends: the error pages, the menu of a user with no post, names instead of keys."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from core.terms import term_name


def test_term_names_are_said_the_way_people_say_them() -> None:
    assert term_name("2025-2") == "2025—2026学年第二学期"
    assert term_name("2026-1") == "2026—2027学年第一学期"
    assert term_name("2026-7") == "2026-7"
    assert term_name(None) == ""


def _is_layout_page(text: str) -> bool:
    return 'class="topbar"' in text and 'class="foot"' in text


def test_an_unknown_page_answers_a_chinese_404_in_the_layout_with_a_way_back(cast: Any) -> None:
    response = cast.client("teacher").get("/no-such-page/", HTTP_REFERER="http://testserver/people/")
    text = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in text and _is_layout_page(text)
    assert 'href="/"' in text and "返回工作台" in text
    assert 'href="http://testserver/people/"' in text  # back where the user came from
    assert "Not Found" not in text


def test_a_record_out_of_scope_answers_the_same_404(cast: Any) -> None:
    response = cast.client("outside_teacher").get(f"/people/{cast.people['teacher'].code}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_404_page_offers_no_foreign_way_back(cast: Any) -> None:
    text = cast.client("teacher").get("/no-such-page/", HTTP_REFERER="https://evil.example/").content.decode()
    assert "evil.example" not in text


def test_an_anonymous_404_offers_the_login(db: None) -> None:
    text = Client().get("/no-such-page/").content.decode()
    assert "页面不存在" in text and 'href="/login/"' in text


def test_the_api_keeps_answering_json(cast: Any) -> None:
    response = cast.client("teacher").get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "没有找到" in response.json()["detail"]


@override_settings(ROOT_URLCONF="tests.ui_error_urls")
def test_a_refusal_answers_a_chinese_403_in_the_layout(cast: Any) -> None:
    response = cast.client("teacher").get("/test-forbidden/")
    text = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in text and _is_layout_page(text) and "返回工作台" in text


@override_settings(ROOT_URLCONF="tests.ui_error_urls")
def test_a_failure_answers_a_chinese_500_without_the_exception(cast: Any) -> None:
    client = cast.client("teacher")
    client.raise_request_exception = False
    response = client.get("/test-boom/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "系统出错了" in text and "返回工作台" in text
    assert "RuntimeError" not in text and "deliberate" not in text
    api = client.get("/api/v1/test-boom/")
    assert api.status_code == 500 and api["Content-Type"].startswith("application/json")
    assert "RuntimeError" not in api.content.decode()


def test_a_user_with_no_post_is_shown_only_the_workbench(cast: Any) -> None:
    text = cast.client("no_post").get("/").content.decode()
    nav = text[text.index('id="nav"'):text.index("</nav>")]
    assert "工作台" in nav
    for label in ("组织机构", "人员", "教研组", "规范达标", "听评课", "质量监测", "学期"):
        assert label not in nav, label
    assert "还没有任何岗位" in text


@pytest.mark.parametrize("role", ["county_researcher", "outside_researcher"])
def test_a_school_page_links_only_the_leaders_the_reader_may_open(cast: Any, role: str) -> None:
    """A Chinese researcher sees the school's maths group leader named, not linked (a 404)."""
    from core.access import people_visible_to

    school = cast.school_a1 if role == "county_researcher" else cast.school_b1
    user = cast.users[role]
    client = cast.client(role)
    text = client.get(f"/org/{school.code}/").content.decode()
    visible = set(people_visible_to(user).values_list("code", flat=True))
    import re

    for code in re.findall(r'href="/people/([^/"]+)/"', text):
        assert code in visible
    leader = cast.people["group_leader" if role == "county_researcher" else "outside_principal"]
    assert leader.name in text


def test_the_audit_log_says_field_names_and_copes_with_lists(db: None) -> None:
    from core.templatetags.jiaoyan import audit_changes

    said = audit_changes({"leader": None, "subjects": [1, 2], "name": "数学教研组"}, "core.TeachingGroup")
    assert "1、2" in said and "名称：数学教研组" in said
    assert "leader" not in said


def test_the_audit_log_names_terms_and_norms(db: None) -> None:
    from core.models import Norm
    from core.templatetags.jiaoyan import audit_changes

    norm = Norm.objects.first()
    assert norm is not None
    said = audit_changes({"term_key": "2026-1", "norm_code": norm.code}, "quality.EarlyWarning")
    assert "2026—2027学年第一学期" in said and norm.title in said and norm.code not in said
