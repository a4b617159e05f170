"""The one family of errors a service raises to refuse a write with a message for the user.

Every app subclasses `DomainError` (observe's `ObservationError`, quality's `ServiceError`, …).
Views and API routers catch only `DomainError`: anything else is a programming error and goes to
the error page and the log, never into a flash message. The message is Chinese and names what the
user can fix; `field` names the form or schema field when there is one, so a page can show the
message next to it and the API can answer a 422 naming that field.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A domain rule refused the operation; `str(error)` is the message shown to the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.message = message
        self.field = field
        super().__init__(message)

    def show_on(self, form: Any) -> None:
        """Put the message on a Django form: next to `field` when the form has it, otherwise at
        the form's head (every page that catches a refusal does this)."""
        form.add_error(self.field if self.field in form.fields else None, self.message)
