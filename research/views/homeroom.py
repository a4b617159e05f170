"""Pages of the research app: homeroom."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
