"""A group's term summary as a Word document (research.group_summary)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import URLPattern, path

from core.access import require
from core.documents import docx_response
from core.http import AuthedRequest
from core.terms import term_by_key
from research.access import get_teaching_group_for_user
from research.group_summary import build_summary, summary_data


@login_required
def group_summary(request: AuthedRequest, group_id: int) -> HttpResponse:
    group = get_teaching_group_for_user(request.user, group_id)
    term = term_by_key(group.school, group.term_key)
    require(term is not None, "没有找到该学期")
    assert term is not None
    data = summary_data(request.user, group, term)
    return docx_response(build_summary(data), f"{data.title[:80]}.docx")


urls: list[URLPattern] = [
    path("groups/<int:group_id>/summary.docx", group_summary, name="group_summary"),
]
