"""Prometheus metrics (prometheus-client), the instruments and the text the endpoint serves.

gunicorn runs several worker processes and `xiaowei serve --with-worker` a timer worker beside
them, so a counter kept in one process's memory would show whichever process answered the scrape.
prometheus-client's multiprocess mode solves it: `xiaowei serve` points PROMETHEUS_MULTIPROC_DIR at
a directory of its own under the data dir (emptied at each start), every process writes its values
there, the endpoint adds them up, and a worker that exits is marked dead (server.py). The library
decides at import whether it is in that mode, which is why it is imported here only when the first
instrument is made (after `serve` set the directory), never at module import.

What is counted where:
- requests: latency histogram and count by route template (never the raw path: ids would make a
  series per matter), method and status, in the web hooks (observe.py);
- the domain (matters started, steps completed, timers fired, incidents, matters ended): from the
  audit events a unit of work committed (engine/committed.py), so a refused or rolled-back action
  is never counted, and the timer worker's lag when it fires a timer;
- the state of the deployment (matters by status, open incidents, overdue steps, the oldest due
  timer's lateness, the newest worker heartbeat's age): read from the database at each scrape by
  whichever process answers, the same for every server of the deployment.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
_instruments = None
_lock = threading.Lock()


class Instruments:
    def __init__(self):
        from prometheus_client import CollectorRegistry, Counter, Histogram
        # The mode is fixed when the first instrument is made: reported the same way afterwards.
        self.multiprocess_dir = multiprocess_dir()
        self.registry = CollectorRegistry(auto_describe=True)      # this process's own (single-process mode)
        r = self.registry
        self.request_seconds = Histogram("xiaowei_http_request_duration_seconds", "Request latency by route",
                                         ["method", "route"], buckets=LATENCY_BUCKETS, registry=r)
        self.requests = Counter("xiaowei_http_requests", "Requests answered, by route and status",
                                ["method", "route", "status"], registry=r)
        self.matters_started = Counter("xiaowei_matters_started", "Matters started", ["process_key"], registry=r)
        self.steps_completed = Counter("xiaowei_steps_completed", "Steps completed", ["process_key"], registry=r)
        self.timers_fired = Counter("xiaowei_timers_fired", "Timers fired (publicity periods, deadlines)",
                                    registry=r)
        self.matters_ended = Counter("xiaowei_matters_ended", "Matters that ended, by how", ["status"], registry=r)
        self.engine_errors = Counter("xiaowei_engine_errors", "Failures inside the engine (incidents)", registry=r)
        self.retries = Counter("xiaowei_matters_retried", "Failed matters retried by an administrator", registry=r)
        # What the database is asked (issue 17: statements and commits per step are a budget;
        # bench/bench_http.py reads these before and after a run).
        self.sql_statements = Counter("xiaowei_sql_statements", "SQL statements sent to the database", registry=r)
        self.sql_commits = Counter("xiaowei_sql_commits", "Transactions committed", registry=r)
        self.on_statement = lambda *_args: self.sql_statements.inc()
        self.on_commit = lambda *_args: self.sql_commits.inc()
        self.timer_lag = Histogram("xiaowei_timer_fire_lag_seconds", "How late a timer was when the worker fired it",
                                   buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600), registry=r)

    def count_sql(self, engine) -> None:
        """Count the statements and commits of an engine (once, however many apps use it)."""
        from sqlalchemy import event
        if not event.contains(engine, "before_cursor_execute", self.on_statement):
            event.listen(engine, "before_cursor_execute", self.on_statement)
            event.listen(engine, "commit", self.on_commit)

    def count_committed(self, events) -> None:
        """engine/committed.py's listener: one committed unit of work's audit events."""
        for e in events:
            payload = e.payload or {}
            if e.event == "matter_started":
                self.matters_started.labels(payload.get("process_key", "-")).inc()
            elif e.event == "step_completed":
                self.steps_completed.labels(payload.get("process_key", "-")).inc()
            elif e.event == "timer_fired":
                self.timers_fired.inc()
            elif e.event == "engine_error":
                self.engine_errors.inc()
            elif e.event == "matter_retried":
                self.retries.inc()
            elif e.event in ("matter_completed", "matter_cancelled"):
                self.matters_ended.labels(e.event.removeprefix("matter_")).inc()


def instruments() -> Instruments:
    """This process's instruments, made on first use (see the module's docstring for why)."""
    global _instruments
    with _lock:
        if _instruments is None:
            _instruments = Instruments()
        return _instruments


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def prepare_multiprocess_dir(directory: Path) -> None:
    """For `xiaowei serve`, before anything is counted: an empty directory (values of an earlier
    run would otherwise be added to this one's), named in the environment its children inherit."""
    directory.mkdir(parents=True, exist_ok=True)
    for stale in directory.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory.resolve())


def mark_process_dead(pid: int) -> None:
    if multiprocess_dir():
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(pid)


def exposition(figures: dict | None) -> tuple[bytes, str]:
    """The metrics text: every process's instruments (or this one's) and the database figures."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector
    registry = CollectorRegistry()
    ours = instruments()
    if ours.multiprocess_dir:
        MultiProcessCollector(registry, path=ours.multiprocess_dir)
    else:
        registry.register(_Forward(ours.registry))
    if figures is not None:
        registry.register(_Figures(figures))
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _Forward:
    def __init__(self, registry):
        self.registry = registry

    def collect(self):
        return self.registry.collect()


class _Figures:
    """The deployment's state as read from the database at this scrape."""

    def __init__(self, figures: dict):
        self.figures = figures

    def collect(self):
        from prometheus_client.core import GaugeMetricFamily
        f = self.figures
        matters = GaugeMetricFamily("xiaowei_matters", "Matters in the hot tables by status", labels=["status"])
        for status, count in sorted(f["matters"].items()):
            matters.add_metric([status], count)
        yield matters
        yield GaugeMetricFamily("xiaowei_incidents_open", "Failed matters waiting for an administrator",
                                value=f["incidents_open"])
        yield GaugeMetricFamily("xiaowei_steps_overdue", "Ready steps past their due time (warnings open)",
                                value=f["steps_overdue"])
        yield GaugeMetricFamily("xiaowei_timer_lag_seconds", "How overdue the most overdue timer is (0: none is)",
                                value=f["timer_lag_seconds"])
        age = f["heartbeat_age_seconds"]
        yield GaugeMetricFamily("xiaowei_worker_heartbeat_age_seconds",
                                "Seconds since a timer worker last polled (-1: none ever did)",
                                value=-1 if age is None else age)
