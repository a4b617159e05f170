"""Who may see and do what in the research app. Built only from core.access primitives
(scope_of, grants, people_visible_to), one section per area; every single object is fetched
through a `get_*_for_user` function that raises Http404 both for "missing" and for "not yours".

The rules are written at the head of each section.
"""

from __future__ import annotations

# ---------------------------------------------------------------- activities

# ---------------------------------------------------------------- subject-group life

# ---------------------------------------------------------------- collective preparation

# ---------------------------------------------------------------- homeroom meetings

# ---------------------------------------------------------------- 送教 orders
