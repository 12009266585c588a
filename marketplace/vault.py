"""Encryption at rest for the platform tokens creators grant us.

Fernet (AES-128-CBC + HMAC-SHA256) with the key from `TOKEN_ENCRYPTION_KEY` (a urlsafe base64
32-byte key, `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
Several keys may be given, comma-separated, newest first: new tokens use the first, old ones
still decrypt, so keys rotate without unlinking anyone. Without a key (development, tests) one
is derived from SECRET_KEY; production refuses to start without one.
"""
from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class VaultError(RuntimeError):
    """A stored token could not be decrypted (wrong or rotated-away key)."""


def _fernet() -> MultiFernet:
    config = current_app.config
    cached = current_app.extensions.get("token_vault")
    if cached is not None:
        return cached
    keys = [k.strip() for k in str(config.get("TOKEN_ENCRYPTION_KEY") or "").split(",") if k.strip()]
    if not keys:
        derived = hashlib.sha256(b"hashmark-token-vault:" + str(config["SECRET_KEY"]).encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    vault = MultiFernet([Fernet(key) for key in keys])
    current_app.extensions["token_vault"] = vault
    return vault


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(sealed: str) -> str:
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise VaultError("a stored platform token cannot be decrypted with the configured keys") from None
