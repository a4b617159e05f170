"""Pages of subject-group life: summary (views added with their templates)."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
