"""What the liaison pages share: the form error plumbing (people and schools typed as
"name（code）" are resolved by core.pickers)."""

from __future__ import annotations

from django import forms

from core.errors import DomainError


def apply_error(form: forms.Form, exc: DomainError) -> None:
    name = exc.field if exc.field in form.fields else None
    form.add_error(name, exc.message)
