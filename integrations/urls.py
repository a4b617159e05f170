"""The integrations app's pages (channels per region, personal choices, delivery logs)."""

from django.urls import URLPattern

app_name = "integrations"
urlpatterns: list[URLPattern] = []
