"""Reads the demo extensions share, done once for all schools instead of once per school."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TypeVar

from core.demo.extensions import SeedContext
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


# At province scale, the extensions whose records grow with every school (and add nothing once a
# county has some) write them for this many schools of each county (region above the schools).
SAMPLE_PER_REGION = 8


def school_sample(ctx: SeedContext, per_region: int = SAMPLE_PER_REGION) -> list[int]:
    """The schools an extension writes its per-school records for: every school, except at
    province scale, where it is the first `per_region` schools (by path) under each county (each
    school's parent region) plus every school of the counties holding a demo login's
    organisation (so the demo logins and the records read from them, e.g. the demo county's
    appraisal, see their full data). Every county keeps data on its pages and in its norms;
    the others' schools show none. Deterministic (no random draw), in ctx.school_ids' order."""
    if ctx.scale != "province":
        return list(ctx.school_ids)
    from core.models import User

    login_paths = [p for p in User.objects.filter(pk__in=list(ctx.users.values()), person__isnull=False)
                   .values_list("person__org__path", flat=True) if p]
    schools = list(OrgNode.objects.filter(pk__in=ctx.school_ids).values_list("pk", "parent_id", "path"))
    parents = {pk: path for pk, path in OrgNode.objects.filter(pk__in={p for _, p, _ in schools if p})
               .values_list("pk", "path")}
    full = {pk for pk, path in parents.items() if any(lp.startswith(path) for lp in login_paths)}
    kept: set[int] = set()
    taken: dict[int | None, int] = defaultdict(int)
    for pk, parent, _ in sorted(schools, key=lambda s: s[2]):
        if parent in full or taken[parent] < per_region:
            kept.add(pk)
            taken[parent] += 1
    return [pk for pk in ctx.school_ids if pk in kept]
