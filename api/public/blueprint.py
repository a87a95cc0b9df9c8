"""The public portal's blueprint (一网): its own templates (under templates/public/, so their names
never collide with the workspace's) and stylesheet."""
from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public", template_folder="templates", static_folder="static",
               static_url_path="/assets")
