"""Exact numbers from text, safely. `Fraction("1e-9999999")` computes a ten-million-digit power of
ten before it answers (ten seconds for ten characters of a form bound or a township parameter), so
text is read only in plain decimal or a/b form; floats and ints go to Fraction as they are."""
from __future__ import annotations

import re
from fractions import Fraction

_PLAIN = re.compile(r"\s*[+-]?(?:\d{1,18}(?:\.\d{0,18})?|\.\d{1,18})(?:/\d{1,18})?\s*\Z")


def exact_fraction(value) -> Fraction:
    """Fraction(value); ValueError for text that is not a plain decimal or a/b ("1e5", "1e-9999999",
    "nan"), ZeroDivisionError for a/0, as Fraction raises them."""
    if isinstance(value, str) and not _PLAIN.match(value):
        raise ValueError(f"不是普通的小数或分数：{value[:40]!r}")
    return Fraction(value)
