"""The web pages' blueprint. Routes attach to it in `views/`; templates and static files live beside it."""
from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets")
