"""How values look on a page: times in China Standard Time, money in yuan, form values in words."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from engine import clock
from engine.vocabulary import quoted

# China has one time zone and no daylight saving: a fixed offset needs no tz database.
CHINA = timezone(timedelta(hours=8), "北京时间")


def as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def local_time(value) -> str:
    moment = as_datetime(value)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M") if moment else ""


def is_overdue(due) -> bool:
    moment = as_datetime(due)
    return moment is not None and moment < clock.now()


def money(value) -> str:
    if value is None or value == "":
        return ""
    try:
        return f"{float(value):,.2f} 元"
    except (TypeError, ValueError):
        return str(value)


def file_size(size) -> str:
    if not isinstance(size, int):
        return ""
    if size < 1024:
        return f"{size} 字节"
    return f"{size / 1024:.1f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def field_text(field: dict | None, value) -> str:
    """A stored form value in words (files are shown as links by the templates)."""
    if value is None:
        return ""
    kind = field["type"] if field else None
    if isinstance(value, bool) or kind == "boolean":
        return "是" if value in (True, "true") else "否"
    if kind == "enum":
        return next((o["label"] for o in field["options"] if o["value"] == value), str(value))
    if kind == "money":
        return money(value)
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def bounds_hint(field: dict) -> str:
    """"，不小于 1" for literal bounds; a bound that is an expression (max: council_members) is
    checked by the server, which names the number in its message."""
    parts = []
    for key, words in (("min", "不小于"), ("max", "不大于")):
        bound = field.get(key)
        if bound not in (None, "") and _is_number(str(bound)):
            parts.append(f"{words} {bound}")
    return "".join(f"，{p}" for p in parts)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def register_filters(app) -> None:
    app.jinja_env.filters.update(local_time=local_time, money=money, file_size=file_size, quoted=quoted,
                                 as_words=lambda value, field=None: field_text(field, value))
    app.jinja_env.globals.update(is_overdue=is_overdue, bounds_hint=bounds_hint)
