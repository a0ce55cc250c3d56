"""Password hashing with Argon2id (OWASP's first choice), through argon2-cffi."""

from __future__ import annotations

import hashlib
import hmac

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

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


def password_fingerprint(password_hash: str) -> str:
    """A short keyed digest of a password hash: it changes with the password and reveals nothing of it."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, password_hash.encode(), hashlib.sha256).hexdigest()[:24]
