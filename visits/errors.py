"""The visits app's domain errors (core's DomainError family): edges catch only these."""

from __future__ import annotations

from core.errors import DomainError


class VisitError(DomainError):
    """A refused write on a visit, its records, findings or reports; the message is Chinese."""
