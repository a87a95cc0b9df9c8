"""A matter's workflow kept in memory between its actions (engine/store/db.ParsedStates, issue 17):
the next action in the same process starts from it instead of parsing the stored state again, but
only when the row still holds exactly what that workflow was saved as; an action that fails never
leaves its half-changed workflow behind; reads always parse."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from bench import approval_flow as flow
from engine.errors import InvalidData
from engine.runtime import Matter
from engine.services import flowcharts, matters


@pytest.fixture
def bench(ctx):
    return ctx, flow.install(ctx)


@pytest.fixture
def parses(monkeypatch):
    """How many times a matter's state was parsed."""
    count = {"n": 0}
    real = Matter.load.__func__

    def counted(cls, *args, **kw):
        count["n"] += 1
        return real(cls, *args, **kw)
    monkeypatch.setattr(Matter, "load", classmethod(counted))
    return count


def test_the_next_action_starts_from_the_workflow_saved_by_the_last(bench, parses):
    ctx, actor = bench
    matter = flow.start(ctx, actor)
    while matter.ready_steps:
        matter = flow.complete_next(ctx, actor, matter)
    assert matter.status == "completed"
    assert parses["n"] == 0                         # five steps, not one parse


def test_a_refused_action_leaves_nothing_behind_and_the_next_one_parses(bench, parses):
    ctx, actor = bench
    matter = flow.complete_next(ctx, actor, flow.start(ctx, actor))        # draft done: approve is ready
    step = matter.ready_steps[0]
    with pytest.raises(InvalidData):
        matters.complete_step(ctx, actor, step.id, {"approved": "不是布尔值"})
    assert parses["n"] == 0
    matter = flow.complete_next(ctx, actor, matter)       # from the stored state: the refusal took the kept one
    assert parses["n"] == 1 and {s.step_id for s in matter.ready_steps} == {"check_supervision", "check_finance"}


def test_a_row_written_behind_the_process_is_parsed_again(bench, parses, database):
    """Another process (or a restore) wrote the row: its state is not the text kept, so it is read
    from the row, whatever its version number says (here the same state, spelled differently)."""
    ctx, actor = bench
    matter = flow.complete_next(ctx, actor, flow.start(ctx, actor))          # at approve
    with database.engine.begin() as connection:
        state = connection.execute(text("SELECT state FROM instances WHERE id = :id"), {"id": matter.id}).scalar()
        connection.execute(text("UPDATE instances SET state = :state WHERE id = :id"),
                           {"state": json.dumps(json.loads(state), indent=1), "id": matter.id})
    parses["n"] = 0
    matter = flow.complete_next(ctx, actor, matter)
    assert parses["n"] == 1 and {s.step_id for s in matter.ready_steps} == {"check_supervision", "check_finance"}


def test_reads_parse_and_never_take_the_kept_workflow(bench, parses):
    ctx, actor = bench
    matter = flow.complete_next(ctx, actor, flow.start(ctx, actor))
    assert matter.id in ctx.database.workflows._items                     # kept after the commit
    flowcharts.matter_flowchart_source(ctx, actor, matter.id)             # a read: parses its own
    assert parses["n"] == 1
    matter = flow.complete_next(ctx, actor, matter)                      # the kept one is still there
    assert parses["n"] == 1 and matter.ready_steps
