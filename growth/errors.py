"""The growth app's domain errors (core's DomainError family): edges catch only these."""

from __future__ import annotations

from core.errors import DomainError


class GrowthError(DomainError):
    """A refused write on a growth record; the message is Chinese and names the field."""
