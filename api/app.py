"""The Flask application factory: the REST API, the web pages and the public portal on one app."""
from __future__ import annotations

import logging
import threading

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from engine.settings import Settings

from . import apidocs, observe, public, security_headers, untrusted_input, web
from .errors import http_error, register_error_handlers
from .rest import (attachments, audit, auth, calendar, complaints, flowcharts, health, incidents, instances, processes,
                   registry, tables, tasks, users)
from .rest import statistics as statistics_api, warnings as warnings_api
from .wiring import build_context

API_SETTINGS = {
    "API_TITLE": "小微 Xiaowei API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    # /api/docs is api/apidocs (Swagger UI from an installed package), not flask-smorest's page,
    # which loads Swagger UI from a CDN.
    # Every operation needs a bearer token but the login (declared there with security=[]).
    "API_SPEC_OPTIONS": {"security": [{"bearerAuth": []}]},
    "JSON_AS_ASCII": False,
}


class XiaoweiApi(Api):
    """flask-smorest's Api, documenting a blueprint's views when the OpenAPI document is first read
    instead of when the blueprint is registered: building the document was half of create_app's
    time, and a worker process or a test's app may never serve it. Every route is registered at
    once, as before; the document read (/api/openapi.json, `api.spec`) is the same."""

    def __init__(self, app):
        self._undocumented: list[tuple] = []
        self._documenting = threading.Lock()     # two first requests for the document at once
        self._spec = None
        super().__init__(app)

    @property
    def spec(self):
        if self._undocumented:
            with self._documenting:
                for blp, name, parameters in self._undocumented:
                    blp.register_views_in_doc(self, self._app, self._spec, name=name, parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
                self._undocumented = []
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options):
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def handle_http_exception(self, error):
        return http_error(error)


def create_app(config: dict | None = None, context=None, settings: Settings | None = None) -> Flask:
    """The application. Settings come from the context, else from `settings`, else from the
    environment (engine/settings.py). `config` is Flask's own (TESTING, SECRET_KEY to override the
    settings' key) plus SETUP_ON_START: run migrations and load processes/ when the app is built
    (tests and single-process runs)."""
    app = Flask(__name__)
    untrusted_input.init_app(app)         # before any route: `<int:...>` is bounded for all of them
    ctx = context or build_context(settings)
    app.extensions["xiaowei"] = ctx
    app.config.update(API_SETTINGS)
    # One file plus its multipart envelope (the web step forms raise it per request).
    app.config["MAX_CONTENT_LENGTH"] = ctx.settings.max_attachment_bytes + 64 * 1024
    app.config.update(config or {})
    app.json.ensure_ascii = False
    if ctx.settings.trusted_proxies:
        # request.remote_addr (login throttling) and the scheme from the proxies' headers
        n = ctx.settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    if app.config.get("SETUP_ON_START"):
        from engine.services.definitions import sync_definitions
        ctx.database.upgrade()
        sync_definitions(ctx)
    from engine.services import redlines
    redlines.watch(ctx)          # red lines run after every committed event (issue 12)
    api = XiaoweiApi(app)
    api.spec.components.security_scheme("bearerAuth", {
        "type": "http", "scheme": "bearer", "description":
        "POST /api/v1/auth/token 得到的令牌（有效期 XIAOWEI_TOKEN_HOURS，默认 8 小时）"})
    for blueprint in (auth.blp, processes.blp, instances.blp, tasks.blp, attachments.blp, registry.blp, users.blp,
                      audit.blp, flowcharts.blp, calendar.blp, incidents.blp, health.blp, warnings_api.blp,
                      statistics_api.blp, complaints.blp, tables.blp):
        api.register_blueprint(blueprint)
    register_error_handlers(app)
    app.register_blueprint(apidocs.bp)
    security_headers.init_app(app)
    # Request ids, the access log line and request metrics; counts of committed domain events.
    observe.init_app(app)
    # The web pages: session cookie (HttpOnly, SameSite=Lax, Secure outside development/test),
    # secret key (XIAOWEI_SECRET_KEY or a key file under XIAOWEI_DATA_DIR), CSRF, the blueprint.
    web.init_app(app)
    public.init_app(app)        # the public portal (/public): no login, no session, cacheable
    logging.getLogger("xiaowei").setLevel(logging.INFO)
    return app
