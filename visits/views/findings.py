"""Findings followed to closure (整改): the rectification list, a finding's chain, answers, verification, follow-up re-checks, follow-up plans."""

from __future__ import annotations

from django.urls import URLPattern

urls: list[URLPattern] = []
