"""Channel credentials encrypted at rest: a robot's signing secret, an app's AppSecret and the
webhook address (a WeCom robot's key and a DingTalk robot's access token are in it) are stored
as Fernet tokens (AES-128-CBC + HMAC-SHA256, the `cryptography` package quality's names use),
under a key derived from SECRET_KEY with its own label. Rotating SECRET_KEY makes them
unreadable (they read as ""): the region's admin enters them again."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.db import models

PREFIX = "f1:"


@lru_cache(maxsize=2)
def _fernet_for(secret: str) -> Fernet:
    key = hashlib.pbkdf2_hmac("sha256", secret.encode(), b"jiaoyan.integrations.channel-credentials", 10_000)
    return Fernet(base64.urlsafe_b64encode(key[:32]))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + _fernet_for(str(settings.SECRET_KEY)).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        return ""
    try:
        return _fernet_for(str(settings.SECRET_KEY)).decrypt(token[len(PREFIX):].encode()).decode()
    except InvalidToken:  # written under an earlier SECRET_KEY
        return ""


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]  # django-stubs' generic field parameters
    """Plain text in Python, a Fernet token in the database (never filtered on)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if isinstance(value, str) and value else value
