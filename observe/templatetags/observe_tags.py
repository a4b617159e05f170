"""Template filters of the observe pages."""

from __future__ import annotations

from django import template

from observe.rubrics import TOOL_LABELS

register = template.Library()


@register.filter
def tool_name(key: str) -> str:
    """An observation tool a rubric point binds, by the name observers use (§3.1)."""
    return TOOL_LABELS.get(key, key)
