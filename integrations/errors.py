"""Refusals of the integrations app's services."""

from __future__ import annotations

from core.errors import DomainError


class IntegrationError(DomainError):
    """A channel or preference write was refused; the message names the field."""
