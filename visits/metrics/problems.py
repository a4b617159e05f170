"""PROBLEM.DEADLINE (004 (一)1, (一)4) in core.compliance: "every teaching problem found gets a
rectification measure and a deadline, and is followed up until closed".

Per school with findings needing rectification: the school meets the norm when each of them has
a measure and a deadline; the detail counts those still lacking one, those overdue (unresolved
past the deadline) and those closed late (closed after the deadline). Counted live from the
findings the viewer may see (visits.access)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from core.compliance import MetricContext, Row, metric
from core.models import OrgNode
from visits.access import findings_visible_to
from visits.models import FindingStatus

CODE = "PROBLEM.DEADLINE"
UNRESOLVED = (FindingStatus.OPEN, FindingStatus.ANSWERED, FindingStatus.REOPENED)


@dataclass
class Tally:
    """What the norm counts of one school's findings: plain numbers."""

    total: int = 0
    planned: int = 0  # with a measure and a deadline
    overdue: int = 0
    closed: int = 0
    closed_late: int = 0


def tally(rows: list[tuple[str, dt.date | None, str, dt.datetime | None]], today: dt.date) -> Tally:
    """Count (measure, deadline, status, closed_at) tuples of one school's findings."""
    t = Tally()
    for measure, deadline, status, closed_at in rows:
        t.total += 1
        if measure.strip() and deadline is not None:
            t.planned += 1
        if status in UNRESOLVED and deadline is not None and deadline < today:
            t.overdue += 1
        if status == FindingStatus.CLOSED:
            t.closed += 1
            if deadline is not None and closed_at is not None and timezone.localtime(closed_at).date() > deadline:
                t.closed_late += 1
    return t


def _detail(t: Tally) -> str:
    parts = [f"需整改{t.total}条，{t.planned}条有整改措施和期限"]
    if t.total > t.planned:
        parts.append(f"{t.total - t.planned}条缺措施或期限")
    parts.append(f"已销号{t.closed}条（逾期销号{t.closed_late}条）")
    parts.append(f"逾期未销号{t.overdue}条")
    return "；".join(parts)


@metric(CODE)
def problem_deadline(ctx: MetricContext) -> list[Row]:
    qs = findings_visible_to(ctx.user).needing_rectification().filter(school__path__startswith=ctx.node.path)
    if ctx.exact:
        qs = qs.filter(school_id=ctx.node.pk)
    by_school: dict[int, list[tuple[str, dt.date | None, str, dt.datetime | None]]] = defaultdict(list)
    for school_id, measure, deadline, status, closed_at in qs.order_by().values_list(
            "school_id", "measure", "deadline", "status", "closed_at"):
        by_school[school_id].append((measure, deadline, status, closed_at))
    today = timezone.localdate()
    schools = OrgNode.objects.filter(pk__in=list(by_school)).order_by("path").only("id", "code", "name", "path")
    rows = []
    for s in schools:
        t = tally(by_school[s.pk], today)
        rows.append(Row(label=s.name, meets=t.planned == t.total, value=round(100 * t.planned / t.total, 1),
                        target=100, detail=_detail(t), url=reverse("visits:findings") + f"?school={s.code}",
                        path=s.path))
    return rows
