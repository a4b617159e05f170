"""The visits app's panels on the core's school and group pages (core.panels): the chain of
problems found there, open items first, each linking to its rectification record."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from core.access import AnyUser
from core.models import OrgNode, TeachingGroup
from core.panels import Panel, PanelLine
from visits.access import findings_visible_to
from visits.models import FindingStatus

SHOWN = 5


def page_panels(user: AnyUser, *, school: OrgNode | None = None, group: TeachingGroup | None = None) -> list[Panel]:
    qs = findings_visible_to(user).filter(is_strength=False)
    if school is not None:
        qs, query, title = qs.filter(school=school), f"?school={school.code}", "视导发现的问题与整改"
    elif group is not None:
        qs = qs.filter(Q(group=group) | Q(owner_group=group))
        query, title = f"?group={group.pk}", "涉及本组的问题与整改"
    else:
        return []
    today = timezone.localdate()
    unresolved = qs.unresolved()
    n_open, n_overdue = unresolved.count(), unresolved.filter(deadline__lt=today).count()
    n_closed = qs.filter(status=FindingStatus.CLOSED).count()
    if not (n_open or n_closed):
        return []
    lines = []
    for f in unresolved.order_by("deadline", "-found_on")[:SHOWN]:
        late = f.deadline is not None and f.deadline < today
        due = f"，期限 {f.deadline:%Y-%m-%d}" if f.deadline else "，未定期限"
        lines.append(PanelLine(text=f"{f.description[:40]}{due}", tag=f.get_status_display(), bad=late,
                               url=reverse("visits:finding_detail", args=[f.pk])))
    summary = f"待整改 {n_open} 项" + (f"（逾期 {n_overdue} 项）" if n_overdue else "") + f"，已销号 {n_closed} 项"
    return [Panel(title=title, summary=summary, lines=lines, url=reverse("visits:findings") + query,
                  url_label="查看全部")]
