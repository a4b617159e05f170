"""Who may see and do what in the appraisal app, built on core/access.py. Each area adds its own
section: assessors see only what they assess, subjects see their own results, an institution
sees its subtree."""

from __future__ import annotations
