"""Is this process fit to serve, and what the operators watch: timer-worker heartbeats, readiness,
and the figures the metrics endpoint reads from the database.

Readiness asks three things a load balancer or a process supervisor cares about: the database
answers, its schema is the one this code expects (a server started before `xiaowei db upgrade`
would fail on every request), and a timer worker polled recently (without one, publicity periods
never end and nobody notices: `xiaowei serve` without `--with-worker` and no `xiaowei worker`
anywhere is not ready).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from .. import clock

log = logging.getLogger("xiaowei.health")
FORGET_WORKERS_AFTER = timedelta(days=7)


def worker_beat(ctx, worker_id: str, host: str, pid: int) -> None:
    """A timer worker is alive and polling (one small row, its own unit of work)."""
    with ctx.uow() as uow:
        now = clock.SystemClock().now()        # the wall clock even under `--now`: liveness is real time
        uow.heartbeats.beat(worker_id, host, pid, now)
        uow.commit()


def worker_started(ctx, worker_id: str, host: str, pid: int) -> None:
    """First beat; rows of workers gone for a week (killed, never said goodbye) are dropped."""
    with ctx.uow() as uow:
        now = clock.SystemClock().now()
        uow.heartbeats.forget_older_than(now - FORGET_WORKERS_AFTER)
        uow.heartbeats.beat(worker_id, host, pid, now)
        uow.commit()


def worker_stopped(ctx, worker_id: str) -> None:
    """A worker that stops cleanly says so: readiness turns false at once if it was the last."""
    with ctx.uow() as uow:
        uow.heartbeats.leave(worker_id)
        uow.commit()


def readiness(ctx) -> dict:
    """{"ready": bool, "checks": {"database", "migrations", "timer_worker"}}: each check `ok` with
    what was found, and a `problem` in Chinese when not. Needs no actor: it tells nothing private."""
    checks = {"database": {"ok": False}, "migrations": {"ok": False}, "timer_worker": {"ok": False}}
    try:
        current = ctx.database.schema_revisions()
        checks["database"] = {"ok": True}
        checks["migrations"] = _migrations(current, ctx.database.code_revisions())
        checks["timer_worker"] = _timer_worker(ctx) if checks["migrations"]["ok"] else {
            "ok": False, "problem": "数据库结构未更新，无法检查定时任务进程"}
    except Exception as exc:  # noqa: BLE001 - whatever fails reading the database, the answer is "not ready"
        log.warning("readiness: database unreachable: %s: %s", exc.__class__.__name__, exc)
        checks["database"] = {"ok": False, "problem": "数据库无法连接"}
        checks["migrations"] = checks["timer_worker"] = {"ok": False, "problem": "数据库无法连接，未检查"}
    return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}


def _migrations(current: set[str], expected: set[str]) -> dict:
    found = {"current": sorted(current), "expected": sorted(expected)}
    if current == expected:
        return {"ok": True, **found}
    return {"ok": False, **found, "problem": "数据库结构不是本版本程序所需的版本：请运行 xiaowei db upgrade"}


def _timer_worker(ctx) -> dict:
    max_age = ctx.settings.worker_heartbeat
    now = clock.SystemClock().now()
    with ctx.uow(readonly=True) as uow:
        alive = uow.heartbeats.alive_since(now - max_age)
        latest = uow.heartbeats.latest()
        found = {"workers": len(alive), "max_age_seconds": max_age.total_seconds(),
                 "last_beat_at": latest.last_beat_at.isoformat() if latest else None}
    if alive:
        return {"ok": True, **found}
    return {"ok": False, **found, "problem": f"{int(max_age.total_seconds())} 秒内没有定时任务进程（xiaowei worker）运行："
                                             "公示期等定时事项不会推进"}


def operational_figures(ctx) -> dict:
    """What the metrics endpoint reports from the database (the whole deployment, whichever
    process is asked): matters by status, open incidents, overdue ready steps, how late the most
    overdue timer is (the timer workers' lag) and the age of the newest worker heartbeat."""
    now = clock.SystemClock().now()
    with ctx.uow(readonly=True) as uow:
        oldest_due = uow.matters.oldest_timer_due(now)
        latest = uow.heartbeats.latest()
        return {"matters": uow.matters.count_by_status(), "incidents_open": uow.incidents.count_open(),
                "steps_overdue": uow.inbox.count_overdue(now),
                "timer_lag_seconds": max((now - oldest_due).total_seconds(), 0.0) if oldest_due else 0.0,
                "heartbeat_age_seconds": (now - latest.last_beat_at).total_seconds() if latest else None}
