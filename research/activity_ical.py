"""Calendars as iCalendar (RFC 5545) text, so people see activities in the calendar they already
use (pure: no Django). The few properties a calendar needs: UID, DTSTAMP, DTSTART, DTEND (UTC),
SUMMARY, LOCATION, DESCRIPTION, URL, STATUS. Text values are escaped (backslash, semicolon,
comma, newline), lines end in CRLF and are folded at 75 octets without splitting a character."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//Jiaoyan//教研活动日历//ZH"


@dataclass(frozen=True)
class Event:
    uid: str
    start: dt.datetime  # aware
    end: dt.datetime  # aware
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    cancelled: bool = False


def escape_text(value: str) -> str:
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(when: dt.datetime) -> str:
    if when.tzinfo is None:
        raise ValueError("iCalendar times must be aware")
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, continuation lines starting with
    a space (RFC 5545 3.1), never inside a UTF-8 character."""
    out: list[str] = []
    current, size, limit = "", 0, 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def calendar(events: Iterable[Event], *, name: str, stamp: dt.datetime) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Asia/Shanghai"]
    for e in events:
        lines += ["BEGIN:VEVENT", f"UID:{e.uid}", f"DTSTAMP:{utc_stamp(stamp)}", f"DTSTART:{utc_stamp(e.start)}",
                  f"DTEND:{utc_stamp(e.end)}", f"SUMMARY:{escape_text(e.summary)}"]
        if e.location:
            lines.append(f"LOCATION:{escape_text(e.location)}")
        if e.description:
            lines.append(f"DESCRIPTION:{escape_text(e.description)}")
        if e.url:
            lines.append(f"URL:{e.url}")
        lines.append(f"STATUS:{'CANCELLED' if e.cancelled else 'CONFIRMED'}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
