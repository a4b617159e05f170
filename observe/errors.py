"""The error observe's services raise to refuse a write with a message for the user."""

from __future__ import annotations

from core.errors import DomainError


class ObservationError(DomainError):
    """A rule of lesson observation refused the write; `field` names the form field when there is one."""
