"""Password hashing with Argon2id (OWASP's first choice), through argon2-cffi."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # Argon2id, 64 MiB, t=3, p=4: above OWASP's minimum (19 MiB, t=2, p=1)


def hash_password(password: str) -> str:
    """A salted Argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
