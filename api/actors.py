"""Who is calling: the bearer token of the Authorization header (API), or the session cookie
(web pages, by the web issue). Anonymous callers reach nothing."""
from __future__ import annotations

from flask import g, request

from engine.errors import Unauthenticated
from engine.services import identity

from .rest import ctx


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def current_actor():
    """The Actor of this request, resolved once per request."""
    if "actor" not in g:
        token = bearer_token()
        if not token:
            raise Unauthenticated("请先登录（Authorization: Bearer <令牌>）")
        g.actor = identity.actor_for_token(ctx(), token)
    return g.actor
