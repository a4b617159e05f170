"""Observation aggregates (observe.models.ObservationAggregate): the sufficient statistics the
analysis page merges, per org node (each school and every region above it), term and subject.

- `rebuild()` recomputes every row from the observations (`manage.py
  rebuild_observation_aggregates`); the seed calls `write_from_arrays` with what it generated.
- `observation_changed(...)` is the observation services' hook: it recomputes the school's cells
  the observation was and is in, and applies the difference to the rows of every region above,
  in the caller's transaction.
- `merge_rows` and the `Figures` helpers are pure (no ORM) and give the page its figures.

An observation belongs to the term of its school whose dates contain its date (the school's own
terms: a county with its own calendar has its own dates); one dated outside every term (a
holiday) is in no aggregate, as it is in no term's raw figures.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction

from core.models import OrgNode, Term

Stats = dict[str, Any]
Cell = tuple[int, str, int]  # (node id, term key, subject id)


# ---------------------------------------------------------------- pure statistics


def empty() -> Stats:
    return {"lessons": 0, "developmental": 0, "by_kind": {}, "scored": 0, "scores": {}}


def _merge_hist(into: dict[str, int], other: dict[str, int], sign: int) -> None:
    for k, n in other.items():
        v = into.get(k, 0) + sign * n
        if v:
            into[k] = v
        else:
            into.pop(k, None)


def _merge_moments(into: dict[str, Any], other: dict[str, Any], sign: int) -> None:
    into["n"] = into.get("n", 0) + sign * other["n"]
    into["sum"] = into.get("sum", 0.0) + sign * other["sum"]
    into["sumsq"] = into.get("sumsq", 0.0) + sign * other["sumsq"]
    _merge_hist(into.setdefault("hist", {}), other["hist"], sign)


def merge(into: Stats, other: Stats, sign: int = 1) -> Stats:
    """Add (sign=1) or subtract (sign=-1) `other` into `into`; returns `into`."""
    into["lessons"] += sign * other["lessons"]
    into["developmental"] += sign * other["developmental"]
    _merge_hist(into["by_kind"], other["by_kind"], sign)
    into["scored"] += sign * other["scored"]
    for name, block in other["scores"].items():
        mine = into["scores"].setdefault(name, {"n": 0, "sum": 0.0, "sumsq": 0.0, "hist": {}, "dims": {}})
        _merge_moments(mine, block, sign)
        for code, dim in block["dims"].items():
            target = mine["dims"].setdefault(code, {"title": dim["title"], "max": dim["max"], "n": 0, "sum": 0.0,
                                                    "sumsq": 0.0, "hist": {}})
            _merge_moments(target, dim, sign)
            if target["n"] <= 0:
                del mine["dims"][code]
        if mine["n"] <= 0 and not mine["dims"]:
            del into["scores"][name]
    return into


def merge_rows(rows: Iterable[Stats]) -> Stats:
    out = empty()
    for r in rows:
        merge(out, r)
    return out


def five_from_hist(hist: dict[str, int], scale: float = 1.0) -> list[float]:
    """[min, Q1, median, Q3, max] of the multiset a histogram stands for (hundredths of a point,
    times `scale`), rounded to one decimal: the same linear interpolation as numpy.percentile
    over the values themselves (observe.observation_stats.five_numbers), without building them."""
    items = sorted((int(k), n) for k, n in hist.items() if n > 0)
    if not items:
        return []
    keys = np.asarray([k for k, _ in items], dtype=float) / 100.0 * scale
    cum = np.cumsum([n for _, n in items])
    total = int(cum[-1])
    out = []
    for q in (0, 25, 50, 75, 100):
        h = (total - 1) * q / 100
        lo, hi = math.floor(h), math.ceil(h)
        v_lo = keys[int(np.searchsorted(cum, lo, side="right"))]
        v_hi = keys[int(np.searchsorted(cum, hi, side="right"))]
        out.append(round(float(v_lo + (h - lo) * (v_hi - v_lo)), 1))
    return out


@dataclass
class Figures:
    """What the analysis page shows of one merged set of aggregates."""

    lessons: int
    developmental: int
    by_kind: list[tuple[str, int]]  # kind, lessons; most first
    template: str | None  # the template most scored lessons used
    scored: int
    totals: list[float]  # five numbers of the totals
    total_mean: float | None
    total_sd: float | None
    rates: dict[str, list[float]]  # dimension title -> five numbers of its score rates (% of its maximum)
    rate_means: dict[str, float]
    rate_sds: dict[str, float]


def _sd(n: int, s: float, ss: float) -> float | None:
    if n <= 0:
        return None
    var = max(0.0, ss / n - (s / n) ** 2)
    return round(math.sqrt(var), 1)


def figures(stats: Stats) -> Figures:
    kinds = sorted(((k, n) for k, n in stats["by_kind"].items() if n > 0), key=lambda kv: (-kv[1], kv[0]))
    scores = stats["scores"]
    chosen = max(scores.items(), key=lambda kv: (kv[1]["n"], kv[0]), default=None)
    if chosen is None or chosen[1]["n"] <= 0:
        return Figures(stats["lessons"], stats["developmental"], kinds, None, 0, [], None, None, {}, {}, {})
    name, block = chosen
    n = int(block["n"])
    rates: dict[str, list[float]] = {}
    means: dict[str, float] = {}
    sds: dict[str, float] = {}
    for code in sorted(block["dims"], key=_code_key):
        d = block["dims"][code]
        if not d.get("max") or d["n"] <= 0:
            continue
        scale = 100.0 / float(d["max"])
        rates[d["title"]] = five_from_hist(d["hist"], scale)
        means[d["title"]] = round(d["sum"] * scale / d["n"], 1)
        sd = _sd(int(d["n"]), d["sum"] * scale, d["sumsq"] * scale * scale)
        sds[d["title"]] = sd if sd is not None else 0.0
    return Figures(stats["lessons"], stats["developmental"], kinds, name, n, five_from_hist(block["hist"]),
                   round(block["sum"] / n, 1), _sd(n, block["sum"], block["sumsq"]), rates, means, sds)


def _code_key(code: str) -> tuple[int | str, ...]:
    return tuple(int(p) if p.isdigit() else p for p in code.split("."))


def mean_total(stats: Stats, template: str | None = None) -> float | None:
    """Mean total of the appraisal set, over every template (the trend line) or one."""
    blocks = [b for name, b in stats["scores"].items() if template is None or name == template]
    n = sum(b["n"] for b in blocks)
    return round(sum(b["sum"] for b in blocks) / n, 1) if n else None


# ---------------------------------------------------------------- from columns (seed, rebuild)


@dataclass
class Columns:
    """One value per observation (submitted ones only). `dims` has one column per
    (template, dimension code) of `dim_keys`, NaN where the lesson has no such score;
    `template` indexes `templates` (-1: not scored)."""

    school: np.ndarray  # int64 org node ids
    date: np.ndarray  # datetime64[D]
    subject: np.ndarray  # int64
    kind: np.ndarray  # object: kind keys
    developmental: np.ndarray  # bool: purpose is developmental
    appraisal: np.ndarray  # bool: evaluative, or released by the teacher
    template: np.ndarray  # int64 index into templates, -1 when unscored
    total: np.ndarray  # float, NaN when unscored
    dims: np.ndarray  # float [n, len(dim_keys)]
    templates: Sequence[str]
    dim_keys: Sequence[tuple[int, str, str, float | None]]  # (template index, code, title, max)


@dataclass(frozen=True)
class TermWindow:
    key: str
    start: dt.date
    end: dt.date


def school_terms(school_ids: Iterable[int]) -> dict[int, list[TermWindow]]:
    """Each school's terms (those of its deepest ancestor region that has terms), read in a
    handful of queries whatever the number of schools."""
    ids = set(school_ids)
    schools = list(OrgNode.objects.filter(pk__in=ids).values_list("pk", "path")) if len(ids) < 5000 else \
        [(pk, path) for pk, path in OrgNode.objects.schools().values_list("pk", "path") if pk in ids]
    by_region: dict[str, list[TermWindow]] = defaultdict(list)
    for t in Term.objects.select_related("region").order_by("start"):
        by_region[t.region.path].append(TermWindow(t.key, t.start, t.end))
    regions = sorted(by_region, key=len, reverse=True)
    out: dict[int, list[TermWindow]] = {}
    for pk, path in schools:
        region = next((r for r in regions if path.startswith(r)), None)
        out[pk] = by_region[region] if region is not None else []
    return out


def ancestor_ids(school_ids: Iterable[int]) -> dict[int, list[int]]:
    """School id -> ids of the regions above it, nearest first."""
    ids = set(school_ids)
    by_path = dict(OrgNode.objects.regions().values_list("path", "pk"))
    out: dict[int, list[int]] = {}
    for pk, path in OrgNode.objects.filter(pk__in=ids).values_list("pk", "path") if len(ids) < 5000 else \
            ((pk, path) for pk, path in OrgNode.objects.schools().values_list("pk", "path") if pk in ids):
        parts = path.strip("/").split("/")
        chain = ["".join(p + "/" for p in parts[:k]) for k in range(len(parts) - 1, 0, -1)]
        out[pk] = [by_path[c] for c in chain if c in by_path]
    return out


def _term_index(cols: Columns, terms: dict[int, list[TermWindow]]) -> tuple[np.ndarray, list[str]]:
    """For each observation the index (into the returned keys) of its school's term holding its
    date, or -1."""
    keys: list[str] = sorted({t.key for ts in terms.values() for t in ts})
    pos = {k: i for i, k in enumerate(keys)}
    out = np.full(len(cols.school), -1, dtype=np.int64)
    groups: dict[tuple[TermWindow, ...], list[int]] = defaultdict(list)
    for school, ts in terms.items():
        groups[tuple(ts)].append(school)
    for windows, schools in groups.items():
        in_group = np.isin(cols.school, np.asarray(schools, dtype=np.int64))
        for t in windows:
            hit = in_group & (cols.date >= np.datetime64(t.start)) & (cols.date <= np.datetime64(t.end))
            out[hit] = pos[t.key]
    return out, keys


def _hists(cell: np.ndarray, values: np.ndarray, n_cells: int) -> list[dict[str, int]]:
    """Per cell, {hundredths: count} of the values (cell indexes in 0..n_cells-1)."""
    out: list[dict[str, int]] = [{} for _ in range(n_cells)]
    if len(cell) == 0:
        return out
    hundredths = np.rint(values * 100).astype(np.int64)
    lo = int(hundredths.min())
    span = int(hundredths.max()) - lo + 1
    code = cell.astype(np.int64) * span + (hundredths - lo)
    uniq, counts = np.unique(code, return_counts=True)
    cells, bins = np.divmod(uniq, span)
    bins = bins + lo
    bounds = np.searchsorted(cells, np.arange(n_cells + 1))
    keys = bins.astype(str).tolist()
    cnts = counts.tolist()
    for c in np.unique(cells).tolist():
        a, b = int(bounds[c]), int(bounds[c + 1])
        out[c] = dict(zip(keys[a:b], cnts[a:b], strict=True))
    return out


def stats_by_cell(cols: Columns, node: np.ndarray, term: np.ndarray, term_keys: Sequence[str]
                  ) -> dict[Cell, Stats]:
    """Statistics per (node, term, subject) of the observations whose term index is >= 0;
    `node` gives each observation's node at the level being built (its school or a region)."""
    keep = term >= 0
    node, term, subject = node[keep], term[keep], cols.subject[keep]
    if len(node) == 0:
        return {}
    triples = np.stack([node, term, subject], axis=1)
    uniq, cell = np.unique(triples, axis=0, return_inverse=True)
    cell = cell.reshape(-1)
    n_cells = len(uniq)
    lessons = np.bincount(cell, minlength=n_cells)
    dev = np.bincount(cell, weights=cols.developmental[keep].astype(float), minlength=n_cells)
    out_stats: list[Stats] = []
    for i in range(n_cells):
        s = empty()
        s["lessons"] = int(lessons[i])
        s["developmental"] = int(dev[i])
        out_stats.append(s)
    kinds = cols.kind[keep]
    for k in np.unique(kinds).tolist():
        counts = np.bincount(cell[kinds == k], minlength=n_cells)
        for i in np.nonzero(counts)[0].tolist():
            out_stats[i]["by_kind"][k] = int(counts[i])
    scored = cols.appraisal[keep] & (cols.template[keep] >= 0) & ~np.isnan(cols.total[keep])
    tmpl, total, dims = cols.template[keep], cols.total[keep], cols.dims[keep]
    for t_index, t_name in enumerate(cols.templates):
        m = scored & (tmpl == t_index)
        if not m.any():
            continue
        c = cell[m]
        v = total[m]
        n = np.bincount(c, minlength=n_cells)
        sm = np.bincount(c, weights=v, minlength=n_cells)
        sq = np.bincount(c, weights=v * v, minlength=n_cells)
        hists = _hists(c, v, n_cells)
        present = np.nonzero(n)[0].tolist()
        for i in present:
            out_stats[i]["scored"] += int(n[i])
            out_stats[i]["scores"][t_name] = {"n": int(n[i]), "sum": float(sm[i]), "sumsq": float(sq[i]),
                                              "hist": hists[i], "dims": {}}
        for j, (dt_index, code, title, mx) in enumerate(cols.dim_keys):
            if dt_index != t_index:
                continue
            col = dims[m, j]
            ok = ~np.isnan(col)
            if not ok.any():
                continue
            dc, dv = c[ok], col[ok]
            dn = np.bincount(dc, minlength=n_cells)
            ds = np.bincount(dc, weights=dv, minlength=n_cells)
            dq = np.bincount(dc, weights=dv * dv, minlength=n_cells)
            dh = _hists(dc, dv, n_cells)
            for i in np.nonzero(dn)[0].tolist():
                out_stats[i]["scores"][t_name]["dims"][code] = {
                    "title": title, "max": mx, "n": int(dn[i]), "sum": float(ds[i]), "sumsq": float(dq[i]),
                    "hist": dh[i]}
    keys = uniq.tolist()
    return {(int(a), term_keys[int(b)], int(c)): out_stats[i] for i, (a, b, c) in enumerate(keys)}


def all_levels(cols: Columns, terms: dict[int, list[TermWindow]], ancestors: dict[int, list[int]]
               ) -> dict[Cell, Stats]:
    """Cells of every school and of every region above them."""
    term, term_keys = _term_index(cols, terms)
    out = stats_by_cell(cols, cols.school, term, term_keys)
    depth = max((len(a) for a in ancestors.values()), default=0)
    schools = np.asarray(sorted(ancestors), dtype=np.int64)
    for level in range(depth):
        # Each observation's ancestor `level` steps up (-1 where the chain is shorter).
        up = np.asarray([ancestors[s][level] if level < len(ancestors[s]) else -1 for s in schools.tolist()],
                        dtype=np.int64)
        idx = np.searchsorted(schools, cols.school)
        node = up[np.clip(idx, 0, len(up) - 1)]
        out.update(stats_by_cell(cols, node, np.where(node >= 0, term, -1), term_keys))
    return out


def write_cells(cells: dict[Cell, Stats]) -> int:
    """Insert the cells (the table must hold none of them)."""
    from core.demo.tables import next_id, reset_sequences, write_columns
    from observe.models import ObservationAggregate

    if not cells:
        return 0
    items = list(cells.items())
    first = next_id(ObservationAggregate)
    now = np.datetime64(dt.datetime.now(dt.UTC).replace(tzinfo=None), "s")
    n = len(items)
    write_columns(ObservationAggregate, {
        "id": np.arange(first, first + n, dtype=np.int64),
        "node_id": np.asarray([k[0] for k, _ in items], dtype=np.int64),
        "term_key": np.asarray([k[1] for k, _ in items], dtype=object),
        "subject_id": np.asarray([k[2] for k, _ in items], dtype=np.int64),
        "lessons": np.asarray([s["lessons"] for _, s in items], dtype=np.int64),
        "developmental": np.asarray([s["developmental"] for _, s in items], dtype=np.int64),
        "by_kind": np.asarray([json.dumps(s["by_kind"], ensure_ascii=False) for _, s in items], dtype=object),
        "scored": np.asarray([s["scored"] for _, s in items], dtype=np.int64),
        "scores": np.asarray([json.dumps(s["scores"], ensure_ascii=False) for _, s in items], dtype=object),
        "updated_at": np.full(n, now),
    })
    reset_sequences(ObservationAggregate)
    return n


def write_from_arrays(cols: Columns) -> int:
    """The seed's path: every cell from the generated columns, written in bulk."""
    schools = np.unique(cols.school).tolist()
    return write_cells(all_levels(cols, school_terms(schools), ancestor_ids(schools)))


# ---------------------------------------------------------------- from the database


def columns_from_db(school_ids: Sequence[int] | None = None, subject_id: int | None = None) -> Columns:
    """The submitted observations (optionally of some schools and one subject) as columns."""
    from observe.models import Observation, ObservationStatus, Purpose

    qs = Observation.objects.filter(status=ObservationStatus.SUBMITTED, subject__isnull=False)
    if school_ids is not None:
        qs = qs.filter(school_id__in=list(school_ids))
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    rows = list(qs.order_by().values_list(
        "school_id", "date", "subject_id", "kind", "purpose", "released_at", "assessment__version__template__name",
        "assessment__total", "assessment__dimension_scores").iterator(chunk_size=20_000))
    templates: list[str] = []
    t_pos: dict[str, int] = {}
    dim_pos: dict[tuple[int, str], int] = {}
    dim_keys: list[tuple[int, str, str, float | None]] = []
    t_index = np.full(len(rows), -1, dtype=np.int64)
    totals = np.full(len(rows), np.nan)
    entries: list[tuple[int, int, float]] = []
    for i, (_s, _d, _sub, _k, _p, _r, name, total, dims) in enumerate(rows):
        if name is None or total is None:
            continue
        ti = t_pos.get(name)
        if ti is None:
            ti = t_pos[name] = len(templates)
            templates.append(name)
        t_index[i] = ti
        totals[i] = float(total)
        for code, d in (dims or {}).items():
            if d.get("score") is None:
                continue
            j = dim_pos.get((ti, code))
            if j is None:
                j = dim_pos[(ti, code)] = len(dim_keys)
                mx = d.get("max")
                dim_keys.append((ti, code, str(d.get("title", code)), float(mx) if mx else None))
            entries.append((i, j, float(d["score"])))
    dim_matrix = np.full((len(rows), len(dim_keys)), np.nan)
    for i, j, v in entries:
        dim_matrix[i, j] = v
    return Columns(
        school=np.asarray([r[0] for r in rows], dtype=np.int64),
        date=np.asarray([r[1] for r in rows], dtype="datetime64[D]"),
        subject=np.asarray([r[2] for r in rows], dtype=np.int64),
        kind=np.asarray([r[3] for r in rows], dtype=object),
        developmental=np.asarray([r[4] == Purpose.DEVELOPMENTAL for r in rows], dtype=bool),
        appraisal=np.asarray([r[4] == Purpose.EVALUATIVE or r[5] is not None for r in rows], dtype=bool),
        template=t_index, total=totals, dims=dim_matrix, templates=templates, dim_keys=dim_keys)


@transaction.atomic
def rebuild() -> int:
    """Recompute every aggregate from the observations; returns the rows written."""
    from observe.models import ObservationAggregate

    ObservationAggregate.objects.all().delete()
    cols = columns_from_db()
    schools = np.unique(cols.school).tolist()
    return write_cells(all_levels(cols, school_terms(schools), ancestor_ids(schools)))


def _stats_of(row: Any) -> Stats:
    return {"lessons": row.lessons, "developmental": row.developmental, "by_kind": dict(row.by_kind),
            "scored": row.scored, "scores": json.loads(json.dumps(row.scores))}


def _save(node_id: int, term_key: str, subject_id: int, stats: Stats, existing: Any | None) -> None:
    from observe.models import ObservationAggregate

    if stats["lessons"] <= 0 and not stats["scores"]:
        if existing is not None:
            existing.delete()
        return
    row = existing or ObservationAggregate(node_id=node_id, term_key=term_key, subject_id=subject_id)
    row.lessons, row.developmental, row.by_kind = stats["lessons"], stats["developmental"], stats["by_kind"]
    row.scored, row.scores = stats["scored"], stats["scores"]
    row.save()


def refresh_cell(school_id: int, subject_id: int, day: dt.date) -> None:
    """Recompute one school's cell (the term holding `day`) from its observations and apply the
    change to the rows of the regions above. Runs in the caller's transaction."""
    from observe.models import ObservationAggregate

    windows = school_terms([school_id]).get(school_id, [])
    window = next((t for t in windows if t.start <= day <= t.end), None)
    if window is None:
        return
    cols = columns_from_db([school_id], subject_id)
    term, keys = _term_index(cols, {school_id: windows})
    fresh = stats_by_cell(cols, cols.school, term, keys).get((school_id, window.key, subject_id), empty())
    chain = [school_id, *ancestor_ids([school_id]).get(school_id, [])]
    rows = {r.node_id: r for r in ObservationAggregate.objects.select_for_update()
            .filter(node_id__in=chain, term_key=window.key, subject_id=subject_id)}
    old_row = rows.get(school_id)
    old = _stats_of(old_row) if old_row is not None else empty()
    delta = merge(json.loads(json.dumps(fresh)), old, -1)
    _save(school_id, window.key, subject_id, fresh, old_row)
    for region_id in chain[1:]:
        row = rows.get(region_id)
        stats = merge(_stats_of(row) if row is not None else empty(), delta)
        _save(region_id, window.key, subject_id, stats, row)


def observation_changed(*, school_id: int, subject_id: int | None, day: dt.date,
                        before: tuple[int, int | None, dt.date] | None = None) -> None:
    """The services' hook after an observation is submitted, changed or withdrawn: refresh the
    cell it is in and, when `before` (school id, subject id, date) differs, the one it was in."""
    cells = {(school_id, subject_id, day)}
    if before is not None:
        cells.add(before)
    for school, subject, when in sorted(cells, key=lambda c: (c[0], c[1] or 0, c[2])):
        if subject is not None:
            refresh_cell(school, subject, when)


def observation_saved(obs: Any, *, before: tuple[int, int | None, dt.date] | None = None) -> None:
    """`observation_changed` for a saved Observation (submitted, released, edited or withdrawn)."""
    observation_changed(school_id=obs.school_id, subject_id=obs.subject_id, day=obs.date, before=before)
