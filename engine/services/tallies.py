"""Keeping the 考核 tallies as matters move (engine/store/tally_models.py), in the unit of work of
the action that moved them: a matter started, a step completed, a matter completed, its first
record shown or its records withdrawn. One upsert each (two when a step completes in a later month
than its matter was started), so the supervisors' dashboard sums a few rows per village instead of
counting every matter and step of the period (issue 12: p95 <= 200 ms at 100,000 matters).

`rebuild` counts everything again from the stored rows (`xiaowei statistics rebuild`)."""
from __future__ import annotations

from datetime import datetime

from .. import clock
from ..errors import Forbidden
from ..workdays import BEIJING
from .views import TalliesRebuilt


def month_of(moment: datetime) -> int:
    """The Beijing month of a UTC moment, as 202612 (periods are Beijing months)."""
    local = moment.astimezone(BEIJING)
    return local.year * 100 + local.month


def _add(uow, record, month: int, **counts) -> None:
    if record.sandbox:              # a test run (试运行) never counts
        return
    uow.tallies.add(record.village_code, record.township_code, month, record.process_key, **counts)


def matter_started(uow, record) -> None:
    _add(uow, record, month_of(record.created_at), matters=1)


def matter_completed(uow, record) -> None:
    _add(uow, record, month_of(record.created_at), completed=1)


def records_shown(uow, record, change: int) -> None:
    """+1 when a matter's first record is published, -1 when its records are withdrawn."""
    _add(uow, record, month_of(record.created_at), published=change)


def step_completed(uow, record, item) -> None:
    """Evidence counts in the matter's month, the step's timeliness in the month it was done."""
    evidence = {"evidence_fields": item.evidence_fields or 0, "evidence_given": item.evidence_given or 0}
    timing = ({"steps_due": 1, "steps_on_time": int(item.completed_at <= item.due_at)}
              if item.due_at is not None else {})
    started, done = month_of(record.created_at), month_of(item.completed_at)
    if started == done:
        _add(uow, record, started, **evidence, **timing)
        return
    _add(uow, record, started, **evidence)       # the earlier month first: every writer locks in month order
    if timing:
        _add(uow, record, done, **timing)


def rebuild(ctx, actor) -> TalliesRebuilt:
    """Count every tally again from the matters, their completed steps and their records; audited.

    Raises:
        Forbidden: only the system (the command line at the server) rebuilds.
    """
    if not actor.is_system:
        raise Forbidden("只能在服务器上用 xiaowei statistics rebuild 重新统计")
    with ctx.uow() as uow:
        rows = uow.tallies.rebuild()
        uow.audit.append("tallies_rebuilt", actor.name, None, {"rows": rows}, clock.now().isoformat())
        uow.commit()
    return TalliesRebuilt(rows=rows)
