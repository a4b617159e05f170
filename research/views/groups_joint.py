"""Pages of subject-group life: joint (views added with their templates)."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
