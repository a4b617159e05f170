"""Shared set-up of the campaign tests: county A's 教研组 evaluation of school A1's groups (数学组
led by the group leader, 语文组, 英语组) by the built-in GROUP.RUBRIC, the county researcher
named for the 区县评审 stage."""

from __future__ import annotations

import datetime as dt
from typing import Any

from appraisal.models.campaigns import Campaign, CampaignSubject
from appraisal.services import campaigns as svc
from observe import rubrics
from observe.models import RubricVersion, VersionStatus
from tests.research.group_fixtures import make_groups

START, END = dt.date(2026, 9, 1), dt.date(2027, 1, 15)
PUBLISHED_ON = dt.date(2027, 1, 16)


def group_rubric() -> RubricVersion:
    return RubricVersion.objects.get(template__key="GROUP.RUBRIC", status=VersionStatus.PUBLISHED)


def full_ratings(version: RubricVersion, share: float) -> dict[str, dict[str, Any]]:
    """Every point rated at `share` of its points (rounded to 0.5)."""
    out = {}
    for leaf in rubrics.leaves(version.nodes):
        pts = rubrics.node_value(leaf) or 0
        out[leaf["code"]] = {"value": round(pts * share * 2) / 2, "comment": ""}
    return out


def group_campaign(cast: Any, *, open_it: bool = True) -> Campaign:
    make_groups(cast, cast.term.key)
    c = svc.campaign_create(actor=cast.users["county_admin"], org=cast.county_a, kind="group",
                            title="小店区2026年教研组建设评价", start=START, end=END, version=group_rubric())
    svc.subjects_generate(actor=None, campaign=c)
    svc.assessor_add(actor=None, campaign=c, stage="district", person=cast.people["county_researcher"])
    if open_it:
        svc.campaign_open(actor=None, campaign=c)
    c.refresh_from_db()
    return c


def score_all(cast: Any, c: Campaign, shares: dict[str, float]) -> None:
    """Each group through every stage at its share of the points (reasons for changed values)."""
    for s in CampaignSubject.objects.filter(campaign=c):
        ratings = full_ratings(c.version, shares[s.label])
        for st in c.stages:
            _, prefill = svc.stage_initial(s, st)
            reasons = {code: "按实际材料评定" for code in prefill}
            svc.stage_score_save(actor=None, subject=s, stage=st["key"], ratings=ratings, reasons=reasons, submit=True)
