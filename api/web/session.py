"""Who is looking at a page: the login token kept in the signed session cookie, resolved on every
request with the identity service (so a revoked or expired token logs the browser out)."""
from __future__ import annotations

from flask import g, request, session
from flask.sessions import SecureCookieSessionInterface

from engine.errors import Unauthenticated
from engine.services import identity
from engine.services.people_views import TokenView

from ..rest import ctx

PUBLIC_ENDPOINTS = {"web.login", "web.static", "web.vendor_bpmn_js"}


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, without building its signer for a request that sends no
    session cookie (every API call: it carries a bearer token) to find the session empty."""

    def open_session(self, app, request):
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def load_actor() -> None:
    g.web_actor = None
    token = session.get("token")
    if not token:
        return
    try:
        g.web_actor = identity.actor_for_token(ctx(), token)
    except Unauthenticated:
        session.clear()


def web_actor():
    return g.get("web_actor")


def needs_login() -> bool:
    return request.endpoint not in PUBLIC_ENDPOINTS and web_actor() is None


def start_session(login: TokenView) -> None:
    # A fresh session on login: nothing from before (an old CSRF token, say) carries over.
    session.clear()
    session["token"], session["username"] = login.token, login.username


def end_session() -> str | None:
    token = session.get("token")
    session.clear()
    return token


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never //host or a scheme, which would make login an open redirect."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    return target
