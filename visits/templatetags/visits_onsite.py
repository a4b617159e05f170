"""The visit page's onsite section: `{% load visits_onsite %}{% onsite_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template

from visits.models import Visit

register = template.Library()


@register.inclusion_tag("visits/_onsite_section.html", takes_context=True)
def onsite_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    return {"visit": visit, "request": context.get("request")}
