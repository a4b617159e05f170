"""The visit page's findings section: `{% load visits_findings %}{% findings_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from visits import access
from visits.models import FindingStatus, Visit, VisitCategory

register = template.Library()


@register.inclusion_tag("visits/_findings_section.html", takes_context=True)
def findings_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    """The visit's findings the viewer may see, with counts per status; a team member or manager
    gets a "record" link per school and, on a follow-up visit, the re-check link."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not user.is_authenticated:
        return {"visit": visit, "items": [], "counts": [], "request": request}
    qs = access.findings_visible_to(user).filter(visit=visit).with_refs().order_by("school__path", "-found_on", "-id")
    counts = {r["status"]: r["n"] for r in qs.order_by().values("status").annotate(n=Count("id"))}
    can_record = access.can_record_on_site(user, visit)
    if visit.category == VisitCategory.SCHOOL_CHECK:
        schools = [visit.organiser]
    else:
        # One link per school, whatever the number of days the visit spends there.
        schools = list({s.school_id: s.school for s in visit.stops.select_related("school")
                        .order_by("school__path")}.values()) if can_record else []
    return {
        "visit": visit, "request": request, "items": list(qs[:200]), "total": qs.count(),
        "counts": [(v, lbl, counts.get(v, 0)) for v, lbl in FindingStatus.choices if counts.get(v)],
        "record_schools": schools if can_record else [],
        "can_recheck": can_record and visit.follows_id is not None,
    }
