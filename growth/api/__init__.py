"""JSON API of the growth app, under the same access policy as the pages (growth.access).
Mounted by the main API at /api/v1/growth/; url names start with "growth_"."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["专业成长"])
