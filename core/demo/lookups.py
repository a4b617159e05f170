"""Reads the demo extensions share, done once for all schools instead of once per school."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from core.models import OrgNode, Term
from core.paths import ancestor_paths

T = TypeVar("T")


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


def under_each(regions: Iterable[OrgNode], nodes: Iterable[T],
               path: Callable[[T], str] = lambda n: n.path) -> dict[int, list[T]]:  # type: ignore[attr-defined]
    """For each region (by pk), the nodes in its subtree (`path` gives a node's org path), in the
    nodes' order: `[s for s in nodes if s.path.startswith(region.path)]` for every region at once,
    without the regions × schools scan (which is 5 M string tests at province scale)."""
    by_path = {r.path: r.pk for r in regions}
    out: dict[int, list[T]] = {pk: [] for pk in by_path.values()}
    for node in nodes:
        for p in ancestor_paths(path(node)):
            pk = by_path.get(p)
            if pk is not None:
                out[pk].append(node)
    return out
