"""JSON API of the integrations app, under the same access policy as the pages
(integrations.access). Mounted by the main API at /api/v1/integrations/; url names start with
"integrations_"."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["外部对接"])
