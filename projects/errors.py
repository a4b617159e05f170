"""The projects app's domain errors (core's DomainError family): edges catch only these."""

from __future__ import annotations

from core.errors import DomainError


class ProjectError(DomainError):
    """A refused write on a project, its members, documents, reviews or outcomes; the message is Chinese."""
