"""The projects app's pages (课题: 申报 → 立项 → 开题 → 中期检查 → 结题). Each views module owns
its own `urls` list."""

from django.urls import URLPattern

from projects.views import edits, pages, reviews, stats

app_name = "projects"
urlpatterns: list[URLPattern] = [*pages.urls, *reviews.urls, *stats.urls, *edits.urls]
