"""gunicorn, embedded: `xiaowei serve` runs it with our app factory.

The master (the serve process) only supervises: it holds no database connection when it forks a
worker (`before_fork`), and each worker builds its own app, engine and connections after the fork
(gunicorn's default, no preload). A worker dies with its master (`after_fork`) so that a crashed
master leaves no orphan holding the port or writing unsupervised.
"""
from __future__ import annotations

import signal

from gunicorn.app.base import BaseApplication

from engine.store import dispose_every_database

from .lifeline import exit_with_parent


def before_fork(server, worker) -> None:
    """In the master, before each fork (the first workers and every replacement)."""
    dispose_every_database(close=True)


def after_fork(server, worker) -> None:
    """In the new worker. SIGKILL when the master dies, not SIGTERM: gunicorn's SIGTERM lets a
    request run to its end, but without a master nobody enforces the worker timeout, and while the
    worker lives it holds the listening socket. Its request in flight is rolled back by the
    database and gets no answer, as if the worker had died with the master."""
    exit_with_parent(worker.ppid, signal.SIGKILL)
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
