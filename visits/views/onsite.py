"""On-site work on a phone: routine-check records, notes, photos, questionnaires; schools' own checks and leaders' walkthroughs."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
