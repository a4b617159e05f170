"""research.group_rules without a database: fortnight strips (GROUP.MEET), membership gaps
(GROUP.MEMBERSHIP), plan coverage and key subjects, against values worked out by hand."""

from __future__ import annotations

import datetime as dt

from research.group_rules import (
    CURRENT,
    FUTURE,
    MET,
    MISSED,
    development_covers,
    fortnight_index,
    fortnights,
    key_subjects_in_force,
    meet_strip,
    membership_gaps,
)

D = dt.date
# The cast's first semester: Tue 1 Sep 2026 to Wed 20 Jan 2027, 142 days = 10 fortnights + 2 days.
START, END = D(2026, 9, 1), D(2027, 1, 20)


def test_fortnights_from_the_first_day_with_a_short_tail_merged() -> None:
    spans = fortnights(START, END)
    assert len(spans) == 10
    assert spans[0] == (D(2026, 9, 1), D(2026, 9, 14))
    assert spans[1] == (D(2026, 9, 15), D(2026, 9, 28))
    # The tenth starts 126 days in (5 Jan) and takes the two days left over (to 20 Jan).
    assert spans[9] == (D(2027, 1, 5), D(2027, 1, 20))
    assert fortnight_index(START, END, D(2027, 1, 19)) == 9
    assert fortnight_index(START, END, D(2027, 1, 21)) is None
    assert fortnight_index(START, END, D(2026, 8, 31)) is None


def test_a_tail_of_a_week_is_its_own_fortnight() -> None:
    # 1 Sep .. 7 Oct is 37 days: two fortnights and a tail of 9 days, which stands alone.
    spans = fortnights(D(2026, 9, 1), D(2026, 10, 7))
    assert spans == [(D(2026, 9, 1), D(2026, 9, 14)), (D(2026, 9, 15), D(2026, 9, 28)),
                     (D(2026, 9, 29), D(2026, 10, 7))]
    # 6 days of tail merge: 1 Sep .. 4 Oct is 34 days.
    assert fortnights(D(2026, 9, 1), D(2026, 10, 4))[-1] == (D(2026, 9, 15), D(2026, 10, 4))
    # A term shorter than a week is one fortnight.
    assert fortnights(D(2026, 9, 1), D(2026, 9, 3)) == [(D(2026, 9, 1), D(2026, 9, 3))]
    assert fortnights(D(2026, 9, 3), D(2026, 9, 1)) == []


def test_strip_met_missed_current_future() -> None:
    today = D(2026, 10, 20)  # in the fourth fortnight (13 Oct .. 26 Oct)
    acts = [
        (D(2026, 9, 1), 2),     # f1: met on its first day
        (D(2026, 9, 28), 1),    # f2: one period only: not enough
        (D(2026, 10, 6), 3),    # f3: met
        (D(2026, 12, 1), 2),    # f7: met ahead of today
        (D(2027, 2, 1), 4),     # outside the term: ignored
    ]
    strip = meet_strip(START, END, today, acts, 2)
    states = [f.state for f in strip.fortnights]
    assert states == [MET, MISSED, MET, CURRENT, FUTURE, FUTURE, MET, FUTURE, FUTURE, FUTURE]
    assert strip.met == 3 and strip.missed == 1 and strip.missed_numbers == [2]
    assert not strip.meets
    assert strip.fortnights[0].periods == 2 and strip.fortnights[2].activities == 1
    assert strip.fortnights[1].activities == 0  # the one-period meeting does not count
    assert strip.fortnights[2].title == "第3个两周 9/29—10/12：已开展（1次，3课时）"
    assert strip.fortnights[1].title == "第2个两周 9/15—9/28：未开展"


def test_strip_threshold_edge_and_a_fortnight_ending_today() -> None:
    # Exactly the threshold meets; the fortnight ending today is still current, not missed.
    today = D(2026, 9, 28)
    strip = meet_strip(START, END, today, [(D(2026, 9, 10), 2)], 2)
    assert [f.state for f in strip.fortnights[:3]] == [MET, CURRENT, FUTURE]
    assert strip.meets
    # One day later the second fortnight is missed.
    assert meet_strip(START, END, D(2026, 9, 29), [(D(2026, 9, 10), 2)], 2).missed_numbers == [2]
    # A raised threshold (a region's override of 3 periods) turns the same record into a miss.
    assert meet_strip(START, END, D(2026, 9, 29), [(D(2026, 9, 10), 2)], 3).missed_numbers == [1, 2]


def test_a_finished_term_with_every_fortnight_met() -> None:
    acts = [(a + dt.timedelta(days=3), 2) for a, _ in fortnights(START, END)]
    strip = meet_strip(START, END, D(2027, 3, 1), acts, 2)
    assert strip.meets and strip.met == 10 and strip.elapsed == 10


def test_membership_gaps() -> None:
    chinese, math, english, music = 1, 2, 3, 4
    taught = {10: {chinese}, 11: {math, music}, 12: {english}, 13: set()}
    groups = [({chinese}, {10, 11}), ({math}, {11}), ({english, music}, {99})]
    # 11 teaches music but is not in the 英语音乐组; 12 is in no group; 13 teaches nothing.
    assert membership_gaps(taught, groups) == {11: {music}, 12: {english}}
    assert membership_gaps(taught, []) == {10: {chinese}, 11: {math, music}, 12: {english}}


def test_development_plan_years_and_key_subjects() -> None:
    assert development_covers(2024, 3, 2024) and development_covers(2024, 3, 2026)
    assert not development_covers(2024, 3, 2027) and not development_covers(2024, 3, 2023)
    assert development_covers(2022, 5, 2026) and not development_covers(2022, 5, 2027)
    rows = [(1, 2024, None), (2, 2020, 2025), (3, 2027, None)]
    assert key_subjects_in_force(rows, 2026) == {1}
    assert key_subjects_in_force(rows, 2025) == {1, 2}
    assert key_subjects_in_force(rows, 2027) == {1, 3}
