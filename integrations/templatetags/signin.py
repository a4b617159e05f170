"""`{% signin_buttons next %}`: the login page's buttons for the enabled sign-in providers."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django import template

from integrations.signin.access import enabled_providers

register = template.Library()


@register.inclusion_tag("integrations/signin/_buttons.html")
def signin_buttons(next_url: str = "") -> dict[str, Any]:
    providers = list(enabled_providers())
    names = Counter(p.name for p in providers)
    for p in providers:
        # Two regions' buttons of the same name tell their regions apart.
        p.show_region = names[p.name] > 1  # type: ignore[attr-defined]  # a display flag for the template
    return {"providers": providers, "next": next_url}
