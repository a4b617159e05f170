"""Roster sync pages; included at the site root by core.urls."""

from django.urls import URLPattern, path

from core.views import roster

urlpatterns: list[URLPattern] = [
    path("roster/", roster.roster_home, name="roster_home"),
    path("roster/upload/<str:source>/", roster.roster_upload, name="roster_upload"),
    path("roster/runs/<int:run_id>/", roster.roster_run, name="roster_run"),
    path("roster/runs/<int:run_id>/apply/", roster.roster_run_apply, name="roster_run_apply"),
    path("roster/runs/<int:run_id>/discard/", roster.roster_run_discard, name="roster_run_discard"),
]
