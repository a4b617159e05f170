"""Pages of the appraisal app's `governance` area; `urls` is mounted by appraisal/urls.py."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
