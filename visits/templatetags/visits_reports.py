"""The visit page's reports section: `{% load visits_reports %}{% reports_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template

from visits.access import can_manage_visit, reports_visible_to
from visits.models import Visit, VisitSchool

register = template.Library()


@register.inclusion_tag("visits/_reports_section.html", takes_context=True)
def reports_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    """The visit's reports the viewer may see, with edit/issue links for its managers only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    reports = list(reports_visible_to(user).filter(visit=visit).select_related("school").order_by("school", "id"))
    can_manage = can_manage_visit(user, visit)
    schools = []
    if can_manage:
        # The visited schools without a report of their own yet (a report for one school).
        reported = {r.school_id for r in reports}
        seen: set[int] = set()
        for stop in VisitSchool.objects.filter(visit=visit).select_related("school").order_by("school__path"):
            if stop.school_id not in reported and stop.school_id not in seen:
                seen.add(stop.school_id)
                schools.append(stop.school)
    return {"show": bool(reports) or can_manage, "visit": visit, "reports": reports, "can_manage": can_manage,
            "has_visit_report": any(r.school_id is None for r in reports), "schools": schools, "request": request}
