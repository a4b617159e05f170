"""A large region's quota page from the stored LEAD.* rows (core.norm_results), not from a quota
report over the region: at province scale (12,000 schools, 400,000 people) that report took 8.7 s
a request. Each school's rows are computed by the norms refresh (observe.metrics); this module
counts them for the region and its children in grouped queries and picks the leaders and schools
behind pace (the page says how fresh the rows are, observe.views.quota).

Pace is a matter of the day, not of the refresh: whether a row is behind is decided here from its
stored count and target and today's share of the term (the rule of core.progress.pace_status,
written as a query), so yesterday's refresh does not show yesterday's pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, Count, F, FloatField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Floor, Substr

from core.access import AnyUser, norm_rows_under
from core.models import NormResultRow, OrgKind, OrgNode, Term
from observe.quota_rollups import ChildRollup
from observe.quotas import (
    COVERAGE_CODE,
    HEAD_CODE,
    MIDDLE_CODE,
    LeaderQuota,
    SchoolCoverage,
    elapsed_fraction,
    expected_by_now,
    pace_status,
    quota_report,
)

LEADER_CODES = (HEAD_CODE, MIDDLE_CODE)
ROLE_LABELS = {HEAD_CODE: "校领导", MIDDLE_CODE: "中层干部"}


@dataclass
class StoredQuota:
    fraction: float
    leaders: int
    met: int
    behind_count: int
    schools: int
    schools_behind: int
    children: list[ChildRollup]
    behind: list[LeaderQuota]  # the first `limit` leaders behind pace, furthest behind first
    coverage: list[SchoolCoverage]  # the first `limit` schools behind pace, lowest coverage first


def _behind(fraction: float) -> Q:
    """core.progress.pace_status(pace, target, fraction) == BEHIND, as a filter on rows annotated
    with `pace`: short of the target and of the whole units expected by now."""
    return Q(pace__lt=F("target")) & Q(pace__lt=Floor(F("target") * Value(fraction) + Value(1e-9)))


def _leader(r: NormResultRow, fraction: float) -> LeaderQuota:
    quota, n = float(r.target or 0), int(r.value or 0)
    return LeaderQuota(r.person_id or 0, r.person.code if r.person else "", r.label, r.unit_id, r.unit.name,
                       r.unit.code, r.norm_code, ROLE_LABELS[r.norm_code], n, quota, expected_by_now(quota, fraction),
                       pace_status(n, quota, fraction), r.path)


def _leader_qs(rows: QuerySet[NormResultRow]) -> QuerySet[NormResultRow]:
    return rows.filter(norm_code__in=LEADER_CODES).annotate(pace=F("value"))


def _coverage_qs(rows: QuerySet[NormResultRow]) -> QuerySet[NormResultRow]:
    # The exact share (the stored value is rounded to one decimal); no teachers is 0%.
    share = Case(When(of__gt=0, then=Value(100.0) * F("done") / F("of")), default=Value(0.0),
                 output_field=FloatField())
    return rows.filter(norm_code=COVERAGE_CODE).annotate(pace=share)


def _children(node: OrgNode, leaders: QuerySet[NormResultRow], coverage: QuerySet[NormResultRow],
              fraction: float) -> list[ChildRollup]:
    """Per child of the node (a province's cities, a county's schools): grouped by the prefix of
    the rows' paths that is the child's path (one pair of queries per path length; the children of
    a node share one in practice). Every row lies below one child, so the children add up to the
    node."""
    kids = list(OrgNode.objects.filter(parent=node).order_by("path").values_list("path", flat=True))
    out: dict[str, ChildRollup] = {}
    behind = _behind(fraction)
    for length in sorted({len(p) for p in kids}):
        wanted = {p for p in kids if len(p) == length}
        prefix = Substr("path", 1, length)
        for r in (leaders.annotate(k=prefix).values("k").order_by()
                  .annotate(n=Count("unit"), met=Count("unit", filter=Q(meets=True)), behind=Count("unit", filter=behind))):
            if r["k"] in wanted:
                c = out.setdefault(r["k"], ChildRollup(r["k"]))
                c.leaders, c.met, c.behind = r["n"], r["met"], r["behind"]
        for s in (coverage.annotate(k=prefix).values("k").order_by()
                  .annotate(n=Count("unit"), teachers=Sum("of"), observed=Sum("done"), behind=Count("unit", filter=behind))):
            if s["k"] in wanted:
                c = out.setdefault(s["k"], ChildRollup(s["k"]))
                c.schools, c.teachers, c.observed = s["n"], int(s["teachers"] or 0), int(s["observed"] or 0)
                c.schools_behind = s["behind"]
    return [out[k] for k in sorted(out)]


def stored_quota(user: AnyUser, node: OrgNode, term: Term, *, today: dt.date, limit: int) -> StoredQuota:
    """The quota figures of a region from its stored rows, for a viewer who may read its quota
    page (observe.access.can_read_quota: the viewer's scope covers the region)."""
    assert node.kind != OrgKind.SCHOOL
    fraction = elapsed_fraction(term, today)
    rows = norm_rows_under(user, node.path).filter(term_key=term.key)
    leaders, coverage = _leader_qs(rows), _coverage_qs(rows)
    behind = _behind(fraction)
    children = _children(node, leaders, coverage, fraction)
    # Furthest behind first: the keys of the first `limit` from the index alone (a province has
    # 35,000 leaders behind in November), then those rows with their schools and people.
    keys = list(leaders.filter(behind).order_by(F("value") / F("target"), "path", "person_id", "norm_code")
                .values_list("unit_id", "person_id", "norm_code")[:limit])
    found = {(r.unit_id, r.person_id, r.norm_code): r for r in leaders.filter(
        unit_id__in={k[0] for k in keys}, person_id__in={k[1] for k in keys}).select_related("unit", "person")}
    late = [_leader(found[k], fraction) for k in keys if k in found]
    # The schools behind, their teachers and names as of now (a quota report over those schools).
    ids = list(coverage.filter(behind).order_by(F("pace").asc(), "path").values_list("unit_id", flat=True)[:limit])
    order = {pk: i for i, pk in enumerate(ids)}
    listed = sorted(quota_report(user, node, term, today=today, school_ids=ids).schools,
                    key=lambda s: order[s.school_id]) if ids else []
    return StoredQuota(fraction, sum(c.leaders for c in children), sum(c.met for c in children),
                       sum(c.behind for c in children), sum(c.schools for c in children),
                       sum(c.schools_behind for c in children), children, late, listed)


def stored_leaders(user: AnyUser, node: OrgNode, term: Term, *, today: dt.date) -> list[LeaderQuota]:
    """Every leader of the region from the stored rows (the page's Excel export), in school order."""
    fraction = elapsed_fraction(term, today)
    return [_leader(r, fraction) for r in
            _leader_qs(norm_rows_under(user, node.path).filter(term_key=term.key))
            .select_related("unit", "person").order_by("path", "norm_code", "position")]
