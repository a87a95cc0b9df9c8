"""One read-only unit of work per page request (GET/HEAD): every service the page asks reads the
same snapshot in one transaction (engine/services/context.py `reading`). Requests that act (POST)
open their own units of work in the services, as always."""
from __future__ import annotations

from flask import g, request


def open_reading(ctx, portal: bool = False) -> None:
    if request.method in ("GET", "HEAD") and "reading" not in g:
        g.reading = ctx.reading(portal=portal)
        g.reading.__enter__()


def close_reading(_exc=None) -> None:
    reading = g.pop("reading", None)
    if reading is not None:
        reading.__exit__(None, None, None)
