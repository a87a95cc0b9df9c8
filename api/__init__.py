"""Xiaowei's web layer: the Flask application factory (api/app.py), REST API, command line.

The package itself imports nothing: `create_app` is loaded on first use, so a command of the
command line (api/cli.py) that serves no page starts without Flask, flask-smorest and every
blueprint's schemas (a timer worker, `xiaowei backup`, `xiaowei user ...`)."""


def __getattr__(name: str):
    if name == "create_app":
        from .app import create_app
        return create_app
    raise AttributeError(f"module 'api' has no attribute {name!r}")
