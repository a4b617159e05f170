"""PREP.STEPS computed without the database (research.prep_rules), against hand-counted cases."""

from __future__ import annotations

import datetime as dt

from research.prep_rules import SessionFacts, is_due, school_standing, session_standing, steps_recorded

TEAM = frozenset({1, 2, 3})


def _complete(topic: str = "分数的意义", teach_on: dt.date = dt.date(2026, 10, 9)) -> SessionFacts:
    return SessionFacts(topic=topic, teach_on=teach_on, members=TEAM, has_draft=True, comments=4,
                        shared_versions=2, signed_off=True, personal_authors=TEAM, reflection_authors=TEAM,
                        checked=True, evaluated=True)


def test_all_five_steps_and_check_and_evaluation_meet() -> None:
    f = _complete()
    assert steps_recorded(f) == ("draft", "discussion", "plan", "personal", "reflection")
    s = session_standing(f)
    assert s.meets and s.missing == ()


def test_each_member_must_derive_and_reflect() -> None:
    # 004 (四)1 "教師必須全員參與": two of three reflections are not the step.
    f = SessionFacts(topic="x", teach_on=None, members=TEAM, has_draft=True, comments=1, shared_versions=1,
                     signed_off=True, personal_authors=TEAM, reflection_authors=frozenset({1, 2}),
                     checked=True, evaluated=True)
    s = session_standing(f)
    assert s.done == ("draft", "discussion", "plan", "personal")
    assert not s.meets and s.missing == ("课后反思（1人未交）",)


def test_unsigned_plan_is_not_the_plan_step_and_unchecked_is_short() -> None:
    f = SessionFacts(topic="x", teach_on=None, members=TEAM, has_draft=True, comments=1, shared_versions=3,
                     signed_off=False, personal_authors=TEAM, reflection_authors=TEAM)
    s = session_standing(f)
    assert "plan" not in s.done
    assert s.missing == ("教案生成（组长未审定）", "未检查", "未评价")


def test_threshold_edge_four_steps_meet_a_threshold_of_four_not_five() -> None:
    f = SessionFacts(topic="x", teach_on=None, members=TEAM, has_draft=True, comments=1, shared_versions=1,
                     signed_off=True, personal_authors=TEAM, checked=True, evaluated=True)
    assert len(steps_recorded(f)) == 4
    assert session_standing(f, threshold=4).meets
    assert not session_standing(f, threshold=5).meets


def test_due_fourteen_days_after_teaching() -> None:
    f = _complete(teach_on=dt.date(2026, 10, 9))
    assert not is_due(f, dt.date(2026, 10, 22))
    assert is_due(f, dt.date(2026, 10, 23))
    assert not is_due(SessionFacts(topic="x", teach_on=None, members=TEAM), dt.date(2027, 1, 1))


def test_school_meets_when_every_due_session_keeps_the_norm() -> None:
    as_of = dt.date(2026, 12, 1)
    # One complete, one incomplete but taught only a week ago (not due), one not due at all.
    late = SessionFacts(topic="圆的面积", teach_on=dt.date(2026, 11, 25), members=TEAM, has_draft=True)
    st = school_standing([_complete(), late], as_of)
    assert (st.sessions, st.due, st.kept, st.meets) == (2, 1, 1, True)
    assert st.detail == "1次到期，1次五环节齐全并经检查评价"
    # The same incomplete session taught earlier is due and short: the school misses.
    early = SessionFacts(topic="圆的面积", teach_on=dt.date(2026, 11, 1), members=TEAM, has_draft=True, comments=2)
    st = school_standing([_complete(), early], as_of)
    assert (st.due, st.kept, st.meets) == (2, 1, False)
    assert "《圆的面积》缺教案生成、个性彰显（3人未交）、课后反思（3人未交）、未检查、未评价" in st.detail


def test_a_school_without_sessions_misses_and_not_yet_due_meets() -> None:
    st = school_standing([], dt.date(2026, 12, 1))
    assert not st.meets and st.detail == "本学期没有集体备课记录"
    st = school_standing([SessionFacts(topic="x", teach_on=None, members=TEAM)], dt.date(2026, 12, 1))
    assert st.meets and st.detail == "1次集体备课，均未到检查时间"
