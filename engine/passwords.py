"""Password hashing with argon2 (argon2-cffi's defaults: argon2id, per-hash salt)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 10
# Verifying against this keeps an unknown user name as slow as a wrong password.
_DUMMY = _HASHER.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(password_hash or _DUMMY, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    return None
