"""iCalendar text (research.activity_ical): escaping, UTC times, CRLF and folding, no Django."""

from __future__ import annotations

import datetime as dt

import pytest

from research.activity_ical import Event, calendar, escape_text, fold, utc_stamp

CST = dt.timezone(dt.timedelta(hours=8))


def test_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_times_are_utc() -> None:
    assert utc_stamp(dt.datetime(2026, 12, 3, 14, 0, tzinfo=CST)) == "20261203T060000Z"
    with pytest.raises(ValueError):
        utc_stamp(dt.datetime(2026, 12, 3, 14, 0))


def test_folding_keeps_lines_within_75_octets_and_characters_whole() -> None:
    line = "SUMMARY:" + "教研活动" * 30
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == line


def test_a_calendar() -> None:
    e = Event(uid="activity-1@x", start=dt.datetime(2026, 12, 3, 14, 0, tzinfo=CST),
              end=dt.datetime(2026, 12, 3, 16, 0, tzinfo=CST), summary="磨课,第二轮", location="三楼; 会议室",
              description="主题：作业\n线上：无", url="https://x/1/")
    text = calendar([e], name="我的日历", stamp=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    assert "DTSTART:20261203T060000Z" in lines and "DTEND:20261203T080000Z" in lines
    assert "SUMMARY:磨课\\,第二轮" in lines and "LOCATION:三楼\\; 会议室" in lines
    assert "DESCRIPTION:主题：作业\\n线上：无" in lines
    assert "STATUS:CONFIRMED" in lines and "DTSTAMP:20261201T000000Z" in lines
