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


def _field_label(model: Any, key: str) -> tuple[str, dict[Any, str]]:
    try:
        f = model._meta.get_field(key)
    except Exception:  # a field since removed, or a key that is no field: say it as it was
        return key, {}
    label = str(getattr(f, "verbose_name", key))
    choices = {k: str(v) for k, v in (getattr(f, "choices", None) or [])}
    return (key if label == key.replace("_", " ") else label), choices


def _norm_titles() -> dict[str, str]:
    """Norm titles by code (the catalogue is a few dozen rows), for the audit log's values."""
    from core.models import Norm

    return dict(Norm.objects.values_list("code", "title"))


@register.filter
def audit_changes(values: Any, model_label: str) -> str:
    """An audit event's old or new values as people read them: the fields' names and the
    choices' labels, "空" for no value ("状态：已提交；组长：空"), never the field keys."""
    if not isinstance(values, dict) or not values:
        return "" if not values else str(values)
    from django.apps import apps

    try:
        model: Any = apps.get_model(model_label)
    except (LookupError, ValueError):
        model = None
    parts = []
    for key, value in values.items():
        label, choices = _field_label(model, key) if model is not None else (key, {})
        if label == key:
            label = "字段"
        if value is None or value == "" or value == []:
            shown = "空"
        elif isinstance(value, list) and any(isinstance(v, dict) for v in value):
            # Structured rows (a visit day's agenda): their count, not their raw keys (visits plan).
            shown = f"{len(value)}项"
        elif isinstance(value, list):
            shown = "、".join(str(choices.get(v, v)) if not isinstance(v, (list, dict)) else str(v) for v in value)
        elif isinstance(value, dict):
            shown = "，".join(f"{k}={v}" for k, v in value.items())
        elif key.endswith("term_key") or key == "term":
            shown = _term_name(value)
        elif key.endswith("norm_code") or key == "norm":
            shown = _norm_titles().get(str(value), str(value))
        else:
            shown = choices.get(value, str(value))
        parts.append(f"{label}：{shown}")
    return "；".join(parts)
