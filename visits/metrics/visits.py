"""Visits norms: visits (core.compliance @metric)."""

from __future__ import annotations
