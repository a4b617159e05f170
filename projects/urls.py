"""The projects app's pages (课题: 申报 → 立项 → 开题 → 中期检查 → 结题)."""

from django.urls import URLPattern

app_name = "projects"
urlpatterns: list[URLPattern] = []
