"""API of the appraisal app's `researchers` area (mounted by appraisal/api/__init__.py)."""

from __future__ import annotations

from ninja import Router

router = Router()
