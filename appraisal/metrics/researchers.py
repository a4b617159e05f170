"""Metrics of the appraisal app's `researchers` area: RES.APPRAISAL (000 §13: "建立教研员考核
评价制度，从教育教学、教研科研、教学管理、教育服务四个维度，制定工作量标准……教师和学校的评价
计入考核结果").

One row per institution (the unit region and, over a whole province or city, each region below
it with researchers): it meets when a published appraisal of the region or of one above it, for
the calendar year before the term starts or later, scored every researcher posted at the region
and below in all four dimensions (`value`: the dimensions scored for all of them; the threshold is
4) and counted teachers' or schools' ratings (a rating weight above zero and sheets about the
region's researchers)."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from appraisal import workload
from appraisal.models import AppraisalStatus, ResearcherAppraisal, ResearcherRating
from appraisal.researcher_access import appraisals_visible_to, can_read_all
from appraisal.services.researchers import researcher_posts
from core.access import AnyUser, posts_visible_to
from core.compliance import MetricContext, Row, link_guard, metric
from core.models import RESEARCHER_ROLES, OrgKind, OrgNode
from core.paths import ancestor_paths, under_q


def _regions(ctx: MetricContext) -> list[OrgNode]:
    node = ctx.node
    if ctx.exact or node.kind not in (OrgKind.PROVINCE, OrgKind.CITY):
        return [node]
    below = OrgNode.objects.filter(under_q([node.path]), ~Q(kind=OrgKind.SCHOOL)).exclude(pk=node.pk)
    return [node, *below.order_by("path")]


@metric("RES.APPRAISAL", needs_term=True, unit="region")
def researcher_appraisal(ctx: MetricContext) -> list[Row]:
    assert ctx.term is not None and ctx.threshold is not None
    if ctx.node.kind == OrgKind.SCHOOL:
        return []
    since = ctx.term.start.year - 1
    dims = len(workload.DIMENSIONS)
    rows = []
    for region in _regions(ctx):
        researchers = set(posts_visible_to(ctx.user).active(ctx.term.start)
                          .filter(under_q([region.path], "org__path"), role__in=RESEARCHER_ROLES)
                          .values_list("person_id", flat=True))
        if not researchers:
            continue
        appraisal = (ResearcherAppraisal.objects.filter(region__path__in=ancestor_paths(region.path), year__gte=since,
                                                        status=AppraisalStatus.PUBLISHED)
                     .order_by("-year", "-region__depth").first())
        url = reverse("appraisal:researchers")
        if appraisal is None:
            rows.append(Row(label=region.name, meets=False, value=0, target=ctx.threshold,
                            detail=f"尚无{since}年度以来已公布的教研员考核（{len(researchers)}名教研员）",
                            url=url, path=region.path))
            continue
        # Those posted during the appraised year (a researcher appointed since is not missing).
        researchers = {p.person_id for p in researcher_posts(region, appraisal.year)}
        entries = appraisal.entries.filter(person_id__in=researchers)
        scored = {pid for pid, scores in entries.values_list("person_id", "scores")
                  if len((scores or {}).get("final", {})) == dims}
        complete = dims if researchers <= scored else 0
        rated = appraisal.rating_weight > 0 and ResearcherRating.objects.filter(entry__in=entries).exists()
        missing = len(researchers - scored)
        detail = (f"{appraisal.year}年度考核：{len(scored)}/{len(researchers)}名教研员四个维度计分"
                  + (f"，缺{missing}名" if missing else "")
                  + ("，教师和学校评价已计入" if rated else "，没有教师和学校评价计入"))
        rows.append(Row(label=region.name, meets=complete >= ctx.threshold and rated, value=complete,
                        target=ctx.threshold, detail=detail,
                        url=reverse("appraisal:researcher_appraisal", args=[appraisal.pk]), path=region.path))
    return rows


@link_guard
def appraisal_link(user: AnyUser, url: str) -> bool | None:
    """A RES.APPRAISAL row links to the appraisal's page: shown only to a viewer who reads it
    whole (its institution's runners and viewers)."""
    prefix = reverse("appraisal:researcher_appraisal", args=[0])[:-2]
    if not url.startswith(prefix):
        return None
    head = url[len(prefix):].split("/")[0]
    if not head.isdigit():
        return None
    appraisal = appraisals_visible_to(user).filter(pk=int(head)).first()
    return appraisal is not None and can_read_all(user, appraisal)
