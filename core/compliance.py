"""The norms framework: thresholds with regional overrides, and the registry of metrics.

Each domain app contributes the metric for its norms with `@metric("CODE")` in its own
`metrics.py` (imported from its AppConfig.ready). A metric gets the viewer, the scope node, the
term and the effective threshold, and returns one row per subject of the norm (a school, a
researcher, a leader, a region) saying whether it meets the norm. Metrics read records only
through the access selectors, so a compliance page never shows what its viewer may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.access import AnyUser
from core.models import Norm, NormOverride, OrgNode, Term


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
        if self.value is None or not self.target:
            return 100 if self.meets else 0
        return max(0, min(100, round(100 * self.value / self.target)))

    @property
    def bar(self) -> str:
        """The CSS class of the progress bar (p0 … p100 in steps of ten; the CSP forbids inline widths)."""
        return f"p{10 * round(self.progress / 10)}"


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
        from core.norm_catalogue import CATALOGUE

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
        return round(100 * self.met / self.total) if self.total else 0

    @property
    def bar(self) -> str:
        return f"p{10 * round(self.percent / 10)}"

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


def compliance_for(user: AnyUser, node: OrgNode, term: Term | None, *, codes: list[str] | None = None,
                   with_metric_only: bool = False) -> list[NormResult]:
    norms = Norm.objects.all()
    if codes:
        norms = norms.filter(code__in=codes)
    results = []
    for norm in norms:
        if with_metric_only and norm.code not in METRICS:
            continue
        results.append(evaluate(user, node, term, norm))
    return results
