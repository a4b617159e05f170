"""JSON API of the liaison app, under the same access policy as the pages (liaison.access).
Mounted by the main API at /api/v1/liaison/; url names start with "liaison_"."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["定点联系"])
