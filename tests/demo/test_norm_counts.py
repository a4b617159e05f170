"""Each unit's subtree counts (NormUnit.counts, core.norm_results.roll_up) equal the counts of
the stored rows below it, whatever order the units are refreshed in: after the seed, after a
region's threshold changes and only some of its schools are recomputed, after the task does the
rest, and when rebuilt from the rows. The norms page reads them for a viewer who sees the whole
subtree."""

from __future__ import annotations

from typing import Any

from core import services
from core.compliance import _counted_rows, compliance_for
from core.demo.generator import TERM_KEY, SeedResult
from core.models import Norm, NormUnit, OrgKind, OrgNode
from core.norm_results import TermIndex, rebuild_counts, refresh_pending, refresh_units, subtree_counts, system_user


def _mismatches() -> list[str]:
    terms, user, out = TermIndex(), system_user(), []
    for node in OrgNode.objects.order_by("path"):
        term = terms.at(node.path, TERM_KEY)
        kept = subtree_counts(node, TERM_KEY)
        counted = _counted_rows(user, node, term, None)
        if kept is None:
            out.append(f"{node.name}: no counts")
        elif {c: tuple(v) for c, v in kept.items() if v[0]} != counted:
            out.append(f"{node.name}: kept {sorted(kept.items())} != rows {sorted(counted.items())}")
    return out


def test_subtree_counts_equal_the_rows_below_in_any_refresh_order(tiny: SeedResult) -> None:
    assert _mismatches() == []
    county = OrgNode.objects.filter(kind=OrgKind.COUNTY).order_by("path").first()
    assert county is not None
    # A stricter threshold for the county: its schools' rows change; recompute two of them alone,
    # then the county itself, then the task the rest.
    services.norm_override_set(actor=None, norm=Norm.objects.get(code="GROUP.FORM"), region=county, threshold=1)
    schools = list(OrgNode.objects.filter(kind=OrgKind.SCHOOL, path__startswith=county.path).order_by("path"))
    refresh_units(schools[:2], TERM_KEY, batch_min=1)
    assert _mismatches() == []
    refresh_units([county], TERM_KEY)
    assert _mismatches() == []
    assert refresh_pending() > 0
    assert _mismatches() == []
    kept = dict(NormUnit.objects.values_list("pk", "counts"))
    rebuild_counts()
    assert dict(NormUnit.objects.values_list("pk", "counts")) == kept


def test_the_page_counts_from_the_subtree_counts_as_from_the_rows(tiny: SeedResult) -> None:
    from core.models import User

    province = OrgNode.objects.get(pk=tiny.province_id)
    term = TermIndex().at(province.path, TERM_KEY)
    viewer: Any = User.objects.get(username="demo-institute_head")
    page = {r.norm.code: (r.total, r.met) for r in compliance_for(viewer, province, term, refresh=False)}
    rows = _counted_rows(viewer, province, term, None)
    assert {c: v for c, v in page.items() if v[0]} == rows and len(rows) > 40
