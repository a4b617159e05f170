"""Pseudonymous student keys and encrypted names (students are minors; issue 4).

- The key is an HMAC-SHA256 of the school-issued student ID (学籍号/考号) under a key derived
  from SECRET_KEY, so the same ID always gives the same key (students link across exams for
  value added, analytics.md §8) but the ID itself is never stored.
- Names are optional and encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256, from the
  `cryptography` package), prefix "f1:" so another scheme can follow. The key is derived from
  SECRET_KEY with its own label. Rotating SECRET_KEY makes old names unreadable (they decrypt to
  "") and old keys unlinkable — by design the platform can re-import.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


@lru_cache(maxsize=4)
def _derive(label: str, secret: str) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", secret.encode(), f"jiaoyan.quality.{label}".encode(), 10_000)


def _key(label: str) -> bytes:
    return _derive(label, str(settings.SECRET_KEY))


def student_key(raw_id: str) -> str:
    """24 hex characters (96 bits): collisions are negligible at the scale of a province."""
    norm = raw_id.strip().upper()
    return hmac.new(_key("student-key"), norm.encode(), hashlib.sha256).hexdigest()[:24]


def student_keys(raw_ids: list[str]) -> list[str]:
    k = _key("student-key")
    return [hmac.new(k, r.strip().upper().encode(), hashlib.sha256).hexdigest()[:24] for r in raw_ids]


@lru_cache(maxsize=1)
def _fernet_for(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(_derive("name-fernet", secret)[:32]))


def _fernet() -> Fernet:
    return _fernet_for(str(settings.SECRET_KEY))


def encrypt_name(name: str) -> str:
    if not name:
        return ""
    return "f1:" + _fernet().encrypt(name.encode()).decode()


def decrypt_name(token: str) -> str:
    """The plain name, or "" if there is none or it cannot be authenticated."""
    if not token.startswith("f1:"):
        return ""
    try:
        return _fernet().decrypt(token[3:].encode()).decode()
    except InvalidToken:  # a token written under an earlier SECRET_KEY reads as "no name"
        return ""
