"""gunicorn, embedded: `xiaowei serve` runs it with our app factory."""
from __future__ import annotations

from gunicorn.app.base import BaseApplication


class _Application(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app
        return create_app()


def run_gunicorn(host: str, port: int, workers: int) -> None:
    _Application({"bind": f"{host}:{port}", "workers": workers, "accesslog": "-",
                  "timeout": 60, "graceful_timeout": 10}).run()
