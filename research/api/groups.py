"""JSON API of the research app: groups."""

from __future__ import annotations

from ninja import Router

router = Router()
