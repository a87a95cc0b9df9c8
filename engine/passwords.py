"""Password hashing with argon2 (argon2id, a salt per hash).

A `Passwords` object is built from the settings' cost by the service context: nothing is hashed at
import, and tests choose a cheap cost through their settings instead of swapping a module global.
"""
from __future__ import annotations

from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10


class Passwords:
    def __init__(self, time_cost: int = 3, memory_cost: int = 65536, parallelism: int = 4):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)

    @cached_property
    def _dummy(self) -> str:
        # Verifying against this keeps an unknown user name as slow as a wrong password.
        return self._hasher.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and password_hash is not None
        except (VerificationError, InvalidHashError):
            return False


def password_problem(password: str) -> str | None:
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"密码至少 {MIN_LENGTH} 个字符"
    return None
