"""JSON API of the research app: activities."""

from __future__ import annotations

from ninja import Router

router = Router()
