"""The vocabulary of the org tree's materialised paths (`140000/140100/140105/`).

Every app asks the same few questions of a path: its ancestors, its ancestor at some depth,
"everything under these nodes", "these nodes, everything under them and everything above
them" (what a subtree inherits: terms, rubric templates, warning rules). They are answered here
once, as plain functions over strings and as Q objects over any path field, so no module
rebuilds the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from operator import or_

from django.db.models import Q


def ancestor_paths(path: str) -> list[str]:
    """The path and every ancestor's, root first: `a/b/c/` -> [`a/`, `a/b/`, `a/b/c/`]."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def path_at_depth(path: str, depth: int) -> str:
    """The ancestor (or self) at `depth` (0 is the root): the key a roll-up groups by."""
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[: depth + 1]) + "/"


def last_code(path: str) -> str:
    """The code of the node the path ends at."""
    return [p for p in path.split("/") if p][-1]


def outermost(paths: Iterable[str]) -> list[str]:
    """The given paths without those nested in another of them, sorted."""
    kept: list[str] = []
    for p in sorted(set(paths)):
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def under_q(paths: Iterable[str], field: str = "path") -> Q:
    """Records whose `field` lies in the subtree of any of the paths (none: nothing)."""
    parts = [Q(**{f"{field}__startswith": p}) for p in outermost(paths)]
    return reduce(or_, parts) if parts else Q(pk__in=[])


def subtree_or_ancestors_q(paths: Iterable[str], field: str = "path") -> Q:
    """Records at, under or above any of the paths: what a subtree sees together with what it
    inherits from the regions above it."""
    roots = outermost(paths)
    above = {a for p in roots for a in ancestor_paths(p)}
    return under_q(roots, field) | Q(**{f"{field}__in": sorted(above)})
