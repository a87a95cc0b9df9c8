"""How findings read: amounts in 元 or 万元, dates and day counts, as a supervisor says them."""
from __future__ import annotations

from datetime import date


def yuan(amount) -> str:
    """12345.6 -> "12,345.6 元"; 150000 -> "15 万元"."""
    if amount is None:
        return "（未填）"
    amount = float(amount)
    if amount >= 10000 and amount % 1000 == 0:
        return f"{amount / 10000:g} 万元"
    return f"{amount:,.2f}".rstrip("0").rstrip(".") + " 元"


def on(value: date | None) -> str:
    return value.isoformat() if value else "（未填）"


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%".replace(".0%", "%")
