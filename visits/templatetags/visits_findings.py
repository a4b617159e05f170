"""The visit page's findings section: `{% load visits_findings %}{% findings_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template

from visits.models import Visit

register = template.Library()


@register.inclusion_tag("visits/_findings_section.html", takes_context=True)
def findings_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    return {"visit": visit, "request": context.get("request")}
