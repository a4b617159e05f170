"""The subject-group area's domain errors (core's DomainError family): edges catch only these."""

from __future__ import annotations

from core.errors import DomainError


class GroupError(DomainError):
    """A refused write on a group's records, a key subject, 包组, mentoring or a 联组; the message
    is Chinese and names the field."""
