"""HOMEROOM.* computed without the database (research.homeroom_rules), against hand-counted months."""

from __future__ import annotations

import datetime as dt

from research.homeroom_rules import monthly_standing, semester_standing, term_months

START, END = dt.date(2026, 9, 1), dt.date(2027, 1, 20)


def test_months_of_a_term_are_the_calendar_months_it_overlaps() -> None:
    months = term_months(START, END)
    assert [(m.year, m.month) for m in months] == [(2026, 9), (2026, 10), (2026, 11), (2026, 12), (2027, 1)]
    assert months[-1].start == dt.date(2027, 1, 1) and months[-1].end == END
    spring = term_months(dt.date(2026, 2, 20), dt.date(2026, 7, 10))
    assert [m.month for m in spring] == [2, 3, 4, 5, 6, 7]
    assert spring[0].start == dt.date(2026, 2, 20) and spring[0].end == dt.date(2026, 2, 28)


def test_every_due_month_needs_a_meeting() -> None:
    dates = [dt.date(2026, 9, 15), dt.date(2026, 10, 31), dt.date(2026, 12, 2)]
    # As of 3 Dec: September, October and November are due; November has none; December already has one.
    st = monthly_standing(dates, START, END, dt.date(2026, 12, 3))
    assert (st.due, st.met, st.missed, st.meets) == (4, 3, ("11月",), False)
    assert st.detail == "4个月中3个月召开；缺11月"
    # With a forum on 30 November the class keeps the rule; January is not yet due.
    st = monthly_standing([*dates, dt.date(2026, 11, 30)], START, END, dt.date(2026, 12, 3))
    assert (st.due, st.met, st.meets) == (4, 4, True)


def test_month_edge_a_month_is_due_the_day_after_its_last_day() -> None:
    # Two meetings in one month do not make up for another month.
    dates = [dt.date(2026, 9, 2), dt.date(2026, 9, 30)]
    assert monthly_standing(dates, START, END, dt.date(2026, 10, 31)).meets  # October still running
    st = monthly_standing(dates, START, END, dt.date(2026, 11, 1))
    assert not st.meets and st.missed == ("10月",)
    # A threshold of two a month: September meets, October not.
    st = monthly_standing(dates, START, END, dt.date(2026, 11, 1), threshold=2)
    assert (st.met, st.missed) == (1, ("10月",))


def test_nothing_due_at_the_start_and_dates_outside_the_term_ignored() -> None:
    st = monthly_standing([], START, END, dt.date(2026, 9, 20))
    assert st.meets and st.due == 0 and st.detail == "本学期尚无到期月份"
    st = monthly_standing([dt.date(2026, 8, 30)], START, END, dt.date(2026, 10, 1))
    assert st.missed == ("9月",)


def test_parents_meeting_once_a_semester() -> None:
    assert semester_standing([dt.date(2026, 11, 14)], START, END).meets
    st = semester_standing([dt.date(2026, 8, 20), dt.date(2027, 2, 1)], START, END)
    assert not st.meets and st.detail == "本学期尚未召开家长会"
    assert not semester_standing([dt.date(2026, 11, 14)], START, END, threshold=2).meets
    assert semester_standing([dt.date(2026, 11, 14), dt.date(2027, 1, 20)], START, END, threshold=2).meets
