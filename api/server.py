"""gunicorn, embedded: `xiaowei serve` runs it with our app factory.

The master (the serve process) only supervises: it holds no database connection when it forks a
worker (`before_fork`), and each worker builds its own app, engine and connections after the fork
(gunicorn's default, no preload).
"""
from __future__ import annotations

from gunicorn.app.base import BaseApplication

from engine.store import dispose_every_database


def before_fork(server, worker) -> None:
    """In the master, before each fork (the first workers and every replacement)."""
    dispose_every_database(close=True)


def after_fork(server, worker) -> None:
    """In the new worker."""
    dispose_every_database(close=False)


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
                  "timeout": 60, "graceful_timeout": 10,
                  "pre_fork": before_fork, "post_fork": after_fork}).run()
