"""The API's browsable documentation at /api/docs: Swagger UI from the `swagger-ui-bundle` package
(a dependency in pyproject.toml), served by the app itself. Township intranets have no internet,
so nothing may come from a CDN; and the page's own start-up script is a file here, not inline, so
the app-wide Content-Security-Policy (script-src 'self') holds on this page too."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("swagger_ui", __name__, url_prefix="/api/docs", template_folder="templates",
               static_folder="static", static_url_path="/static")

# Only what the page loads: the package also ships a demo index.html and an initializer that point
# at petstore.swagger.io, which must never be served from here.
SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}


@bp.route("")
def page():
    return render_template("api_docs.html")


@bp.route("/swagger-ui/<name>")
def swagger_file(name: str):
    if name not in SWAGGER_FILES:
        abort(404)
    return send_from_directory(swagger_ui_path, name, max_age=24 * 3600)
