"""JSON API of the research app, under the same access policy as the pages (research.access).
Mounted by the main API at /api/v1/research/; url names start with "research_". One module per
area adds its router here."""

from __future__ import annotations

from ninja import Router

from research.api import activities, groups, homeroom, orders, prep

router = Router(tags=["教研活动"])
for _area in (activities, groups, prep, homeroom, orders):
    router.add_router("", _area.router)
