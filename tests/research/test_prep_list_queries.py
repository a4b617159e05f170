"""List pages of preparation, homeroom and orders read a fixed number of queries, however many
records they list."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Post, Role
from research.models.homeroom import HomeroomMeeting
from tests.research.order_setup import post_order
from tests.research.prep_setup import open_session


def _count(c: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as q:
        assert c.get(url).status_code == 200
    return len(q.captured_queries)


def test_list_pages_do_not_grow_with_their_rows(cast: Any, monkeypatch: Any) -> None:
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2026, 12, 1))  # the clock
    c = cast.client("principal")
    open_session(cast)
    post_order(cast)
    posts = [Post.objects.create(person=cast.people[k], role=Role.HOMEROOM, org=cast.school_a1, grade=7,
                                 start=dt.date(2025, 9, 1)) for k in ("teacher", "group_leader")]
    HomeroomMeeting.objects.create(school=cast.school_a1, homeroom=posts[0], kind="parents",
                                   held_on=dt.date(2026, 4, 1), attendance=30)
    urls = [reverse("research:prep_list"), reverse("research:orders_list"),
            reverse("research:homeroom_list") + "?term=2025-2"]
    before = [_count(c, u) for u in urls]
    for i in range(4):
        open_session(cast, topic=f"课题{i}")
        post_order(cast, topic=f"主题{i}")
    for k in ("vice_principal", "middle_manager", "principal"):
        post = Post.objects.create(person=cast.people[k], role=Role.HOMEROOM, org=cast.school_a1, grade=8,
                                   start=dt.date(2025, 9, 1))
        HomeroomMeeting.objects.create(school=cast.school_a1, homeroom=post, kind="student_forum",
                                       held_on=dt.date(2026, 3, 1), attendance=40)
    assert [_count(c, u) for u in urls] == before
