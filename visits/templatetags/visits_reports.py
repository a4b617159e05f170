"""The visit page's reports section: `{% load visits_reports %}{% reports_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template

from visits.models import Visit

register = template.Library()


@register.inclusion_tag("visits/_reports_section.html", takes_context=True)
def reports_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    return {"visit": visit, "request": context.get("request")}
