"""Number formatting for the quality pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: Any, digits: int = 1) -> str:
    """0.1234 → 12.3%; None → —."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{digits}f}%"


@register.filter
def num(value: Any, digits: int = 2) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return f"{float(value):.{digits}f}"


@register.filter
def get(d: Any, key: Any) -> Any:
    return d.get(key) if isinstance(d, dict) else None


@register.filter
def get_item(seq: Any, index: int) -> Any:
    try:
        return seq[index]
    except (IndexError, TypeError, KeyError):
        return None
