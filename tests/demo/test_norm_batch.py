"""A refresh of many schools evaluates each school metric once per parent region and deals its
rows out by path (core.norm_results.refresh_units); one school at a time gives the same stored
rows, for every metric of every app, on the tiny demo world (two counties of eight schools, one
county with terms of its own)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.compliance import METRICS, NO_BATCH, UNITS
from core.demo.generator import TERM_KEY, SeedResult
from core.models import NormResultRow, NormUnit, OrgKind, OrgNode
from core.norm_results import refresh_units


def _stored(school_ids: list[int]) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = list(NormResultRow.objects.filter(unit_id__in=school_ids).values_list(
        "unit__code", "norm_code", "term_key", "path", "person_id", "position", "label", "meets", "value", "target",
        "detail", "url", "context"))
    return sorted(rows, key=repr)


def test_refreshing_schools_by_parent_stores_what_one_by_one_stores(tiny: SeedResult) -> None:
    schools = list(OrgNode.objects.filter(kind=OrgKind.SCHOOL).order_by("path"))
    ids = [s.pk for s in schools]
    assert len({s.parent_id for s in schools}) >= 2 and len(schools) >= 16

    with CaptureQueriesContext(connection) as alone:
        refresh_units(schools, TERM_KEY, batch_min=10**9)
    one_by_one = _stored(ids)
    NormResultRow.objects.filter(unit_id__in=ids).delete()
    with CaptureQueriesContext(connection) as grouped:
        refresh_units(schools, TERM_KEY, batch_min=1)
    by_parent = _stored(ids)

    differ = sorted({row[1] for row in set(by_parent) ^ set(one_by_one)})
    assert not differ, f"metrics whose rows differ when refreshed by parent (a row without path=?): {differ}"
    assert by_parent == one_by_one
    # Not vacuous: every school metric that may be dealt out has rows in the demo, and the
    # grouped refresh did it with a fraction of the queries.
    school_codes = {c for c in METRICS if UNITS[c] == "school" and c not in NO_BATCH}
    assert school_codes <= {row[1] for row in by_parent}
    assert len(grouped.captured_queries) * 3 < len(alone.captured_queries)
    assert not NormUnit.objects.filter(node_id__in=ids, term_key=TERM_KEY, dirty=True).exists()
