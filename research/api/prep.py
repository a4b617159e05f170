"""JSON API of the research app: prep."""

from __future__ import annotations

from ninja import Router

router = Router()
