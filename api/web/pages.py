"""Rendering a page, and the few things every view needs."""
from __future__ import annotations

from flask import flash, render_template

from .session import web_actor


def page(template: str, status: int = 200, **values):
    return render_template(template, **values), status


def actor():
    """The logged-in user (the blueprint sends everyone else to /login before any view runs)."""
    return web_actor()


def done(message: str) -> None:
    flash(message, "success")
