"""The 查询码 a villager follows a complaint with: twelve digits (easy to type on any phone), shown
once and stored only as a hash. Lookups are throttled per address, so guessing one of 10^12 is out of
reach. Pure functions, shared by the workspace's intake and the portal's."""
from __future__ import annotations

import hashlib
import re
import secrets

DIGITS = 12
_SEPARATORS = re.compile(r"[\s\-－—]+")


def new_code() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(DIGITS))


def normalized(code: str) -> str | None:
    """The digits of a code as typed ('3829 1047-5563'), or None if it cannot be one."""
    digits = _SEPARATORS.sub("", (code or "").strip())
    return digits if len(digits) == DIGITS and digits.isascii() and digits.isdigit() else None


def code_hash(code: str) -> str:
    return hashlib.sha256(f"xiaowei-complaint:{code}".encode()).hexdigest()


def spaced(code: str) -> str:
    """'382910475563' -> '3829 1047 5563' (how it is shown and read out)."""
    return " ".join(code[i:i + 4] for i in range(0, len(code), 4))


def case_number(complaint_id: int, year: int) -> str:
    return f"SQ{year}-{complaint_id:06d}"
