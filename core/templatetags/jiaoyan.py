"""Template helpers every app's pages share: names people read instead of codes and keys, and
links drawn only where they open for the viewer (the decision is core.access's)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html

from core.access import can_open_person
from core.terms import term_name as _term_name

register = template.Library()


@register.simple_tag(takes_context=True)
def person_link(context: dict[str, Any], person: Any) -> str:
    """The person's name, a link to their page when the viewer may open it, else plain text."""
    if person is None:
        return ""
    user = context.get("user")
    if user is not None and can_open_person(user, person):
        return format_html('<a href="{}">{}</a>', reverse("person_detail", args=[person.code]), person.name)
    return format_html("{}", person.name)


@register.filter
def term_name(value: Any) -> str:
    """A term as people say it ("2025—2026学年第二学期") from a Term or its key ("2025-2")."""
    return _term_name(value)
