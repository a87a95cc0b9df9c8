"""Web pages on the same Flask app: server-rendered Jinja templates in Simplified Chinese, a little
JavaScript, no build step. Views parse a form, call a service, render; the services decide who may
do what, exactly as for the REST API.

    pages: /login /logout /tasks /tasks/<id> /start /start/<key> /matters/<id> /supervise /audit
           /power-list /power-list/<key> /incidents /board /complaints[/new|/<id>|/statistics|/supervision]
"""
from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for

from engine.identity import ADMIN_ROLES, SUPERVISOR_ROLES

from ..reading import close_reading, open_reading
from ..untrusted_input import unstorable_text
from .blueprint import bp
from .errors import register_site_pages
from .formatting import register_filters
from .lookups import item_name, person
from .security import configure_security, csrf, web_max_body
from .session import SessionCookies, load_actor, needs_login, web_actor


def init_app(app) -> None:
    # Importing the views attaches their routes to bp (once, before its first registration). Here,
    # not at the top: the dossier (api/dossier.py), which the REST API and a view both use, reads
    # this package's formatting and timeline helpers, and must import without the views.
    from .views import (auth, authoring, board, complaints, dashboard, incidents, matters, modeler,  # noqa: F401
                        power_list, preview, start, supervise, tasks)
    configure_security(app, app.extensions["xiaowei"].settings)
    app.session_interface = SessionCookies()
    register_filters(app)
    app.jinja_env.filters["person"] = person
    app.jinja_env.filters["item_name"] = item_name
    register_site_pages(app)
    app.register_blueprint(bp)


@bp.before_request
def _before():
    open_reading(current_app.extensions["xiaowei"])   # a page reads in one unit of work
    if request.method == "POST":
        # must be set before the body is read
        request.max_content_length = web_max_body(current_app.extensions["xiaowei"].settings)
        csrf.protect()                                # CSRFError -> the "page expired" page
        if unstorable_text([*request.form.keys(), *(v for _, v in request.form.items(multi=True))]):
            abort(400)                                # a NUL no database column can store
    load_actor()
    if needs_login():
        return redirect(url_for("web.login", next=request.full_path.rstrip("?") if request.method == "GET" else None))
    return None


@bp.teardown_request
def _after(exc=None):
    close_reading(exc)


@bp.after_request
def _no_store(response):
    # Pages show matters and people: never kept by a shared proxy or the browser's history cache.
    # (The security headers every response carries are app-wide: api/security_headers.py.)
    if response.mimetype == "text/html":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _page_globals():
    # app-wide, so error pages rendered outside the blueprint (unknown addresses) get them too
    who = web_actor()
    # Menu hint only; verify_chain decides who may verify.
    may_audit = bool(who) and any(g.role in SUPERVISOR_ROLES + ADMIN_ROLES for g in who.grants)
    may_administer = bool(who) and any(g.role in ADMIN_ROLES for g in who.grants)
    # A village's 村民委员会, a township's 人民政府: the warnings assigned to its unit, to answer.
    answers_warnings = bool(who) and not may_audit and bool(who.answering_units())
    return {"actor": who, "may_audit": may_audit, "may_administer": may_administer,
            "answers_warnings": answers_warnings}
