"""What a step costs in SQL (issue 17): completing a step of the benchmark flow
(bench/items/bench_approval.bpmn) locks its matter and reads it with its ready steps, then writes
the step, the matter, the tallies and the audit chain: a handful of statements and one commit,
on both databases. The counts are exact figures of the code, not timings: a change that adds a
statement to every step shows here."""
from __future__ import annotations

import pytest
from sqlalchemy import event

from bench import approval_flow as flow

# Statements per completed step, BEGIN not counted (PostgreSQL's is not a statement of ours):
# lock the matter (with the withheld check), read its steps, mark the step done, add to the
# tallies, lock the audit head, write the matter, the events, the head and any new ready steps
# (the last step adds no ready step but counts the completion in a second upsert: 9 as well).
PER_STEP = 9


@pytest.fixture
def bench_ctx(ctx):
    return ctx, flow.install(ctx)


def test_each_step_costs_a_few_statements_and_one_commit(bench_ctx, database):
    ctx, actor = bench_ctx
    flow.run_one(ctx, actor, "预热")                 # caches filled as a running server has them
    counted = flow.Statements(database)
    matter = flow.start(ctx, actor)
    steps = []
    while matter.ready_steps:
        counted.reset()
        step = matter.ready_steps[0].step_id
        matter = flow.complete_next(ctx, actor, matter)
        steps.append((step, len(counted.seen), counted.commits, counted.seen))
    assert matter.status == "completed"
    assert sorted(s[0] for s in steps) == sorted(flow.ANSWERS)          # every step, once
    for step, count, commits, seen in steps:
        assert commits == 1, step
        assert count <= PER_STEP, (step, "; ".join(seen))


def test_a_read_takes_no_write_lock(ctx, database):
    """A read-only unit of work begins deferred on SQLite (a reader among readers, not queued
    behind a writer's BEGIN IMMEDIATE) and READ ONLY on PostgreSQL."""
    begun = []
    event.listen(database.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_a: begun.append(statement) if statement.startswith("BEGIN") else None)
    with ctx.uow(readonly=True) as uow:
        uow.orgs.list()
        if database.is_sqlite:
            assert begun == ["BEGIN"]
        else:
            assert uow.session.connection().exec_driver_sql("SHOW transaction_read_only").scalar() == "on"
    with ctx.uow() as uow:
        uow.orgs.list()
        if database.is_sqlite:
            assert begun[-1] == "BEGIN IMMEDIATE"


def test_sqlite_commits_in_wal_with_normal_sync(ctx, database):
    if not database.is_sqlite:
        pytest.skip("SQLite's journal settings")
    with ctx.uow(readonly=True) as uow:
        connection = uow.session.connection()
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1      # NORMAL
