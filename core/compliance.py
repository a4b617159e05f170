"""The norms framework: thresholds with regional overrides, the registry of metrics, and the
reading of their stored results.

Each domain app contributes the metric for its norms with `@metric("CODE", unit=...)` in its own
`metrics.py` (imported from its AppConfig.ready). A metric is computed per *unit*: a school
(`unit="school"`, the default), a region (`unit="region"`) or either (`unit="any"`). It gets an all-seeing system scope
as `ctx.user` (so the access selectors keep working), the unit as `ctx.node`, the term and the
threshold in force at the unit, and returns one `Row` per subject of the norm (a school, a
person, a region). `core.norm_results` stores the rows (`NormResultRow`) and refreshes a unit
when a write marks it dirty; pages read and count the stored rows of the subtree they show
through `core.access.norm_rows_visible_to` (`norm_rows_under` for a subtree), never computing a metric.

A region metric returns rows of the unit region itself; a row may name its own region with
`path=` (rows placed elsewhere than the unit are dropped by the refresh, so a metric written to
list a region and its children stays correct). A school metric names the school of every row
with `path=`: evaluated at a region it lists every school below, and a refresh of many schools
evaluates it once per parent region instead of once per school (the province has 12,000). A metric that reads `ctx.term` declares
`needs_term=True`; the others are stored once, with no term.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from core.access import AnyUser, norm_rows_under, scope_of
from core.models import Norm, NormOverride, NormResultRow, OrgNode, Term, range_text
from core.norm_catalogue import CATALOGUE, source_for
from core.paths import ancestor_paths
from core.progress import bar_class
from core.progress import percent as percent_of

SCHOOL_UNIT, REGION_UNIT, ANY_UNIT = "school", "region", "any"


@dataclass(frozen=True)
class Row:
    """One subject of a norm (a school, a person, a region) and how it stands."""

    label: str
    meets: bool
    value: float | None = None
    target: float | None = None
    detail: str = ""
    url: str = ""
    context: str = ""  # e.g. the school of a person, the county of a school
    # Where the row sits in the org tree (blank: the unit it was computed for), and the person
    # it is about, if any.
    path: str = ""
    person_id: int | None = None
    # A share's counted part and whole (core.models.NormResultRow.done / .of).
    done: float | None = None
    of: float | None = None

    @property
    def progress(self) -> int:
        if self.value is None:
            return 100 if self.meets else 0
        return percent_of(self.value, self.target, when_no_target=100 if self.meets else 0)

    @property
    def bar(self) -> str:
        """The CSS class of the progress bar (the CSP forbids inline widths)."""
        return bar_class(self.progress)


@dataclass
class MetricContext:
    user: AnyUser
    node: OrgNode
    term: Term | None
    threshold: float | None
    # Shared by the metrics of one unit's refresh (three LEAD.* norms read one quota report).
    memo: dict[str, Any] = field(default_factory=dict)
    # True in a refresh: only rows placed at the unit itself are kept, so a metric may skip the
    # rest of the subtree (a live evaluation over a region leaves it False).
    exact: bool = False
    # The threshold's range in force at the unit (`threshold` is its minimum, else its maximum).
    threshold_min: float | None = None
    threshold_max: float | None = None

    def within(self, value: float) -> bool:
        """Whether a value meets the range: at least the minimum, at most the maximum (an open
        end is no limit)."""
        low, high = self.threshold_min, self.threshold_max
        if low is None and high is None:
            low = self.threshold  # a context built with one number: a minimum
        return (low is None or value >= low) and (high is None or value <= high)


MetricFn = Callable[[MetricContext], list[Row]]
METRICS: dict[str, MetricFn] = {}
# Norms whose metric needs a term to be counted in.
NEEDS_TERM: set[str] = set()
# The refresh unit of each metric: "school", "region" or "any" (records held at any node, such as
# researchers' posts, which sit at institutes and, for part-time researchers, at schools).
UNITS: dict[str, str] = {}
# School metrics that must be evaluated one school at a time (see `metric`).
NO_BATCH: set[str] = set()


def metric(code: str, *, needs_term: bool = False, unit: str = SCHOOL_UNIT,
           batch: bool = True) -> Callable[[MetricFn], MetricFn]:
    """Register the metric of a norm. A school (or any-unit) metric evaluated at a region must
    return the rows of every unit below it, each naming its unit with `path=`: a refresh of many
    schools evaluates it once per parent region and deals the rows out by path
    (core.norm_results.refresh_units). `batch=False` declares a metric that cannot, and is
    evaluated at each school alone."""
    if unit not in (SCHOOL_UNIT, REGION_UNIT, ANY_UNIT):
        raise ValueError(f"unknown metric unit {unit!r}")

    def register(fn: MetricFn) -> MetricFn:
        if code in METRICS:
            raise RuntimeError(f"metric for {code} registered twice")
        METRICS[code] = fn
        UNITS[code] = unit
        if not batch:
            NO_BATCH.add(code)
        if needs_term:
            NEEDS_TERM.add(code)
        return fn
    return register


# ---------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class OverrideRef:
    region_path: str
    region_name: str
    low: float | None
    high: float | None

    @property
    def threshold(self) -> float | None:
        return self.low if self.low is not None else self.high


class Thresholds:
    """Every norm's default threshold and every regional override, read in one query (a LEFT
    JOIN of norms and overrides); `at(code, path)` answers for any node: the override of the
    nearest region at or above it, else the default. Built once per refresh or page."""

    def __init__(self) -> None:
        self.defaults: dict[str, tuple[float | None, float | None]] = {
            s.code: (s.threshold, s.threshold_max) for s in CATALOGUE}
        self.overrides: dict[str, dict[str, OverrideRef]] = {}
        for code, low, high, path, name, o_low, o_high in (
                Norm.objects.order_by().values_list("code", "threshold_min", "threshold_max", "overrides__region__path",
                                                    "overrides__region__name", "overrides__threshold_min",
                                                    "overrides__threshold_max")):
            self.defaults[code] = (low, high)
            if path is not None:
                self.overrides.setdefault(code, {})[path] = OverrideRef(path, name, o_low, o_high)

    def override(self, code: str, path: str) -> OverrideRef | None:
        mine = self.overrides.get(code)
        if not mine:
            return None
        for p in reversed(ancestor_paths(path)):
            if p in mine:
                return mine[p]
        return None

    def range_at(self, code: str, path: str) -> tuple[float | None, float | None]:
        """(minimum, maximum) in force at the path; either may be None (open)."""
        found = self.override(code, path)
        return (found.low, found.high) if found is not None else self.defaults.get(code, (None, None))

    def at(self, code: str, path: str) -> float | None:
        """The one number of the threshold: the minimum, else the maximum."""
        low, high = self.range_at(code, path)
        return low if low is not None else high


def effective_threshold(code: str, node: OrgNode) -> float | None:
    """The override set by the nearest region above (or at) the node, else the default."""
    return Thresholds().at(code, node.path)


def override_source(code: str, node: OrgNode) -> NormOverride | None:
    paths = node.ancestor_paths()
    found = (NormOverride.objects.filter(norm__code=code, region__path__in=paths)
             .select_related("region", "set_by").order_by("-region__depth").first())
    return found


# ---------------------------------------------------------------- results


@dataclass
class NormResult:
    norm: Norm
    threshold: float | None
    override: OverrideRef | None
    has_metric: bool
    total: int = 0
    met: int = 0
    # The rows read: every row for a live evaluation, a page of them for a stored one.
    rows: list[Row] = field(default_factory=list)
    # The source in words, the region's own document where it has one (norm_catalogue.source_for).
    source_text: str = ""
    threshold_min: float | None = None
    threshold_max: float | None = None

    @property
    def threshold_text(self) -> str:
        """The range in force as people write it: 1～4, ≥5."""
        return range_text(self.threshold_min, self.threshold_max)

    @property
    def short_count(self) -> int:
        return self.total - self.met

    @property
    def short(self) -> list[Row]:
        return [r for r in self.rows if not r.meets]

    @property
    def percent(self) -> int:
        return percent_of(self.met, self.total, when_no_target=0)

    @property
    def bar(self) -> str:
        return bar_class(self.percent)

    @property
    def status(self) -> str:
        if not self.has_metric:
            return "nodata"
        if not self.total:
            return "empty"
        return "ok" if self.met == self.total else "short"

    @property
    def has_data(self) -> bool:
        """False for norms whose data no module records yet, or with nothing to count here."""
        return self.status in ("ok", "short")


def evaluate(user: AnyUser, node: OrgNode, term: Term | None, norm: Norm) -> NormResult:
    """The norm computed live for a viewer over the node's subtree, as the metric sees it.

    The reference the stored results are tested against; pages read stored rows instead
    (`compliance_for`, `norm_rows`).
    """
    fn = METRICS.get(norm.code)
    th = Thresholds()
    result = NormResult(norm, th.at(norm.code, node.path), th.override(norm.code, node.path), fn is not None)
    low, high = th.range_at(norm.code, node.path)
    result.threshold_min, result.threshold_max = low, high
    if fn is not None and not (norm.code in NEEDS_TERM and term is None):
        result.rows = fn(MetricContext(user, node, term, low if low is not None else high,
                                       threshold_min=low, threshold_max=high))
        result.total = len(result.rows)
        result.met = sum(1 for r in result.rows if r.meets)
    return result


def _term_keys(term: Term | None) -> list[str]:
    return [term.key, ""] if term is not None else [""]


def stored_rows(user: AnyUser, node: OrgNode, term: Term | None, code: str) -> Any:
    """The stored rows of one norm under the node that the viewer may see, in the metric's
    order (a queryset, for paging)."""
    return (norm_rows_under(user, node.path).filter(norm_code=code, term_key__in=_term_keys(term))
            .order_by("path", "position", "id"))


# A stored row's link was made for an all-seeing refresh; a viewer gets it only when they may open
# it. Each app registers a guard for its own pages: it answers False (hide), True, or None (not
# mine). Links no guard claims are shown (pages of the core check access themselves with a 404,
# which the link crawl test catches).
LinkGuard = Callable[[AnyUser, str], bool | None]
LINK_GUARDS: list[LinkGuard] = []


def link_guard(fn: LinkGuard) -> LinkGuard:
    LINK_GUARDS.append(fn)
    return fn


def _visible_url(user: AnyUser | None, url: str, seen: dict[str, str]) -> str:
    if user is None or not url:
        return url
    if url not in seen:
        verdicts = (g(user, url) for g in LINK_GUARDS)
        seen[url] = "" if any(v is False for v in verdicts) else url
    return seen[url]


def as_row(r: NormResultRow, user: AnyUser | None = None, seen: dict[str, str] | None = None) -> Row:
    """A stored row as a metric's Row; with a viewer, links they may not open are dropped."""
    return Row(label=r.label, meets=r.meets, value=r.value, target=r.target, detail=r.detail,
               url=_visible_url(user, r.url, seen if seen is not None else {}), context=r.context, path=r.path,
               person_id=r.person_id, done=r.done, of=r.of)


def as_rows(rows: Iterable[NormResultRow], user: AnyUser) -> list[Row]:
    seen: dict[str, str] = {}
    return [as_row(r, user, seen) for r in rows]


def compliance_for(user: AnyUser, node: OrgNode, term: Term | None, *, codes: list[str] | None = None,
                   with_metric_only: bool = False, refresh: bool = True, with_rows: bool = False) -> list[NormResult]:
    """Each norm's counts for the viewer's part of the node's subtree, from the stored rows: one
    grouped query for all norms, one for the thresholds. Stale units in scope are refreshed
    first when they are few (core.norm_results.ensure_fresh). `with_rows` also reads every
    stored row of the norms (for a few norms over a small scope: tests, exports)."""
    if refresh:
        from core.norm_results import ensure_fresh

        ensure_fresh(node, term)
    norms = list(Norm.objects.filter(code__in=codes) if codes else Norm.objects.all())
    th = Thresholds()
    counts = _counts(user, node, term, codes)
    results = []
    for norm in norms:
        if with_metric_only and norm.code not in METRICS:
            continue
        total, met = counts.get(norm.code, (0, 0))
        low, high = th.range_at(norm.code, node.path)
        results.append(NormResult(norm, th.at(norm.code, node.path), th.override(norm.code, node.path),
                                  norm.code in METRICS, total, met,
                                  source_text=source_for(norm.code, node, norm.source),
                                  threshold_min=low, threshold_max=high))
    if with_rows:
        for r in results:
            r.rows = as_rows(stored_rows(user, node, term, r.norm.code), user)
    return results


def _counts(user: AnyUser, node: OrgNode, term: Term | None, codes: list[str] | None) -> dict[str, tuple[int, int]]:
    """(total, met) per norm of the stored rows under the node that the viewer may see. A viewer
    whose scope covers the node sees every row there: the node's subtree counts answer
    (core.norm_results.roll_up keeps them); otherwise one grouped query over the rows."""
    from core.norm_results import subtree_counts

    if scope_of(user).covers(node.path):
        stored = subtree_counts(node, term.key if term is not None else "")
        if stored is not None:
            return {code: (total, met) for code, (total, met) in stored.items() if not codes or code in codes}
    return _counted_rows(user, node, term, codes)


def _counted_rows(user: AnyUser, node: OrgNode, term: Term | None,
                  codes: list[str] | None) -> dict[str, tuple[int, int]]:
    return {c["norm_code"]: (c["total"], c["met"]) for c in (
        norm_rows_under(user, node.path).filter(term_key__in=_term_keys(term),
                                                **({"norm_code__in": codes} if codes else {}))
        .order_by().values("norm_code").annotate(total=Count("*"), met=Count("meets", filter=Q(meets=True))))}


def shortfalls_for(user: AnyUser, node: OrgNode, term: Term | None, *, limit: int = 5) -> list[NormResult]:
    """The norms falling short in the viewer's scope, most subjects short first (for a to-do
    list): counts only, from the stored rows."""
    short = [r for r in compliance_for(user, node, term, with_metric_only=True) if r.status == "short"]
    short.sort(key=lambda r: (-r.short_count, r.norm.sort))
    return short[:limit]


def norm_rows(user: AnyUser, node: OrgNode, term: Term | None, norm: Norm, *, only_short: bool = False,
              offset: int = 0, limit: int | None = None) -> NormResult:
    """One norm's counts and a page of its stored rows (all of them with no limit)."""
    result = compliance_for(user, node, term, codes=[norm.code])[0]
    qs = stored_rows(user, node, term, norm.code)
    if only_short:
        qs = qs.filter(meets=False)
    page = qs[offset:offset + limit] if limit is not None else qs[offset:]
    result.rows = as_rows(page, user)
    return result
