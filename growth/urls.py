"""The growth app's pages (专业成长: training, rotation, talent programmes, awards, studios,
bases, mental-health certificates, the teacher archive)."""

from django.urls import URLPattern

app_name = "growth"
urlpatterns: list[URLPattern] = []
