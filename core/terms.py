"""Terms (semesters) are set per region and inherited down the tree: a node uses the terms of
its nearest ancestor that has any."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.models import OrgNode, Semester, Term


def terms_for(node: OrgNode) -> list[Term]:
    """The semesters in force at a node, newest first."""
    paths = node.ancestor_paths()
    terms = list(Term.objects.filter(region__path__in=paths).select_related("region"))
    if not terms:
        return []
    deepest = max(t.region.depth for t in terms)
    return sorted((t for t in terms if t.region.depth == deepest), key=lambda t: t.start, reverse=True)


def current_term(node: OrgNode, on: dt.date | None = None) -> Term | None:
    """The term containing the day, else the latest that started before it, else the newest."""
    return current_of(terms_for(node), on)


def current_of(terms: list[Term], on: dt.date | None = None) -> Term | None:
    """current_term's rule over terms already read (newest first, as terms_for gives them)."""
    day = on or timezone.localdate()
    for t in terms:
        if t.start <= day <= t.end:
            return t
    started = [t for t in terms if t.start <= day]
    if started:
        return started[0]
    return terms[-1] if terms else None


def term_by_key(node: OrgNode, key: str) -> Term | None:
    for t in terms_for(node):
        if t.key == key:
            return t
    return None


def term_name(value: object) -> str:
    """A term as people say it, "2025—2026学年第二学期", from a Term or a term key ("2025-2");
    anything else is returned as text unchanged (an empty value as "")."""
    if isinstance(value, Term):
        return value.label
    text = "" if value is None else str(value).strip()
    year, dash, sem = text.partition("-")
    if dash and year.isdigit() and len(year) == 4 and sem.isdigit():
        try:
            semester = Semester(int(sem)).label
        except ValueError:
            return text
        return f"{int(year)}—{int(year) + 1}学年{semester}"
    return text
