"""JSON API of the projects app, under the same access policy as the pages (projects.access).
Mounted by the main API at /api/v1/projects/; url names start with "projects_"."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["课题研究"])
