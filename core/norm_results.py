"""Norm results as stored data: refresh per unit, dirty marking, freshness on read.

A *unit* is a school or a region. Refreshing a unit for a term runs every metric of its kind
(core.compliance.UNITS) with an all-seeing system scope and replaces the unit's stored rows for
that term and its termless rows. Every service write records an audit event with a scope path;
core.audit calls `mark_dirty` with those paths in the same transaction, which marks the unit at
the path and every region above it stale, and enqueues a refresh task on commit. A page calls
`ensure_fresh`: at a school or a small region, when the stale (or never computed) units under it
are few, they are refreshed before reading (a school's own people see their write at once); at a
large region, and when many are stale, the page reads what is stored, says how many units are
waiting and since when, and a task is enqueued.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone

from core.kept import models_changed
from core.models import NormResultRow, NormUnit, OrgKind, OrgNode, Term, User
from core.paths import ancestor_paths, under_q

if TYPE_CHECKING:
    from core.compliance import MetricFn, Row

log = logging.getLogger(__name__)

# Up to this many stale units under the node a page shows are refreshed before the page reads.
SYNC_LIMIT: int = getattr(settings, "JIAOYAN_NORMS_SYNC_LIMIT", 20)
# ... when the page's node is a school or a region with at most this many schools below it.
SYNC_SCHOOLS: int = getattr(settings, "JIAOYAN_NORMS_SYNC_SCHOOLS", 50)
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


# Schools of one parent refreshed together are computed from one evaluation of each metric at
# the parent (see refresh_units) when at least this many of them are refreshed at once.
BATCH_MIN = 4
# Units stored per transaction when they were computed one by one.
STORE_CHUNK = 200


class _Refresh:
    """One refresh run for one term: the system scope, every threshold and term read once, and
    the rows computed per unit, one by one or a parent's schools at once."""

    def __init__(self, term_key: str) -> None:
        from core.compliance import Thresholds

        self.term_key = term_key
        self.started = timezone.now()
        self.user = system_user()
        self.th = Thresholds()
        self.terms = TermIndex() if term_key else None

    def term_at(self, path: str) -> Term | None:
        return self.terms.at(path, self.term_key) if self.terms is not None else None

    def metrics(self, kind: str) -> list[tuple[str, MetricFn]]:
        from core.compliance import ANY_UNIT, METRICS, UNITS

        return [(code, fn) for code, fn in METRICS.items() if UNITS[code] in (kind, ANY_UNIT)]

    def evaluate(self, code: str, fn: MetricFn, node: OrgNode, term: Term | None, memo: dict[str, object], *,
                 exact: bool) -> list[Row] | None:
        """The metric's rows at the node, or None when it needs a term and the node has none."""
        from core.compliance import NEEDS_TERM, MetricContext

        needs = code in NEEDS_TERM
        if needs and term is None:
            return None
        low, high = self.th.range_at(code, node.path)
        return fn(MetricContext(self.user, node, term if needs else None, low if low is not None else high, memo,
                                exact=exact, threshold_min=low, threshold_max=high))

    def stored(self, code: str, node: OrgNode, rows: Iterable[Row]) -> list[NormResultRow]:
        """The rows placed at the unit itself, as stored rows in the metric's order."""
        from core.compliance import NEEDS_TERM

        term_key = self.term_key if code in NEEDS_TERM else ""
        return [NormResultRow(
            norm_code=code, term_key=term_key, unit=node, path=node.path, person_id=r.person_id, position=i,
            label=r.label[:200], meets=r.meets, value=r.value, target=r.target, done=r.done, of=r.of, detail=r.detail,
            url=r.url[:300],
            context=r.context[:200], computed_at=self.started)
            for i, r in enumerate(r for r in rows if (r.path or node.path) == node.path)]

    def one(self, code: str, fn: MetricFn, node: OrgNode, memo: dict[str, object]) -> list[NormResultRow]:
        return self.stored(code, node, self.evaluate(code, fn, node, self.term_at(node.path), memo, exact=True) or [])

    def unit(self, node: OrgNode) -> list[NormResultRow]:
        """Every metric of the unit's kind, evaluated at the unit alone."""
        memo: dict[str, object] = {}
        return [row for code, fn in self.metrics(_unit_kind(node)) for row in self.one(code, fn, node, memo)]

    def schools(self, parent: OrgNode, schools: list[OrgNode]) -> dict[int, list[NormResultRow]]:
        """Schools of one parent: each metric evaluated once at the parent (every row names the
        unit it belongs to with `path=`) and its rows dealt out to the schools. A school whose
        term or threshold for the metric differs from the parent's (a school-level override) gets
        its own evaluation, as does every school for a metric declared `batch=False`."""
        from core.compliance import NO_BATCH, SCHOOL_UNIT

        out: dict[int, list[NormResultRow]] = {s.pk: [] for s in schools}
        memos: dict[int, dict[str, object]] = {s.pk: {} for s in schools}
        shared: dict[str, object] = {}
        parent_term = self.term_at(parent.path)
        for code, fn in self.metrics(SCHOOL_UNIT):
            alike = [] if code in NO_BATCH else [
                s for s in schools if self.term_at(s.path) == parent_term
                and self.th.range_at(code, s.path) == self.th.range_at(code, parent.path)]
            rows = self.evaluate(code, fn, parent, parent_term, shared, exact=False) if alike else None
            if rows is None:
                alike = []
            by_path: dict[str, list[Row]] = defaultdict(list)
            for r in rows or []:
                by_path[r.path].append(r)
            same = {s.pk for s in alike}
            for s in schools:
                out[s.pk] += (self.stored(code, s, by_path.get(s.path, [])) if s.pk in same
                              else self.one(code, fn, s, memos[s.pk]))
        return out

    def store(self, units: list[OrgNode], rows: dict[int, list[NormResultRow]]) -> int:
        """Replace the units' rows for the term (and their termless rows), keep the subtree
        counts of the units and the regions above them (`roll_up`), and mark the units clean, in
        one transaction. The state rows of the units and of the regions above are locked first
        (in id order): two refreshes of one unit (a page and the task) write one after the other,
        so rows are never doubled, and two refreshes below one region add up in its counts."""
        ids = [n.pk for n in units]
        paths = {n.pk: n.path for n in units}
        key, started = self.term_key, self.started
        above = sorted({a for n in units for a in ancestor_paths(n.path) if a != n.path})
        with transaction.atomic():
            have = set(NormUnit.objects.filter(node_id__in=ids, term_key=key).values_list("node_id", flat=True))
            NormUnit.objects.bulk_create(
                [NormUnit(node=n, path=n.path, term_key=key, dirty=True, dirtied_at=started)
                 for n in units if n.pk not in have], ignore_conflicts=True)
            mine = NormUnit.objects.filter(node_id__in=ids, term_key=key)
            locked = list(NormUnit.objects.select_for_update().filter(Q(node_id__in=ids) | Q(path__in=above),
                                                                      term_key=key).order_by("pk"))
            moved = [u for u in locked if u.node_id in paths and u.path != paths[u.node_id]]
            for u in moved:  # a unit moved in the tree since it was last computed
                u.path = paths[u.node_id]
            NormUnit.objects.bulk_update(moved, ["path"])
            NormResultRow.objects.filter(unit_id__in=ids, term_key__in={key, ""}).delete()
            new = [row for n in units for row in rows[n.pk]]
            _insert(new)
            roll_up(units, rows, locked, key)
            # A write after this refresh started keeps the unit dirty.
            mine.filter(dirtied_at__lte=started).update(dirty=False, refreshed_at=started)
            mine.filter(dirtied_at__gt=started).update(refreshed_at=started)
            models_changed(["core.NormResultRow"])  # figures kept from the stored rows (core.kept)
        return len(new)


Counts = dict[str, list[int]]


def _own_counts(rows: Iterable[NormResultRow]) -> Counts:
    out: Counts = {}
    for r in rows:
        c = out.setdefault(r.norm_code, [0, 0])
        c[0] += 1
        c[1] += r.meets
    return out


def _add(into: Counts, other: Counts | None, sign: int = 1) -> None:
    for code, (total, met) in (other or {}).items():
        c = into.setdefault(code, [0, 0])
        c[0] += sign * total
        c[1] += sign * met


def roll_up(units: list[OrgNode], rows: dict[int, list[NormResultRow]], locked: list[NormUnit], key: str) -> None:
    """Keep NormUnit.counts (the subtree's row counts) of the refreshed units and the computed
    regions above them. Deepest first, a refreshed unit's counts are its own rows' plus its
    computed children's; the change from what it held is added to each region above, up to the
    first one refreshed in the same call (which sums its children afresh and passes its own
    change on). `locked` holds the state rows of the units and the regions above, locked."""
    state = {u.node_id: u for u in locked}
    in_call = {n.pk for n in units}
    regions = [n.pk for n in units if n.kind != OrgKind.SCHOOL]
    children: dict[int, list[tuple[int, Counts | None]]] = defaultdict(list)
    if regions:
        for node_id, parent_id, counts in (NormUnit.objects.filter(node__parent_id__in=regions, term_key=key)
                                           .values_list("node_id", "node__parent_id", "counts")):
            if parent_id is not None:
                children[parent_id].append((node_id, counts))
    by_path = {u.path: u for u in locked}
    changed: dict[int, NormUnit] = {}
    for n in sorted(units, key=lambda n: -n.depth):
        unit = state.get(n.pk)
        if unit is None:
            continue
        old = unit.counts
        new = _own_counts(rows[n.pk])
        for child_id, counts in children.get(n.pk, []):
            child = state.get(child_id)
            # A child refreshed or passed a change in this call holds its new counts here.
            _add(new, child.counts if child is not None else counts)
        unit.counts = new
        changed[unit.pk] = unit
        delta: Counts = {}
        _add(delta, new)
        _add(delta, old, -1)
        for path in reversed(ancestor_paths(n.path)[:-1]):
            region = by_path.get(path)
            if region is None:
                continue
            if region.node_id in in_call or region.counts is None:
                # A region refreshed in this call sums its children afresh; one never computed
                # (and every region above it) does not count this subtree yet, and takes it all
                # in when it is computed.
                break
            _add(region.counts, delta)
            changed[region.pk] = region
    NormUnit.objects.bulk_update(list(changed.values()), ["counts"], batch_size=500)


def subtree_counts(node: OrgNode, term_key: str) -> Counts | None:
    """The stored rows' counts in the node's subtree for the term (and the termless ones), or
    None when the node has not been computed for the term."""
    found = NormUnit.objects.filter(node=node, term_key=term_key).values_list("counts", flat=True).first()
    return found


def rebuild_counts(unit_model: Any = NormUnit, row_model: Any = NormResultRow) -> int:
    """Compute every unit's subtree counts from the stored rows (units computed before the
    counts were kept: the migration that adds them passes its historical models). Returns the
    number of units."""
    units = list(unit_model.objects.select_related("node"))
    own: dict[tuple[int, str], Counts] = defaultdict(dict)
    keys_of: dict[int, set[str]] = defaultdict(set)
    for u in units:
        keys_of[u.node_id].add(u.term_key)
    for unit_id, row_key, code, total, met in (
            row_model.objects.order_by().values_list("unit_id", "term_key", "norm_code")
            .annotate(total=Count("id"), met=Count("id", filter=Q(meets=True)))):
        for key in (keys_of[unit_id] if row_key == "" else {row_key}):
            c = own[(unit_id, key)].setdefault(code, [0, 0])
            c[0] += total
            c[1] += met
    by_node = {(u.node_id, u.term_key): u for u in units}
    for u in sorted(units, key=lambda u: -u.node.depth):
        u.counts = dict(own.get((u.node_id, u.term_key), {}))
    for u in sorted(units, key=lambda u: -u.node.depth):
        parent = by_node.get((u.node.parent_id, u.term_key)) if u.node.parent_id else None
        if parent is not None and parent.counts is not None:
            _add(parent.counts, u.counts)
    unit_model.objects.bulk_update(units, ["counts"], batch_size=500)
    return len(units)


ROW_COLUMNS = ("norm_code", "term_key", "unit_id", "path", "person_id", "position", "label", "meets", "value",
               "target", "done", "of", "detail", "url", "context", "computed_at")


def _insert(rows: list[NormResultRow]) -> None:
    """Insert stored rows: with COPY on PostgreSQL (a province refresh writes millions; COPY
    takes a fraction of the time of INSERTs built by the ORM), else in bulk."""
    if connection.vendor != "postgresql":
        NormResultRow.objects.bulk_create(rows, batch_size=2000)
        return
    table = connection.ops.quote_name(NormResultRow._meta.db_table)
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({', '.join(ROW_COLUMNS)}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(tuple(getattr(r, c) for c in ROW_COLUMNS))


def refresh_units(nodes: Iterable[OrgNode], term_key: str, *, batch_min: int = BATCH_MIN) -> int:
    """Recompute the stored rows of these units for the term (blank: termless norms only) and
    mark them clean. Returns the number of rows written.

    Schools are refreshed by parent: when at least `batch_min` schools of one parent are among
    the units, each school metric is evaluated once at the parent and its rows dealt out by
    `path` (a metric evaluated at a region returns the rows of the schools below it); others,
    and every region, one unit at a time. Both ways store the same rows
    (tests/demo/test_norm_batch.py)."""
    nodes = list(nodes)
    if not nodes:
        return 0
    run = _Refresh(term_key)
    by_parent: dict[int, list[OrgNode]] = defaultdict(list)
    for n in nodes:
        if n.kind == OrgKind.SCHOOL and n.parent_id is not None:
            by_parent[n.parent_id].append(n)
    groups = {pid: group for pid, group in by_parent.items() if len(group) >= batch_min}
    parents = OrgNode.objects.in_bulk(list(groups))
    written = 0
    for pid, group in groups.items():
        written += run.store(group, run.schools(parents[pid], group))
    grouped = {n.pk for group in groups.values() for n in group}
    rest = [n for n in nodes if n.pk not in grouped]
    for i in range(0, len(rest), STORE_CHUNK):
        chunk = rest[i:i + STORE_CHUNK]
        written += run.store(chunk, {n.pk: run.unit(n) for n in chunk})
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
    # (Django's pending callbacks are (savepoints, callable, robust) triples; its stubs say pairs.)
    if n and not any(entry[1] is _refresh_after_write for entry in connection.run_on_commit):
        transaction.on_commit(_refresh_after_write)


def _refresh_after_write() -> None:
    """Every committed write enqueues its refresh (once per transaction, however many units it
    marked). Never dropped as a duplicate: a refresh task that already read the stale units
    before this write committed would not see it, and the write would wait for the next page
    view. Tasks that find nothing stale end after one query."""
    enqueue_refresh(dedupe=False)


def enqueue_refresh(path: str = "", term_key: str = "", *, any_term: bool = True, dedupe: bool = True) -> None:
    """Enqueue the refresh task; a page's request (`dedupe`) at most once a few seconds for the
    same scope, as every view of a stale page asks again."""
    from core.tasks import norms_refresh

    if dedupe and not cache.add(f"norms-refresh:{path}:{term_key}:{any_term}", 1, 5):
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


def _state(path: str, term_key: str) -> tuple[int, int, dt.datetime | None]:
    """(units waiting, of which never computed, latest refresh) under the path for the term.
    With a term, from two index counts: the units under the path and their state rows (a
    province has 12,000; the anti-join of the two took 30 ms a view); a unit has a state row
    once computed, and the rows' paths are the units' (kept by the refresh)."""
    if not term_key:
        at = NormUnit.objects.filter(path__startswith=path).aggregate(m=Max("refreshed_at"))["m"]
        return pending_units(path, term_key).count(), 0, at
    nodes = OrgNode.objects.under(path).count()
    # Counted over path, not id: the (term, path) index holds dirty and refreshed_at, so the
    # province's 12,000 units are counted from the index alone (4 ms instead of 8).
    agg = NormUnit.objects.filter(term_key=term_key, path__startswith=path).aggregate(
        n=Count("path"), dirty=Count("path", filter=Q(dirty=True)), at=Max("refreshed_at"))
    missing = max(0, nodes - agg["n"])
    return agg["dirty"] + missing, missing, agg["at"]


def freshness(node: OrgNode, term: Term | None) -> Freshness:
    pending, _missing, at = _state(node.path, term.key if term is not None else "")
    return Freshness(pending, at)


def _stale(path: str, term_key: str, missing: int, limit: int) -> list[OrgNode]:
    """Up to `limit` units under the path waiting for the term: the dirty ones, then (when some
    were never computed) those without a state row."""
    if not term_key:
        return list(pending_units(path, term_key)[:limit])
    ids = list(NormUnit.objects.filter(term_key=term_key, dirty=True, path__startswith=path)
               .order_by("path").values_list("node_id", flat=True)[:limit])
    found = list(OrgNode.objects.filter(pk__in=ids).order_by("path"))
    if missing and len(found) < limit:
        computed = NormUnit.objects.filter(node_id=OuterRef("pk"), term_key=term_key)
        found += list(OrgNode.objects.under(path).filter(~Exists(computed)).order_by("path")[:limit - len(found)])
    return found


def ensure_fresh(node: OrgNode, term: Term | None) -> Freshness:
    """At a school or a small region, refresh the stale units under it when they are few (a
    user's own write shows at once, and tests, where on-commit tasks never run, read fresh
    rows); else leave them to the task, making sure one is enqueued.

    A large region's page never waits for a refresh. Its own metrics read its whole subtree (a
    province's take seconds), and a school's refresh, 57 metrics, takes about 200 ms at province
    scale: after an import that touched twenty schools, the institute head would wait four
    seconds to see figures that moved by a fraction of a percent. It shows the stored rows, the
    time of their refresh and the units waiting, and the task refreshes them."""
    key = term.key if term is not None else ""
    pending, missing, at = _state(node.path, key)
    if not pending:
        return Freshness(0, at)
    if pending > SYNC_LIMIT or not small_scope(node):
        enqueue_refresh(node.path, key, any_term=False)
        return Freshness(pending, at)
    stale = _stale(node.path, key, missing, SYNC_LIMIT)
    if stale:
        mine = _claim(stale, key)
        try:
            # One unit at a time: a few schools of a county are cheaper alone than the whole county.
            refresh_units(mine, key, batch_min=SYNC_LIMIT + 1)
        finally:
            cache.delete_many([_claim_key(key, n) for n in mine])
        if len(mine) < len(stale):
            enqueue_refresh(node.path, key, any_term=False)
    return freshness(node, term)


# How long a page's claim on a unit it refreshes holds if the page dies before releasing it.
CLAIM_SECONDS = 60


def _claim_key(term_key: str, node: OrgNode) -> str:
    return f"norms-sync:{term_key}:{node.pk}"


def _claim(units: list[OrgNode], term_key: str) -> list[OrgNode]:
    """The units this page refreshes: those no other page is refreshing at this moment (a claim
    in the cache, shared by the app servers when the cache is Redis). Right after a write, the
    eight people who open the page at once would otherwise compute the same school eight times
    over; the first computes it, the others read the stored rows and show the unit as waiting."""
    return [n for n in units if cache.add(_claim_key(term_key, n), 1, CLAIM_SECONDS)]


def small_scope(node: OrgNode) -> bool:
    """A school, or a region with at most SYNC_SCHOOLS schools below it (a bounded count): a
    scope whose pages may compute (or refresh) it on a request. A larger region's pages read the
    stored rows."""
    if node.kind == OrgKind.SCHOOL:
        return True
    return OrgNode.objects.under(node.path).schools()[:SYNC_SCHOOLS + 1].count() <= SYNC_SCHOOLS
