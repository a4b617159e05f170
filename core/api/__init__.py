"""core's JSON API: the org tree, people and posts, terms, groups, norms and compliance.

One module per resource, each with its module-level `router`; `router` here gathers them and is
what the project's wiring (jiaoyan/api.py) mounts, as it mounts observe.api.router and
quality.api.router. Every operation reads through core.access and writes through core.services,
exactly as the pages do; a router adds only validation at the edge and the JSON shapes.
"""

from __future__ import annotations

from ninja import Router

from core.api import compliance, groups, me, norms, people, posts, regions, schools, terms

router = Router()
router.add_router("/me", me.router)
router.add_router("/regions", regions.router)
router.add_router("/schools", schools.router)
router.add_router("/people", people.router)
router.add_router("/posts", posts.router)
router.add_router("/terms", terms.router)
router.add_router("/groups", groups.router)
router.add_router("/norms", norms.router)
router.add_router("/compliance", compliance.router)
