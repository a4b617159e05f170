"""HOMEROOM.PARENTS, HOMEROOM.STUDENTS, HOMEROOM.TEACHERS (004 (一)2: "每學期至少召開一次家長會，
每月召開一次學生座談會、一次科任教師聯席會"), one row per class (its homeroom post) of a school,
about the homeroom teacher. The counting is research.homeroom_rules."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone

from core.access import posts_visible_to
from core.compliance import MetricContext, Row, metric
from core.models import Post, Role, Term
from core.urlmaker import url_maker
from research.homeroom_rules import monthly_standing, semester_standing
from research.models.homeroom import HomeroomMeeting, MeetingKind

POSTS_MEMO = "research.homeroom_posts"


def class_label(post: Post) -> str:
    """How a class is named where no class register exists: its grade and homeroom teacher."""
    grade = f"{post.grade}年级" if post.grade else ""
    return f"{grade}{post.person.name}班"


def homeroom_posts(ctx: MetricContext) -> list[Post]:
    """The classes (homeroom posts) under the unit in the term, read once per refresh for the
    three HOMEROOM norms."""
    assert ctx.term is not None
    cached = ctx.memo.get(POSTS_MEMO)
    if cached is not None:
        return cached  # type: ignore[no-any-return]  # the memo holds what this function stored
    qs = (posts_visible_to(ctx.user).overlapping(ctx.term.start, ctx.term.end)
          .filter(role=Role.HOMEROOM, org__kind="school"))
    qs = qs.filter(org=ctx.node) if ctx.exact else qs.filter(org__path__startswith=ctx.node.path)
    posts = list(qs.order_by("org__path", "grade", "person__pinyin"))
    ctx.memo[POSTS_MEMO] = posts
    return posts


def _meeting_dates(posts: list[Post], term: Term, kind: str) -> dict[int, list[dt.date]]:
    dates: dict[int, list[dt.date]] = defaultdict(list)
    for pid, day in HomeroomMeeting.objects.filter(homeroom__in=posts, kind=kind, held_on__gte=term.start,
                                                   held_on__lte=term.end).values_list("homeroom_id", "held_on"):
        dates[pid].append(day)
    return dates


def _span(post: Post, term: Term) -> tuple[dt.date, dt.date]:
    start = max(term.start, post.start) if post.start else term.start
    end = min(term.end, post.end) if post.end else term.end
    return start, end


def _row(post: Post, meets: bool, detail: str, value: float, target: float | None,
         url: Callable[[object], str]) -> Row:
    return Row(label=class_label(post), meets=meets, value=value, target=target, detail=detail,
               context=post.org.name, person_id=post.person_id, path=post.org.path, url=url(post.pk))


@metric("HOMEROOM.PARENTS", needs_term=True)
def homeroom_parents(ctx: MetricContext) -> list[Row]:
    """Each class holds at least `threshold` parents' meetings in the semester."""
    assert ctx.term is not None and ctx.threshold is not None
    posts = homeroom_posts(ctx)
    dates = _meeting_dates(posts, ctx.term, MeetingKind.PARENTS)
    rows = []
    url = url_maker("research:homeroom_class")
    for p in posts:
        start, end = _span(p, ctx.term)
        st = semester_standing(dates[p.pk], start, end, ctx.threshold)
        rows.append(_row(p, st.meets, st.detail, st.held, ctx.threshold, url))
    return rows


def _monthly(ctx: MetricContext, kind: str) -> list[Row]:
    assert ctx.term is not None and ctx.threshold is not None
    posts = homeroom_posts(ctx)
    dates = _meeting_dates(posts, ctx.term, kind)
    today = timezone.localdate()
    rows = []
    url = url_maker("research:homeroom_class")
    for p in posts:
        start, end = _span(p, ctx.term)
        st = monthly_standing(dates[p.pk], start, end, today, ctx.threshold)
        rows.append(_row(p, st.meets, st.detail, st.met, st.due or None, url))
    return rows


@metric("HOMEROOM.STUDENTS", needs_term=True)
def homeroom_students(ctx: MetricContext) -> list[Row]:
    """Each class holds a student forum (学生座谈会) in every month of the term that is due."""
    return _monthly(ctx, MeetingKind.STUDENT_FORUM)


@metric("HOMEROOM.TEACHERS", needs_term=True)
def homeroom_teachers(ctx: MetricContext) -> list[Row]:
    """Each class holds a subject-teachers' joint meeting (科任教师联席会) in every month due."""
    return _monthly(ctx, MeetingKind.TEACHERS_JOINT)
