"""How findings read: amounts in 元 or 万元, dates and day counts, as a supervisor says them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from ..workdays import BEIJING


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


def moment(at: datetime) -> str:
    """A due time in Beijing time to the minute: a deadline at the end of a day (a working-day
    limit) reads as that day's 24:00, the way a notice says 截止时间为二十四时."""
    local = at.astimezone(BEIJING)
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%".replace(".0%", "%")
