"""The public portal (一网, /public): no login, no session, no cookie; phone first; every page
cacheable. Views call the read-only services of engine/services/public only, which read the
published records and the catalogue and nothing private (see that package)."""
from __future__ import annotations

from flask import current_app, request

from engine import clock
from engine.noticeboard import period_of

from . import errors, views  # noqa: F401 - importing them attaches their routes and handlers to bp
from ..reading import close_reading, open_reading
from .blueprint import bp
from .caching import STATIC_MAX_AGE, code_version

PAGE_HEADERS = {
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin",
    # Nothing from elsewhere: no CDN, no scripts at all on these pages; forms post here only.
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; img-src 'self' data:; object-src 'none'; "
                               "base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
}


def init_app(app) -> None:
    app.register_blueprint(bp)


@bp.app_template_global()
def portal_version() -> str:
    """Part of the stylesheet's address: a new version is a new address, so it may be cached long."""
    return code_version()


@bp.app_template_global()
def board_period() -> str:
    """This month (Beijing time): the 公开栏 tab opens its board."""
    return period_of(clock.now())


@bp.before_request
def _read_in_one_unit_of_work():
    open_reading(current_app.extensions["xiaowei"], portal=True)


@bp.teardown_request
def _after(exc=None):
    close_reading(exc)


@bp.after_request
def _headers(response):
    for name, value in PAGE_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint == "public.static" and response.status_code in (200, 304):
        response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
    response.headers.setdefault("Cache-Control", "no-store")
    # A shared cache would hand a cookie set here to every visitor: the portal never sets one.
    response.headers.remove("Set-Cookie")
    return response
