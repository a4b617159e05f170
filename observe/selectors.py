"""Plain values read for the observe analyses: counts, scores and texts of the observations a
user may see (visibility from observe.access), filtered to a subtree, a subject and a teacher.
The computing is observe.observation_stats'; the pages only present.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from core.access import AnyUser
from core.models import OrgNode
from observe.access import (
    observation_facts_visible_to,
    observations_for_appraisal_visible_to,
    observations_visible_to,
)
from observe.models import CodingSession, ObservationQuerySet

SCORE_ROWS = 5000  # newest scored observations read for the distributions
TEXT_ROWS = 3000  # newest texts mined


@dataclass(frozen=True)
class ObservationFilter:
    """Which observations an analysis covers: a subtree, optionally one subject and one teacher."""

    node_path: str
    subject_id: int | None = None
    teacher_id: int | None = None

    def apply(self, qs: ObservationQuerySet) -> ObservationQuerySet:
        qs = qs.filter(school__in=OrgNode.objects.under(self.node_path))
        if self.subject_id is not None:
            qs = qs.filter(subject_id=self.subject_id)
        if self.teacher_id is not None:
            qs = qs.filter(teacher_id=self.teacher_id)
        return qs


def kind_counts(user: AnyUser, f: ObservationFilter, start: dt.date, end: dt.date) -> list[tuple[str, int]]:
    """(kind, lessons) for every observation counted toward quotas (developmental ones too), most first."""
    rows = (f.apply(observation_facts_visible_to(user)).between(start, end)
            .values("kind").annotate(n=Count("id")).order_by("-n").values_list("kind", "n"))
    return [(kind, n) for kind, n in rows]


def purpose_counts(user: AnyUser, f: ObservationFilter, start: dt.date, end: dt.date) -> dict[str, int]:
    rows = (f.apply(observation_facts_visible_to(user)).between(start, end)
            .values("purpose").annotate(n=Count("id")).values_list("purpose", "n"))
    return {purpose: n for purpose, n in rows}


def scored_rows(user: AnyUser, f: ObservationFilter, start: dt.date, end: dt.date
                ) -> list[tuple[str, dict[str, Any], float]]:
    """(template name, dimension scores, total) of the newest scored observations that may feed
    appraisal (evaluative, or released by the teacher)."""
    rows = (f.apply(observations_for_appraisal_visible_to(user)).between(start, end)
            .filter(assessment__total__isnull=False)
            .values_list("assessment__version__template__name", "assessment__dimension_scores", "assessment__total")
            .order_by("-date")[:SCORE_ROWS])
    return [(name, dims, float(total)) for name, dims, total in rows if total is not None]


def st_mode_counts(user: AnyUser, f: ObservationFilter, start: dt.date, end: dt.date) -> dict[str, int]:
    """S-T teaching modes of the submitted lessons whose content the user may read."""
    visible = f.apply(observations_visible_to(user).submitted()).between(start, end)
    rows = (CodingSession.objects.filter(observation__in=visible.values("pk"), scheme_key__in=["ST", "STD"])
            .exclude(mode="").values_list("mode").annotate(n=Count("id")).values_list("mode", "n"))
    return {mode: n for mode, n in rows}


def per_term(user: AnyUser, f: ObservationFilter, terms: Sequence[tuple[dt.date, dt.date]]
             ) -> list[tuple[int, list[float]]]:
    """For each (start, end): lessons counted, and the totals of the scored ones feeding appraisal."""
    facts = f.apply(observation_facts_visible_to(user))
    scores = f.apply(observations_for_appraisal_visible_to(user)).filter(assessment__total__isnull=False)
    out = []
    for start, end in terms:
        totals = scores.between(start, end).values_list("assessment__total", flat=True)[:SCORE_ROWS]
        out.append((facts.between(start, end).count(), [float(t) for t in totals if t is not None]))
    return out


def feedback_texts(user: AnyUser, f: ObservationFilter, start: dt.date, end: dt.date) -> list[tuple[int, str]]:
    """(observation id, problems。suggestions) of the newest submitted lessons the user may read."""
    visible = f.apply(observations_visible_to(user).submitted()).between(start, end)
    rows = (visible.filter(~Q(problems="") | ~Q(suggestions="")).order_by("-date")
            .values_list("pk", "problems", "suggestions")[:TEXT_ROWS])
    return [(pk, f"{p}。{s}") for pk, p, s in rows]
