"""SQLite's one write lock, taken in turn and late (issue 17).

The threads of a process queue for it and processes try for it every millisecond at most
(engine/store/db._begin_writing); a step completion reads its matter and runs the step before it
takes the lock, its writes guarded, and is done again in turn when another action on the matter
came in between (store/uow.py, optimistic=True). These tests make each race happen on purpose:
an action of another user committed between a completion's reads and its writes."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select, update

from bench import approval_flow as flow
from engine import clock
from engine.errors import Conflict
from engine.runtime import Matter
from engine.services import Actor, matters
from engine.services.audit import verify_chain
from engine.store.models import AuditEvent, InboxItem

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sqlite_only(database):
    if not database.is_sqlite:
        pytest.skip("SQLite's write lock (PostgreSQL locks the matter's row as it reads it)")


def _at_parallel_checks(ctx):
    """A matter of the benchmark flow at its two parallel checks, and the actor of every step."""
    actor = flow.install(ctx)
    matter = flow.start(ctx, actor)
    while len(matter.ready_steps) < 2:
        matter = flow.complete_next(ctx, actor, matter)
    return actor, matter


def _between_reads_and_writes(monkeypatch, action):
    """Run `action` once, the first time a step is run: after the completion read its matter,
    before it took the write lock."""
    original, done = Matter.complete, []

    def complete(self, *args, **kwargs):
        if not done:
            done.append(True)
            action()
        return original(self, *args, **kwargs)
    monkeypatch.setattr(Matter, "complete", complete)


def _completions(ctx, matter_id: int) -> list[str]:
    """The steps (task ids) the audit chain says were completed in the matter, in order."""
    with ctx.uow(readonly=True) as uow:
        events = uow.session.scalars(select(AuditEvent).where(
            AuditEvent.matter_id == matter_id, AuditEvent.event == "step_completed").order_by(AuditEvent.seq))
        return [event.payload["task_id"] for event in events]


def test_a_step_raced_between_its_reads_and_writes_is_done_again_in_turn(ctx, sqlite_only, monkeypatch):
    actor, matter = _at_parallel_checks(ctx)
    first, second = matter.ready_steps
    _between_reads_and_writes(monkeypatch, lambda: matters.complete_step(
        ctx, actor, second.id, flow.ANSWERS[second.step_id]))

    after = matters.complete_step(ctx, actor, first.id, flow.ANSWERS[first.step_id])

    assert [s.step_id for s in after.ready_steps] == ["finish"]          # both checks done, the join passed
    done = _completions(ctx, matter.id)
    assert done[-2:] == [second.id, first.id]       # the lost attempt left nothing: each once, in turn
    assert len(done) == len(set(done))
    assert verify_chain(ctx, Actor.system(), full=True).ok


def test_a_claim_between_reads_and_writes_wins(ctx, sqlite_only, monkeypatch):
    actor, matter = _at_parallel_checks(ctx)
    step = matter.ready_steps[0]

    def claim():
        with ctx.uow() as uow:
            uow.session.execute(update(InboxItem).where(InboxItem.task_id == step.id).values(claimed_by="other_clerk"))
            uow.commit()
    _between_reads_and_writes(monkeypatch, claim)

    with pytest.raises(Conflict, match="认领"):
        matters.complete_step(ctx, actor, step.id, flow.ANSWERS[step.step_id])
    with ctx.uow(readonly=True) as uow:
        row = uow.session.get(InboxItem, step.id)
        assert (row.state, row.claimed_by) == ("ready", "other_clerk")
    assert step.id not in _completions(ctx, matter.id)


def test_reads_before_the_first_write_hold_no_write_lock(ctx, database, sqlite_only):
    """An optimistic unit of work that has read lets another write and commit; its own writes then
    see that commit (its audit event follows the other's in the chain)."""
    now = clock.now().isoformat()
    with ctx.uow(optimistic=True) as late:
        late.orgs.list()
        with ctx.uow() as other:                      # would wait 30 s for a lock taken at the read
            other.audit.append("test_other", "tester", None, {}, now)
            other.commit()
        late.audit.append("test_late", "tester", None, {}, now)
        late.commit()
    with ctx.uow(readonly=True) as uow:
        kinds = list(uow.session.scalars(select(AuditEvent.event).order_by(AuditEvent.seq.desc()).limit(2)))
    assert kinds == ["test_late", "test_other"]
    assert verify_chain(ctx, Actor.system(), full=True).ok


def test_threads_of_a_process_take_turns(ctx):
    errors: list[BaseException] = []

    def append(n: int) -> None:
        try:
            for i in range(25):
                with ctx.uow() as uow:
                    uow.audit.append("test_turn", f"thread{n}", None, {"i": i}, clock.now().isoformat())
                    uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with ctx.uow(readonly=True) as uow:
        assert len(list(uow.session.scalars(select(AuditEvent.seq).where(AuditEvent.event == "test_turn")))) == 100
    assert verify_chain(ctx, Actor.system(), full=True).ok


_WRITER = """
import sys
from engine import clock
from engine.store import Database
from engine.store.uow import UnitOfWork
database = Database(sys.argv[1])
for i in range(int(sys.argv[2])):
    with UnitOfWork(database) as uow:
        uow.audit.append("test_process", sys.argv[3], None, {"i": i}, clock.now().isoformat())
        uow.commit()
"""


def test_processes_take_turns_for_the_write_lock(ctx, database):
    """Two processes appending to the chain at once: every append lands, the chain holds."""
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, database.url, "40", f"p{n}"], cwd=ROOT,
                                stderr=subprocess.PIPE, text=True) for n in range(2)]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err[-2000:]
    with ctx.uow(readonly=True) as uow:
        actors = list(uow.session.scalars(select(AuditEvent.actor).where(AuditEvent.event == "test_process")))
    assert sorted(set(actors)) == ["p0", "p1"] and len(actors) == 80
    assert verify_chain(ctx, Actor.system(), full=True).ok
