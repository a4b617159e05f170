"""The visit page's onsite section: `{% load visits_onsite %}{% onsite_section visit %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Count

from visits.access import can_read_onsite, can_record_on_site
from visits.models import Visit

register = template.Library()


@register.inclusion_tag("visits/_onsite_section.html", takes_context=True)
def onsite_section(context: dict[str, Any], visit: Visit) -> dict[str, Any]:
    """Counts and the latest of the visit's check records, notes, photos and questionnaires,
    for those who read on-site records (the organiser's side and the team); nothing otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    out: dict[str, Any] = {"visit": visit, "request": request, "show": False}
    if user is None or not can_read_onsite(user, visit):
        return out
    checks = visit.check_records.select_related("school", "teacher")
    notes = visit.notes.select_related("school", "author")
    levels = dict(checks.values_list("level").annotate(n=Count("id")).values_list("level", "n"))
    out.update(
        show=True,
        can_record=can_record_on_site(user, visit),
        check_count=checks.count(), latest_checks=list(checks[:5]),
        level_counts=[(label, levels.get(value, 0)) for value, label in
                      visit.check_records.model._meta.get_field("level").choices or [] if value],
        note_count=notes.count(), latest_notes=list(notes[:3]),
        photo_count=visit.attachments.count(),
        questionnaires=list(visit.questionnaires.select_related("school").annotate(n=Count("responses"))),
    )
    return out
