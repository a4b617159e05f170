"""Visit reports (Word, drafted from the records, edited, issued) and the institution's yearly statistics."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
