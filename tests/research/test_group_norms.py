"""The five subject-group norms, each from its clause in spec/norms.md (003), computed live through
core.compliance as the stored refresh does: a group or school that meets it, one that misses it,
and the edge of its threshold.

GROUP.MEET   concentrated research activity of each 教研组: every 2 weeks, >= 2 class periods each
GROUP.PLAN   each 教研组 has a 3- or 5-year development plan and a semester activity plan (1 each)
GROUP.JOURNALS  each 教研组 subscribes to subject journals or newspapers (>= 3, year)
GROUP.KEY_SUBJECTS  each school names key subjects for development (1..2)
GROUP.MEMBERSHIP  a teacher belongs to the group of the main subject and also attends the groups of
             other subjects taught; school leaders join the groups of subjects they teach
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from core.compliance import evaluate
from core.models import GroupKind, GroupMembership, Norm, NormOverride, NormResultRow, Subject, TeachingGroup
from core.norm_results import refresh_units, system_user
from research.group_rules import fortnights
from research.models.activities import ActivityStatus
from research.models.groups import GroupPlan, JournalSubscription, KeySubject, PlanKind
from tests.research.group_fixtures import activity, make_groups, previous_term


def _rows(cast: Any, code: str, term: Any = None, node: Any = None) -> dict[str, Any]:
    result = evaluate(system_user(), node or cast.province, term or cast.term, Norm.objects.get(code=code))
    return {r.label: r for r in result.rows}


# ---------------------------------------------------------------- GROUP.MEET


def test_meet_every_fortnight_of_a_past_term(cast: Any) -> None:
    term = previous_term(cast)
    groups = make_groups(cast, term.key)
    spans = fortnights(term.start, term.end)
    assert len(spans) == 10  # 20 Feb .. 10 Jul 2026: 141 days, the one-day tail joins the tenth
    for a, _ in spans:
        activity(cast, groups["数学组"], a + dt.timedelta(days=4), term=term)
    for i, (a, _) in enumerate(spans):
        if i == 3:
            # The fourth fortnight: a one-period meeting and a cancelled one do not count.
            activity(cast, groups["语文组"], a, periods=1, term=term)
            activity(cast, groups["语文组"], a + dt.timedelta(days=1), status=ActivityStatus.CANCELLED, term=term)
            continue
        activity(cast, groups["语文组"], a + dt.timedelta(days=13), periods=3, term=term)  # its last day
    rows = _rows(cast, "GROUP.MEET", term)
    math, chinese, english = rows["数学组"], rows["语文组"], rows["英语组"]
    assert math.meets and math.value == 10 and math.target == 10 and math.context == "小店第一中学"
    assert not chinese.meets and chinese.value == 9 and "第4个两周" in chinese.detail
    assert not english.meets and english.value == 0 and "10个两周中10个未开展" in english.detail


def test_meet_threshold_edge_and_override(cast: Any) -> None:
    term = previous_term(cast)
    groups = make_groups(cast, term.key)
    for a, _ in fortnights(term.start, term.end):
        activity(cast, groups["数学组"], a, periods=2, term=term)
    assert _rows(cast, "GROUP.MEET", term)["数学组"].meets  # exactly 2 periods: meets
    # A county asking 3 periods a meeting: the same record misses every fortnight (the threshold
    # in force at the school, as the stored refresh of the school applies it).
    NormOverride.objects.create(norm=Norm.objects.get(code="GROUP.MEET"), region=cast.county_a, threshold_min=3)
    row = _rows(cast, "GROUP.MEET", term, cast.school_a1)["数学组"]
    assert not row.meets and row.value == 0


def test_meet_counts_only_the_group_itself_and_stores_rows(cast: Any) -> None:
    term = previous_term(cast)
    groups = make_groups(cast, term.key)
    prep = TeachingGroup.objects.create(school=cast.school_a1, term_key=term.key, kind=GroupKind.PREP,
                                        name="初一数学备课组", parent=groups["数学组"])
    for a, _ in fortnights(term.start, term.end):
        activity(cast, prep, a, term=term)  # a 备课组's meeting is not the 教研组's
    rows = _rows(cast, "GROUP.MEET", term)
    assert "初一数学备课组" not in rows and rows["数学组"].value == 0
    # The stored refresh gives the same rows at the school.
    refresh_units([cast.school_a1], term.key)
    stored = {r.label: r for r in NormResultRow.objects.filter(norm_code="GROUP.MEET", term_key=term.key)}
    assert set(stored) == {"数学组", "语文组", "英语组"} and not stored["数学组"].meets


# ---------------------------------------------------------------- GROUP.PLAN


def test_plan_needs_both_a_development_and_a_semester_plan(cast: Any) -> None:
    groups = make_groups(cast, cast.term.key)
    math, chinese = groups["数学组"], groups["语文组"]
    GroupPlan.objects.create(group=math, kind=PlanKind.DEVELOPMENT, title="数学组三年发展规划", start_year=2024,
                             years=3, text="…")
    GroupPlan.objects.create(group=math, kind=PlanKind.SEMESTER, title="学期计划", term_key=cast.term.key, text="…")
    GroupPlan.objects.create(group=chinese, kind=PlanKind.DEVELOPMENT, title="语文组五年规划", start_year=2022,
                             years=5, text="…")
    rows = _rows(cast, "GROUP.PLAN")
    assert rows["数学组"].meets and rows["数学组"].detail == "发展规划和学期活动计划齐全"
    assert not rows["语文组"].meets and rows["语文组"].detail == "缺学期活动计划"
    assert not rows["英语组"].meets and rows["英语组"].detail == "缺发展规划、学期活动计划"


def test_plan_edges_years_covered_and_a_plan_from_the_previous_semester(cast: Any) -> None:
    earlier = make_groups(cast, "2025-2")
    groups = make_groups(cast, cast.term.key)
    # A 3-year plan from 2023 covers 2023, 2024 and 2025: not the term's school year 2026.
    GroupPlan.objects.create(group=groups["数学组"], kind=PlanKind.DEVELOPMENT, title="旧规划", start_year=2023,
                             years=3, text="…")
    GroupPlan.objects.create(group=groups["数学组"], kind=PlanKind.SEMESTER, title="学期计划",
                             term_key=cast.term.key, text="…")
    assert _rows(cast, "GROUP.PLAN")["数学组"].detail == "缺发展规划"
    # A 5-year plan written on last semester's 语文组 still counts for this semester's.
    GroupPlan.objects.create(group=earlier["语文组"], kind=PlanKind.DEVELOPMENT, title="五年规划",
                             start_year=2026, years=5, text="…")
    GroupPlan.objects.create(group=groups["语文组"], kind=PlanKind.SEMESTER, title="学期计划",
                             term_key=cast.term.key, text="…")
    # Last semester's semester plan does not.
    GroupPlan.objects.create(group=earlier["英语组"], kind=PlanKind.SEMESTER, title="上学期计划",
                             term_key="2025-2", text="…")
    rows = _rows(cast, "GROUP.PLAN")
    assert rows["语文组"].meets
    assert "学期活动计划" in rows["英语组"].detail


# ---------------------------------------------------------------- GROUP.JOURNALS


def test_journals_at_least_three_titles_in_the_school_year(cast: Any) -> None:
    earlier = make_groups(cast, "2025-2")
    groups = make_groups(cast, cast.term.key)
    for title in ("中学数学教学参考", "数学通报", "中国数学教育"):
        JournalSubscription.objects.create(group=groups["数学组"], year=2026, title=title)
    for title in ("语文建设", "中学语文教学"):
        JournalSubscription.objects.create(group=groups["语文组"], year=2026, title=title)
    # Last school year's subscriptions (kept on last semester's group) do not count for 2026.
    for title in ("英语学习", "中小学外语教学", "英语周报"):
        JournalSubscription.objects.create(group=earlier["英语组"], year=2025, title=title)
    rows = _rows(cast, "GROUP.JOURNALS")
    assert rows["数学组"].meets and rows["数学组"].value == 3  # the edge: exactly three
    assert not rows["语文组"].meets and rows["语文组"].value == 2
    assert not rows["英语组"].meets and rows["英语组"].value == 0
    assert rows["语文组"].detail == "2026—2027学年订阅2种报刊"


# ---------------------------------------------------------------- GROUP.KEY_SUBJECTS


def test_key_subjects_one_or_two_in_force(cast: Any) -> None:
    math, chinese, english = (Subject.objects.get(code=c) for c in ("math", "chinese", "english"))
    KeySubject.objects.create(school=cast.school_a1, subject=math, from_year=2025)
    KeySubject.objects.create(school=cast.school_a1, subject=chinese, from_year=2026)  # the edge: two
    KeySubject.objects.create(school=cast.school_a2, subject=math, from_year=2024, until_year=2025)  # ended
    for s in (math, chinese, english):
        KeySubject.objects.create(school=cast.school_b1, subject=s, from_year=2026)  # three: too many
    rows = _rows(cast, "GROUP.KEY_SUBJECTS")
    a1, a2, b1 = rows["小店第一中学"], rows["北格镇中心小学"], rows["迎泽实验小学"]
    assert a1.meets and a1.value == 2 and a1.detail == "重点学科：数学、语文"
    assert not a2.meets and a2.detail == "尚未确定重点学科"
    assert not b1.meets and b1.value == 3 and "超过规定数量" in b1.detail
    # In the 2025—2026 year A2's key subject was still in force, and A1 had only mathematics.
    earlier = _rows(cast, "GROUP.KEY_SUBJECTS", previous_term(cast))
    assert earlier["北格镇中心小学"].meets and earlier["小店第一中学"].value == 1


# ---------------------------------------------------------------- GROUP.MEMBERSHIP


def test_membership_meets_when_everyone_is_in_the_groups_of_what_they_teach(cast: Any) -> None:
    make_groups(cast, cast.term.key)
    row = _rows(cast, "GROUP.MEMBERSHIP")["小店第一中学"]
    assert row.meets and row.value == row.target == 6
    # A2 has a teacher and no groups at all.
    a2 = _rows(cast, "GROUP.MEMBERSHIP")["北格镇中心小学"]
    assert not a2.meets and a2.detail == "本学期尚未组建教研组"


def test_membership_misses_a_second_subject_and_a_leader_outside_the_group(cast: Any) -> None:
    groups = make_groups(cast, cast.term.key)
    # 何静 also teaches mathematics (兼教) but only attends the 语文组.
    cast.people["teacher"].subjects.add(Subject.objects.get(code="math"))
    # The principal teaches mathematics (a teacher post) but was left out of the 数学组.
    GroupMembership.objects.filter(group=groups["数学组"], person=cast.people["principal"]).delete()
    row = _rows(cast, "GROUP.MEMBERSHIP")["小店第一中学"]
    assert not row.meets and row.value == 4 and row.target == 6
    assert "2人未编入" in row.detail and "何静（数学）" in row.detail and "孙国庆（数学）" in row.detail
    # The edge: attending the 数学组 (not as a main member) is enough for 何静.
    GroupMembership.objects.create(group=groups["数学组"], person=cast.people["teacher"], role="attending")
    GroupMembership.objects.create(group=groups["数学组"], person=cast.people["principal"], role="main")
    assert _rows(cast, "GROUP.MEMBERSHIP")["小店第一中学"].meets


def test_a_row_links_to_the_group_only_for_who_may_open_it(cast: Any) -> None:
    from core.compliance import LINK_GUARDS
    from research.metrics.groups import group_link

    assert group_link in LINK_GUARDS
    math = make_groups(cast, cast.term.key)["数学组"]
    url = f"/research/groups/{math.pk}/"
    assert group_link(cast.users["city_researcher"], url) is True  # mathematics
    assert group_link(cast.users["county_researcher"], url) is False  # Chinese: not the 数学组
    assert group_link(cast.users["county_researcher"], "/research/groups/?school=1140105001") is None
    assert group_link(cast.users["county_researcher"], "/schools/") is None
