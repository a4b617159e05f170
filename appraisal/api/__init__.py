"""JSON API of the appraisal app, under the same access policy as the pages (appraisal.access).
Mounted by the main API at /api/v1/appraisal/; url names start with "appraisal_". One module per
area adds its router here."""

from __future__ import annotations

from ninja import Router

from appraisal.api import campaigns, governance, reports, researchers

router = Router(tags=["考评与治理"])
for _area in (campaigns, researchers, governance, reports):
    router.add_router("", _area.router)
