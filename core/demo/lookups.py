"""Reads the demo extensions share, done once for all schools instead of once per school."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from core.models import OrgNode, Term
from core.paths import ancestor_paths


def terms_by_school(school_ids: Iterable[int]) -> dict[int, list[Term]]:
    """core.terms.terms_for of each school (the semesters of its nearest ancestor with any, newest
    first), in two queries."""
    by_region: dict[str, list[Term]] = defaultdict(list)
    for t in Term.objects.select_related("region"):
        by_region[t.region.path].append(t)
    for terms in by_region.values():
        terms.sort(key=lambda t: t.start, reverse=True)
    out: dict[int, list[Term]] = {}
    for pk, path in OrgNode.objects.filter(pk__in=list(school_ids)).values_list("pk", "path"):
        out[pk] = next((by_region[p] for p in reversed(ancestor_paths(path)) if p in by_region), [])
    return out


def term_by_key_of(terms: list[Term], key: str) -> Term | None:
    """core.terms.term_by_key over terms already read."""
    return next((t for t in terms if t.key == key), None)
