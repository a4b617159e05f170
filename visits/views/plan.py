"""Planning visits: the list, the plan form, the team, the schedule and agenda, the weekly pattern and kind rules."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path

from core.http import AuthedRequest
from visits.access import visits_visible_to
from visits.models import Visit


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The visits the user sees, newest first (organiser, team member or host school)."""
    visits: list[Visit] = list(visits_visible_to(request.user).active().with_refs()[:50])
    return render(request, "visits/home.html", {"visits": visits})


urls: list[URLPattern] = [
    path("", home, name="home"),
]
