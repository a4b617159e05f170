"""JSON API of the visits app, under the same access policy as the pages (visits.access).
Mounted by the main API at /api/v1/visits/; url names start with "visits_". One module per area
adds its router here."""

from __future__ import annotations

from ninja import Router

from visits.api import findings, onsite, reports, visits

router = Router(tags=["视导"])
router.add_router("", visits.router)
router.add_router("", findings.router)
router.add_router("", reports.router)
router.add_router("", onsite.router)
