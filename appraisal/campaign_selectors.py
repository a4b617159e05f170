"""Reads of campaigns for other apps' norms (plain values): which school, principal and teacher
appraisals judge by progress (依进论出) with a value-added indicator (quality's QM.VALUE_ADDED
reads this)."""

from __future__ import annotations

import datetime as dt

from appraisal.models.campaigns import Campaign, CampaignKind, CampaignStatus
from core.models import OrgNode
from core.paths import subtree_or_ancestors_q

# An appraisal counts for the year up to the day it is judged at (appraisals are yearly).
APPRAISAL_YEAR = dt.timedelta(days=366)


def value_added_appraisals(region: OrgNode, as_of: dt.date, *, teachers: bool = False) -> list[str]:
    """Titles of the school and principal appraisals covering `region` (organised by it or by a
    region above it) under way or done in the year up to `as_of`, whose rubric has a value-added
    indicator pre-filled from quality monitoring. With `teachers`, the teacher appraisals instead,
    which a school inside the region may also run for its own teachers."""
    if teachers:
        where = Campaign.objects.filter(subtree_or_ancestors_q([region.path], "org__path"),
                                        kind=CampaignKind.TEACHER)
    else:
        where = Campaign.objects.filter(kind__in=(CampaignKind.SCHOOL, CampaignKind.PRINCIPAL),
                                        org__path__in=region.ancestor_paths())
    return list(where.filter(start__lte=as_of, end__gte=as_of - APPRAISAL_YEAR)
                .exclude(value_added_code="").exclude(status=CampaignStatus.DRAFT)
                .order_by("start", "pk").values_list("title", flat=True))
