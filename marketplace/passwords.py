"""Password hashing with Argon2id (argon2-cffi's RFC 9106 low-memory profile)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

_STRONG = PasswordHasher()
# Tests hash hundreds of passwords; a cheap profile keeps the suite fast. Never used outside tests.
_FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_DUMMY_HASHES: dict[int, str] = {}

MIN_LENGTH = 10
MAX_LENGTH = 128


def _hasher() -> PasswordHasher:
    return _FAST if current_app.config.get("PASSWORD_HASH_FAST") else _STRONG


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; with no hash (unknown account) still spend the time of a check."""
    hasher = _hasher()
    if password_hash is None:
        password_hash = _DUMMY_HASHES.setdefault(id(hasher), hasher.hash("timing-equaliser"))
        password = ""
    try:
        return hasher.verify(password_hash, password) and password != ""
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
