"""REST API v1 blueprints: each view is schema in, one service call, schema out."""
from flask import current_app


def ctx():
    return current_app.extensions["xiaowei"]
