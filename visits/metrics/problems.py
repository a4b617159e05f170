"""Visits norms: problems (core.compliance @metric)."""

from __future__ import annotations
