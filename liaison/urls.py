"""The liaison app's pages (定点联系)."""

from django.urls import URLPattern

app_name = "liaison"
urlpatterns: list[URLPattern] = []
