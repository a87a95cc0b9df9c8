"""gunicorn, embedded: `xiaowei serve` runs it with our app factory.

The master (the serve process) only supervises: it holds no database connection when it forks a
worker (`before_fork`), and each worker builds its own app, engine and connections after the fork
(gunicorn's default, no preload). A worker dies with its master (`after_fork`) so that a crashed
master leaves no orphan holding the port or writing unsupervised.
"""
from __future__ import annotations

import signal
from pathlib import Path

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from engine.settings import Settings
from engine.store import dispose_every_database

from .lifeline import exit_with_parent
from .logs import gunicorn_log_config
from .metrics import mark_process_dead


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


def child_exit(server, worker) -> None:
    """In the master, when a worker has exited: its live gauges leave the metrics (counters stay)."""
    mark_process_dead(worker.pid)


class AppLogsRequests(Logger):
    """gunicorn's logger without its access log: the app logs each request itself (observe.py).
    gunicorn would otherwise build its access-log fields for every request (its logging config is
    set) only to hand them to a logger with no handler."""

    @property
    def access_log_enabled(self) -> bool:
        return False


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


def run_gunicorn(host: str, port: int, workers: int, threads: int) -> None:
    """The access log is the app's (one line per request with its id and latency, observe.py);
    gunicorn's own lines go out in the same format as ours.

    The gthread worker (the default): each process answers `threads` requests at once and keeps a
    client's connection open between its requests (keep-alive), where the sync worker closes it
    after every answer and a client pays a new TCP connection per call (issue 17 measured both,
    bench/bench_http.py; XIAOWEI_WEB_WORKER_CLASS=sync runs the other). The app is thread-safe:
    a unit of work per request, nothing shared but the per-database caches of engine/store/db.py."""
    settings = Settings.from_env()
    _Application({"bind": f"{host}:{port}", "workers": workers, "worker_class": settings.web_worker_class,
                  "threads": threads, "keepalive": 5, "accesslog": None, "logger_class": AppLogsRequests,
                  "logconfig_dict": gunicorn_log_config(settings.log_format),
                  # gunicorn (25+) opens a control socket at one path per user ($HOME/.gunicorn):
                  # two app servers on one machine would take it from each other, and a systemd
                  # unit with ProtectHome cannot write there. One per port, in the data dir.
                  "control_socket": str((Path(settings.data_dir) / f"gunicorn-{port}.ctl").resolve()),
                  "timeout": 60, "graceful_timeout": 10,
                  "pre_fork": before_fork, "post_fork": after_fork, "child_exit": child_exit}).run()
