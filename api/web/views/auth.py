"""登录、退出."""
from __future__ import annotations

from flask import redirect, request, url_for

from engine.errors import NotFound, TooManyAttempts, Unauthenticated
from engine.services import identity

from ...rest import ctx
from ..blueprint import bp
from ..pages import actor, page
from ..session import end_session, safe_next, start_session, web_actor


@bp.route("/")
def home():
    return redirect(url_for("web.tasks"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    target = safe_next(request.values.get("next")) or url_for("web.tasks")
    if request.method == "GET":
        return redirect(target) if web_actor() else page("login.html", next=target, username="")
    username = request.form.get("username", "").strip()
    try:
        start_session(identity.login(ctx(), username, request.form.get("password", ""), kind="session",
                                     address=request.remote_addr))
    except Unauthenticated as exc:
        return page("login.html", 401, next=target, username=username, error=exc.message)
    except TooManyAttempts as exc:
        body, status = page("login.html", 429, next=target, username=username, error=exc.message)
        return body, status, {"Retry-After": str(exc.retry_after)}
    return redirect(target)


@bp.route("/logout", methods=["GET", "POST"])
def logout():
    if request.method == "GET":
        return page("logout.html")
    token = end_session()
    try:
        identity.revoke_token(ctx(), actor(), token)
    except NotFound:
        pass                      # already revoked elsewhere: the cookie is cleared all the same
    return redirect(url_for("web.login"))
