"""The visits app's pages. Each views module owns its own `urls` list (planning, on-site work,
findings and rectification, reports and statistics), so each area is read in one place."""

from django.urls import URLPattern

from visits.views import findings, onsite, plan, reports

app_name = "visits"
urlpatterns: list[URLPattern] = [*plan.urls, *onsite.urls, *findings.urls, *reports.urls]
