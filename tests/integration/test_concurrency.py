"""Races: two completions of one step, two timer workers at once."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from engine import clock
from engine.errors import Conflict
from engine.services import Actor, matters, timers
from engine.services.views import MatterView

from .helpers import DELIBERATE, PROPOSE, SEND_PLAN, do, ready, start_decision


def run_together(*functions):
    """Run functions in threads released at the same instant; their results or exceptions."""
    barrier, results = threading.Barrier(len(functions)), [None] * len(functions)

    def runner(i, fn):
        barrier.wait()
        try:
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - the race's loser is what we look at
            results[i] = exc

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(functions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_completions_of_one_step_never_both_succeed(ctx, clerk):
    for _ in range(5):
        m = start_decision(ctx, clerk)
        task_id = ready(m, "propose").id
        results = run_together(*[lambda task_id=task_id: matters.complete_step(ctx, clerk, task_id, PROPOSE)] * 2)
        wins = [r for r in results if isinstance(r, MatterView)]
        assert len(wins) == 1 and isinstance([r for r in results if r not in wins][0], Conflict), results
        steps = [e for e in matters.matter_history(ctx, clerk, m.id) if e.event == "step_completed"]
        assert len(steps) == 1


@pytest.mark.parametrize("database", ["postgresql"], indirect=True)
def test_two_workers_never_fire_one_timer_twice(ctx, clerk, database):
    ids = []
    for i in range(8):
        m = start_decision(ctx, clerk, f"事项{i}")
        for step, data in (("propose", PROPOSE), ("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):
            m = do(ctx, clerk, m, step, data)
        ids.append(m.id)
    due = datetime.now(timezone.utc) + timedelta(days=4)

    def worker():
        with clock.use_clock(clock.FixedClock(due)):
            return timers.advance_due_timers(ctx, Actor.system())

    first, second = run_together(worker, worker)
    assert sorted(r.matter_id for r in first + second) == sorted(ids)
    with database.engine.connect() as conn:
        fired = conn.execute(text("SELECT instance_id, count(*) FROM audit_events "
                                  "WHERE event = 'timer_fired' GROUP BY instance_id")).all()
    assert sorted(fired) == [(i, 1) for i in sorted(ids)]


def test_two_uploads_of_one_file_at_once_both_succeed(ctx, clerk):
    """Files are stored once by content: the second of two simultaneous inserts must not fail."""
    from engine.services.attachment_views import AttachmentView
    from engine.services.attachments import upload_attachment
    for i in range(5):
        scan = f"%PDF-1.4\n% scan {i}\n%%EOF\n".encode()
        results = run_together(*[lambda scan=scan: upload_attachment(ctx, clerk, "scan.pdf", scan)] * 2)
        assert all(isinstance(r, AttachmentView) for r in results), results
        assert results[0].sha256 == results[1].sha256 and results[0].id != results[1].id
