"""The liaison app's domain errors (core's DomainError family): edges catch only these."""

from __future__ import annotations

from core.errors import DomainError


class LiaisonError(DomainError):
    """A refused write on a round, a nomination, a link or its records; the message is Chinese."""
