"""The appraisal app's pages. Each views module owns its own `urls` list (campaigns, researcher
appraisal, governance and funding, the yearly report), so each area is read in one place."""

from django.urls import URLPattern, path

from appraisal.views import campaigns, governance, home, reports, researchers

app_name = "appraisal"
urlpatterns: list[URLPattern] = [
    path("", home.home, name="home"),
    *campaigns.urls, *researchers.urls, *governance.urls, *reports.urls,
]
