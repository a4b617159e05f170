"""What every quality service shares: the error type and the log."""

from __future__ import annotations

import logging

from core.errors import DomainError

logger = logging.getLogger("quality.services")


class ServiceError(DomainError):
    """A refusal with a message for the user (Chinese)."""


