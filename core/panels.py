"""Panels that domain apps add to the core's school and group pages (a school's open
rectification items, a group's findings), so the core shows them without knowing which apps
exist: an AppConfig names a callable in `page_panels` ("app.module.function"), called as
`function(user, school=..., group=...)` and returning the panels that user may see.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string

from core.access import AnyUser
from core.models import OrgNode, TeachingGroup


@dataclass(frozen=True)
class PanelLine:
    text: str
    url: str = ""
    tag: str = ""
    bad: bool = False


@dataclass(frozen=True)
class Panel:
    title: str
    summary: str
    lines: list[PanelLine] = field(default_factory=list)
    url: str = ""
    url_label: str = ""


def _providers() -> list[Callable[..., list[Panel]]]:
    found = []
    for cfg in apps.get_app_configs():
        dotted = getattr(cfg, "page_panels", None)
        if dotted:
            found.append(import_string(dotted))
    return found


def panels_for(user: AnyUser, **target: Any) -> list[Panel]:
    """Every installed app's panels for one school (`school=`) or group (`group=`) page."""
    school: OrgNode | None = target.get("school")
    group: TeachingGroup | None = target.get("group")
    out: list[Panel] = []
    for provider in _providers():
        out.extend(provider(user, school=school, group=group))
    return out
