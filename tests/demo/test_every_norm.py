"""Every norm of spec/norms.md shows data in the demo region (issue 16's "57 of 57 norms with
data"): computed for the province over its current term, each norm has rows to show, and
QM.HEAD_TENURE judges the two principals whose term ended in the summer."""

from __future__ import annotations

import datetime as dt

from core.compliance import evaluate
from core.demo.generator import SeedResult
from core.models import Norm, OrgKind, OrgNode, Term
from core.norm_results import system_user


def test_every_norm_has_rows_in_the_demo_province(tiny: SeedResult) -> None:
    province = OrgNode.objects.get(kind=OrgKind.PROVINCE, pk=tiny.province_id)
    # The term the norms page opens on: the one under way (or the last begun).
    term = (Term.objects.filter(region=province, start__lte=dt.date.today()).order_by("-start").first()
            or Term.objects.filter(region=province).order_by("start").first())
    assert term is not None
    norms = list(Norm.objects.order_by("code"))
    assert len(norms) == 57
    results = {n.code: evaluate(system_user(), province, term, n) for n in norms}
    empty = sorted(code for code, r in results.items() if not r.rows)
    assert not empty, f"norms without data in the demo: {empty}"
    tenure = results["QM.HEAD_TENURE"].rows
    assert len(tenure) == 2 and {r.label for r in tenure} == {"王建国", "赵立新"}
    assert all("任期至2026年7月15日" in r.detail and "平均超均率" in r.detail for r in tenure)
