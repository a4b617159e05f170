"""The norms framework: thresholds with regional overrides, and the registry of metrics.

Each domain app contributes the metric for its norms with `@metric("CODE")` in its own
`metrics.py` (imported from its AppConfig.ready). A metric gets the viewer, the scope node, the
term and the effective threshold, and returns one row per subject of the norm (a school, a
researcher, a leader, a region) saying whether it meets the norm. Metrics read records only
through the access selectors, so a compliance page never shows what its viewer may not see.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max

from core.access import AnyUser, scope_of
from core.models import AuditEvent, Norm, NormOverride, OrgNode, Term
from core.norm_catalogue import CATALOGUE
from core.progress import bar_class
from core.progress import percent as percent_of


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

    @property
    def progress(self) -> int:
        if self.value is None:
            return 100 if self.meets else 0
        return percent_of(self.value, self.target, when_no_target=100 if self.meets else 0)

    @property
    def bar(self) -> str:
        """The CSS class of the progress bar (the CSP forbids inline widths)."""
        return bar_class(self.progress)


@dataclass(frozen=True)
class MetricContext:
    user: AnyUser
    node: OrgNode
    term: Term | None
    threshold: float | None


MetricFn = Callable[[MetricContext], list[Row]]
METRICS: dict[str, MetricFn] = {}
# Norms whose metric needs a term to be counted in.
NEEDS_TERM: set[str] = set()


def metric(code: str, *, needs_term: bool = False) -> Callable[[MetricFn], MetricFn]:
    def register(fn: MetricFn) -> MetricFn:
        if code in METRICS:
            raise RuntimeError(f"metric for {code} registered twice")
        METRICS[code] = fn
        if needs_term:
            NEEDS_TERM.add(code)
        return fn
    return register


def effective_threshold(code: str, node: OrgNode) -> float | None:
    """The override set by the nearest region above (or at) the node, else the default."""
    norm = Norm.objects.filter(code=code).first()
    if norm is None:
        spec = next((s for s in CATALOGUE if s.code == code), None)
        return spec.threshold if spec else None
    overrides = {o.region.path: o for o in
                 NormOverride.objects.filter(norm=norm, region__path__in=node.ancestor_paths()).select_related("region")}
    for path in reversed(node.ancestor_paths()):
        if path in overrides:
            return overrides[path].threshold
    return norm.threshold


def override_source(code: str, node: OrgNode) -> NormOverride | None:
    paths = node.ancestor_paths()
    found = (NormOverride.objects.filter(norm__code=code, region__path__in=paths)
             .select_related("region", "set_by").order_by("-region__depth").first())
    return found


@dataclass
class NormResult:
    norm: Norm
    threshold: float | None
    override: NormOverride | None
    has_metric: bool
    rows: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def met(self) -> int:
        return sum(1 for r in self.rows if r.meets)

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
        if not self.rows:
            return "empty"
        return "ok" if self.met == self.total else "short"


def evaluate(user: AnyUser, node: OrgNode, term: Term | None, norm: Norm) -> NormResult:
    fn = METRICS.get(norm.code)
    threshold = effective_threshold(norm.code, node)
    result = NormResult(norm, threshold, override_source(norm.code, node), fn is not None)
    if fn is not None and not (norm.code in NEEDS_TERM and term is None):
        result.rows = fn(MetricContext(user, node, term, threshold))
    return result


# Compliance is read far more often than the records under it change. Results are cached per
# viewer scope, node, term and norm list, and keyed on the newest audit event: every service
# that writes a domain record writes an audit event, so any write makes a new key. The timeout
# only bounds how long a change made outside the services (a bulk seed) can go unseen.
CACHE_SECONDS = 120


def _data_version() -> int:
    return AuditEvent.objects.aggregate(m=Max("id"))["m"] or 0


def _cache_key(user: AnyUser, node: OrgNode, term: Term | None, codes: list[str] | None,
               with_metric_only: bool) -> str:
    scope = scope_of(user)
    grants = sorted((g.role, g.path, g.subject_id or 0) for g in scope.grants)
    raw = repr((scope.is_sysadmin, scope.person_id, grants, node.pk, term.pk if term else None,
                sorted(codes) if codes else None, with_metric_only, _data_version()))
    return "compliance:" + hashlib.sha256(raw.encode()).hexdigest()


def compliance_for(user: AnyUser, node: OrgNode, term: Term | None, *, codes: list[str] | None = None,
                   with_metric_only: bool = False) -> list[NormResult]:
    key = _cache_key(user, node, term, codes, with_metric_only)
    cached: list[NormResult] | None = cache.get(key)
    if cached is not None:
        return cached
    results = _compute(user, node, term, codes=codes, with_metric_only=with_metric_only)
    cache.set(key, results, CACHE_SECONDS)
    return results


def _compute(user: AnyUser, node: OrgNode, term: Term | None, *, codes: list[str] | None,
             with_metric_only: bool) -> list[NormResult]:
    norms = Norm.objects.all()
    if codes:
        norms = norms.filter(code__in=codes)
    results = []
    for norm in norms:
        if with_metric_only and norm.code not in METRICS:
            continue
        results.append(evaluate(user, node, term, norm))
    return results
