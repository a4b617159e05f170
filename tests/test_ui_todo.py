"""The workbench is a to-do list (issue 10): the order rule without a database, then what each
role of the cast finds first on its workbench."""

from __future__ import annotations

import re
from typing import Any

import pytest

from core.todo import Todo, order_todos


def test_urgent_items_come_first_then_the_fixed_order_and_empty_items_are_dropped() -> None:
    items = [Todo("norms_short", "规范未达标", "/n", count=4), Todo("quota", "听课进度", "/q", urgent=True),
             Todo("draft", "草稿", "/d", count=2), Todo("feedback", "评课意见", "/f", count=0),
             Todo("feedback", "评课意见", "/f2", count=1), Todo("draft", "另一草稿", "/d2", count=5)]
    assert [t.url for t in order_todos(items)] == ["/q", "/f2", "/d2", "/d", "/n"]
    assert len(order_todos(items, limit=2)) == 2


def test_unknown_kinds_come_last() -> None:
    assert [t.kind for t in order_todos([Todo("other", "x", "/x"), Todo("plan", "y", "/y")])] == ["plan", "other"]


def _todos(text: str) -> list[tuple[str, str]]:
    block = text[text.index('data-testid="todo-list"'):text.index("</section>", text.index('data-testid="todo-list"'))]
    return re.findall(r'<a href="([^"]+)" data-testid="todo">([^<]+)</a>', block)


@pytest.fixture
def lessons(cast: Any) -> dict[str, Any]:
    from core import services as core_services
    from tests.access_cases_observe import _record

    submitted = _record(cast)  # the principal observes the teacher; unread by the teacher
    draft = _record(cast, submit=False, observer="principal")
    core_services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    return {"submitted": submitted, "draft": draft}


def test_the_teacher_first_reads_the_new_feedback(cast: Any, lessons: dict[str, Any]) -> None:
    todos = _todos(cast.client("teacher").get("/").content.decode())
    assert todos and "评课意见待阅读" in todos[0][1]
    assert todos[0][0] == f"/observe/{lessons['submitted'].pk}/"


def test_the_principal_finds_drafts_pace_and_groups_to_confirm(cast: Any, lessons: dict[str, Any]) -> None:
    titles = [t for _, t in _todos(cast.client("principal").get("/").content.decode())]
    assert any("草稿待完成" in t for t in titles)
    assert any("教研组待确认" in t for t in titles)
    assert any("听课任务" in t for t in titles)


def test_a_researcher_finds_the_norms_falling_short_in_scope(cast: Any) -> None:
    text = cast.client("county_researcher").get("/").content.decode()
    todos = _todos(text)
    assert any("未达标" in t for _, t in todos)
    assert all("only=short" in u for u, t in todos if "未达标" in t)


def test_the_group_leader_sees_the_own_group_not_the_teachers_view(cast: Any, lessons: dict[str, Any]) -> None:
    from core.models import TeachingGroup

    math = TeachingGroup.objects.get(school=cast.school_a1, name="数学教研组")
    math.leader = cast.people["group_leader"]
    math.save(update_fields=["leader"])
    text = cast.client("group_leader").get("/").content.decode()
    assert 'data-testid="my-group"' in text and "数学教研组" in text
    assert cast.people["principal"].name in text  # a member of the maths group


def test_counters_come_after_the_to_do_list(cast: Any) -> None:
    text = cast.client("county_researcher").get("/").content.decode()
    assert text.index('data-testid="todo-list"') < text.index('data-testid="stat-schools"')


def test_the_header_shows_the_unread_notifications_on_every_page(cast: Any) -> None:
    from observe import services as observe_services

    observe_services.notify(recipient=cast.people["teacher"], title="测试通知")
    client = cast.client("teacher")
    for url in ("/", "/people/", "/groups/"):
        text = client.get(url).content.decode()
        assert 'data-testid="unread-badge"' in text, url
        assert re.search(r'data-testid="unread-badge"[^>]*>通知 <span class="badge">\d+</span>', text)
    assert 'data-testid="unread-badge"' not in cast.client("outside_teacher").get("/").content.decode()


def test_the_principal_is_asked_to_form_then_to_confirm_the_term_s_groups(cast: Any) -> None:
    from django.urls import reverse

    from core import services as core_services
    from core.models import GroupKind, TeachingGroup

    url = f"{reverse('school_groups', args=[cast.school_a1.code])}?term={cast.term.key}"

    def groups_item() -> list[str]:
        return [t for u, t in _todos(cast.client("principal").get("/").content.decode()) if u == url]

    TeachingGroup.objects.filter(school=cast.school_a1, term_key=cast.term.key).delete()
    assert groups_item() == [f"{cast.school_a1.name}本学期尚未组建教研组"]
    core_services.groups_propose(actor=None, school=cast.school_a1, term=cast.term)
    n = TeachingGroup.objects.filter(school=cast.school_a1, term_key=cast.term.key, kind=GroupKind.SUBJECT).count()
    assert n >= 2 and groups_item() == [f"{n}个教研组待确认"]
    core_services.groups_confirm(actor=None, school=cast.school_a1, term=cast.term)
    assert groups_item() == []
