"""Norm results as stored data: refresh per unit, dirty marking, freshness on read.

A *unit* is a school or a region. Refreshing a unit for a term runs every metric of its kind
(core.compliance.UNITS) with an all-seeing system scope and replaces the unit's stored rows for
that term and its termless rows. Every service write records an audit event with a scope path;
core.audit calls `mark_dirty` with those paths in the same transaction, which marks the unit at
the path and every region above it stale, and enqueues a refresh task on commit. A page calls
`ensure_fresh`: when the stale (or never computed) units under the node it shows are few, they
are refreshed before reading; otherwise the page reads what is stored and says how many units
are waiting, and a task is enqueued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from core.models import NormResultRow, NormUnit, OrgKind, OrgNode, Term, User
from core.paths import ancestor_paths, under_q

log = logging.getLogger(__name__)

# Up to this many stale units under the node a page shows are refreshed before the page reads.
SYNC_LIMIT: int = getattr(settings, "JIAOYAN_NORMS_SYNC_LIMIT", 20)
SUBTREE_MODELS = ("core.NormOverride", "core.Term")  # a change to these affects a whole subtree


def system_user() -> User:
    """An unsaved superuser: the scope a refresh computes in (every record counts)."""
    return User(name="系统", is_superuser=True, is_active=True)


class TermIndex:
    """Every term of every region, read once: the term with a key in force at any node (terms are
    inherited from the nearest region above that has any)."""

    def __init__(self) -> None:
        self.by_region: dict[str, dict[str, Term]] = {}
        for t in Term.objects.select_related("region"):
            self.by_region.setdefault(t.region.path, {})[t.key] = t

    def at(self, path: str, key: str) -> Term | None:
        for p in reversed(ancestor_paths(path)):
            if p in self.by_region:
                return self.by_region[p].get(key)
        return None


# ---------------------------------------------------------------- refresh


def _unit_kind(node: OrgNode) -> str:
    from core.compliance import REGION_UNIT, SCHOOL_UNIT

    return SCHOOL_UNIT if node.kind == OrgKind.SCHOOL else REGION_UNIT


def refresh_units(nodes: Iterable[OrgNode], term_key: str) -> int:
    """Recompute the stored rows of these units for the term (blank: termless norms only) and
    mark them clean. Returns the number of rows written."""
    from core.compliance import ANY_UNIT, METRICS, NEEDS_TERM, UNITS, MetricContext, Thresholds

    nodes = list(nodes)
    if not nodes:
        return 0
    started = timezone.now()
    user = system_user()
    th = Thresholds()
    terms = TermIndex() if term_key else None
    written = 0
    for node in nodes:
        kind = _unit_kind(node)
        term = terms.at(node.path, term_key) if terms is not None else None
        memo: dict[str, object] = {}
        rows: list[NormResultRow] = []
        for code, fn in METRICS.items():
            if UNITS[code] not in (kind, ANY_UNIT):
                continue
            needs = code in NEEDS_TERM
            if needs and term is None:
                continue
            low, high = th.range_at(code, node.path)
            ctx = MetricContext(user, node, term if needs else None, low if low is not None else high, memo,
                                exact=True, threshold_min=low, threshold_max=high)
            for i, r in enumerate(fn(ctx)):
                path = r.path or node.path
                if path != node.path:
                    continue  # another unit's row (a region metric listing its children)
                rows.append(NormResultRow(
                    norm_code=code, term_key=term_key if needs else "", unit=node, path=path,
                    person_id=r.person_id, position=i, label=r.label[:200], meets=r.meets, value=r.value,
                    target=r.target, detail=r.detail, url=r.url[:300], context=r.context[:200],
                    computed_at=started))
        with transaction.atomic():
            # The unit's state row, locked: two refreshes of one unit (a page and the task) write
            # one after the other, so the rows are never doubled.
            unit, _ = NormUnit.objects.get_or_create(
                node=node, term_key=term_key, defaults={"path": node.path, "dirty": True, "dirtied_at": started})
            NormUnit.objects.select_for_update().filter(pk=unit.pk).first()
            NormResultRow.objects.filter(unit=node, term_key__in={term_key, ""}).delete()
            NormResultRow.objects.bulk_create(rows, batch_size=2000)
            # A write after this refresh started keeps the unit dirty.
            NormUnit.objects.filter(pk=unit.pk, dirtied_at__lte=started).update(dirty=False, refreshed_at=started)
            NormUnit.objects.filter(pk=unit.pk, dirtied_at__gt=started).update(refreshed_at=started)
        written += len(rows)
    return written


def refresh_all(*, node: OrgNode | None = None, term_key: str | None = None) -> tuple[int, int]:
    """A full rebuild of every unit under the node (default: the whole tree) for one term
    (default: each unit's current term) and the termless norms. Returns (units, rows)."""
    from core.terms import current_of

    qs = OrgNode.objects.order_by("path")
    if node is not None:
        qs = qs.under(node.path)
    nodes = list(qs.only("id", "code", "name", "path", "kind", "depth", "class_count", "school_type", "parent_id"))
    by_key: dict[str, list[OrgNode]] = {}
    if term_key is not None:
        by_key[term_key] = nodes
    else:
        terms = TermIndex()
        for n in nodes:
            region = next((p for p in reversed(ancestor_paths(n.path)) if p in terms.by_region), None)
            cur = current_of(sorted(terms.by_region[region].values(), key=lambda t: t.start, reverse=True)) \
                if region else None
            by_key.setdefault(cur.key if cur else "", []).append(n)
    rows = 0
    for key, units in by_key.items():
        rows += refresh_units(units, key)
    return len(nodes), rows


# ---------------------------------------------------------------- dirty marking


def mark_dirty(paths: Iterable[str], *, subtree: Iterable[str] = ()) -> None:
    """Mark stale every unit at or above these org paths (and every unit under the `subtree`
    paths), for every term, in the caller's transaction; enqueue a refresh on commit."""
    above = {a for p in paths if p for a in ancestor_paths(p)}
    roots = [p for p in subtree if p]
    if not above and not roots:
        return
    q = Q(path__in=sorted(above)) if above else Q(pk__in=[])
    if roots:
        q |= under_q(roots, "path")
    n = NormUnit.objects.filter(q).update(dirty=True, dirtied_at=timezone.now())
    if n:
        transaction.on_commit(enqueue_refresh)


def enqueue_refresh(path: str = "", term_key: str = "", *, any_term: bool = True) -> None:
    """Enqueue the refresh task, at most once a few seconds for the same scope."""
    from core.tasks import norms_refresh

    if not cache.add(f"norms-refresh:{path}:{term_key}:{any_term}", 1, 5):
        return
    try:
        norms_refresh.enqueue(path, term_key, any_term)
    except Exception:  # a failing queue must not fail the write; the page refreshes what it shows
        log.exception("could not enqueue the norms refresh")


def refresh_pending(path: str = "", term_key: str = "", any_term: bool = True, *, limit: int | None = None) -> int:
    """Refresh stale units: every dirty unit of any term (`any_term`), or the stale and never
    computed units under `path` for `term_key`. Returns the number of units refreshed."""
    done = 0
    if any_term:
        keys = sorted(set(NormUnit.objects.filter(dirty=True).values_list("term_key", flat=True)))
        for key in keys:
            ids = list(NormUnit.objects.filter(dirty=True, term_key=key, path__startswith=path)
                       .values_list("node_id", flat=True)[:limit])
            refresh_units(OrgNode.objects.filter(pk__in=ids).order_by("path"), key)
            done += len(ids)
        return done
    nodes = list(pending_units(path, term_key)[:limit] if limit else pending_units(path, term_key))
    refresh_units(nodes, term_key)
    return len(nodes)


# ---------------------------------------------------------------- reading


def pending_units(path: str, term_key: str):  # type: ignore[no-untyped-def]  # an OrgNode queryset with an Exists filter
    """Units under the path whose rows for the term are stale or were never computed. With no
    term, a unit is fresh when it is clean for any term (each refresh rewrites the termless rows)."""
    clean = NormUnit.objects.filter(node_id=OuterRef("pk"), dirty=False)
    if term_key:
        clean = clean.filter(term_key=term_key)
    return OrgNode.objects.under(path).filter(~Exists(clean)).order_by("path")


@dataclass(frozen=True)
class Freshness:
    pending: int  # units under the node waiting for a refresh
    refreshed_at: dt.datetime | None  # the latest refresh among the units read


def freshness(node: OrgNode, term: Term | None) -> Freshness:
    key = term.key if term is not None else ""
    pending = pending_units(node.path, key).count()
    at = (NormUnit.objects.filter(path__startswith=node.path, **({"term_key": key} if key else {}))
          .aggregate(m=Max("refreshed_at"))["m"])
    return Freshness(pending, at)


def ensure_fresh(node: OrgNode, term: Term | None) -> Freshness:
    """Refresh the stale units under the node when they are few (a demo user's own write shows
    at once, and tests, where on-commit tasks never run, read fresh rows); else leave them to
    the task, making sure one is enqueued."""
    key = term.key if term is not None else ""
    stale = list(pending_units(node.path, key)[:SYNC_LIMIT + 1])
    if stale and len(stale) <= SYNC_LIMIT:
        refresh_units(stale, key)
    elif stale:
        enqueue_refresh(node.path, key, any_term=False)
    return freshness(node, term)
