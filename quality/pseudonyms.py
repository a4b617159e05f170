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
import os
import struct
import time
from collections.abc import Sequence
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


def encrypt_names(names: Sequence[str]) -> list[str]:
    """`encrypt_name` for many names at once ("" stays ""): the same Fernet tokens (version 0x80,
    timestamp, a random IV per token, AES-128-CBC with PKCS7 padding, HMAC-SHA256 over the rest;
    `decrypt_name` and `Fernet.decrypt` read them), built in batches. Fernet encrypts one token per
    call, setting up a cipher context each time (≈15 µs, 1.5 s for the 100,000 new students of a
    county's first import); CBC is one block cipher call per block after XOR with the previous
    ciphertext, so the k-th blocks of all tokens go through one AES-ECB call together."""
    import numpy as np
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    out = [""] * len(names)
    plain = [(i, n.encode()) for i, n in enumerate(names) if n]
    if not plain:
        return out
    key = _derive("name-fernet", str(settings.SECRET_KEY))[:32]  # as _fernet_for gives it to Fernet
    signing, encryption = key[:16], key[16:]
    head = b"\x80" + struct.pack(">Q", int(time.time()))
    by_blocks: dict[int, list[tuple[int, bytes]]] = {}
    for i, data in plain:
        by_blocks.setdefault(len(data) // 16 + 1, []).append((i, data))
    encryptor = Cipher(algorithms.AES(encryption), modes.ECB()).encryptor()
    for nb, group in by_blocks.items():
        m = len(group)
        padded = b"".join(d + bytes([nb * 16 - len(d)]) * (nb * 16 - len(d)) for _, d in group)
        blocks = np.frombuffer(padded, dtype=np.uint8).reshape(m, nb, 16)
        ivs = np.frombuffer(os.urandom(16 * m), dtype=np.uint8).reshape(m, 16)
        cipher = np.empty((m, nb, 16), dtype=np.uint8)
        prev = ivs
        for k in range(nb):
            done = encryptor.update(np.bitwise_xor(blocks[:, k], prev).tobytes())
            cipher[:, k] = np.frombuffer(done, dtype=np.uint8).reshape(m, 16)
            prev = cipher[:, k]
        body = np.concatenate([ivs, cipher.reshape(m, nb * 16)], axis=1).tobytes()
        width = 16 + nb * 16
        for j, (i, _) in enumerate(group):
            parts = head + body[j * width:(j + 1) * width]
            token = parts + hmac.digest(signing, parts, "sha256")
            out[i] = "f1:" + base64.urlsafe_b64encode(token).decode()
    return out


def decrypt_name(token: str) -> str:
    """The plain name, or "" if there is none or it cannot be authenticated."""
    if not token.startswith("f1:"):
        return ""
    try:
        return _fernet().decrypt(token[3:].encode()).decode()
    except InvalidToken:  # a token written under an earlier SECRET_KEY reads as "no name"
        return ""
