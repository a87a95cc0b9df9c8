"""The service layer per step against SpiffWorkflow in memory, on the same flow, as a ratio.

Run: .venv/bin/python bench/bench_service.py [--matters 200] [--database URL]

The flow is bench/items/bench_approval.bpmn (issue 17: two user steps, a decision, two parallel
checks, a final step; five steps). Measured in one run:

- SpiffWorkflow alone, per step: the library's own parser, workflow and serializer, no database:
  complete the ready task and run the engine on, then serialize the workflow ("serialize"); and the
  same preceded by deserializing it ("roundtrip"), which is what a stateless server must do.
- Xiaowei's service layer, per step: `matters.complete_step` (scope and role checks, the form, the
  engine, the inbox, the audit chain, the tallies, one commit) on SQLite by default (a temporary
  file, WAL) or on the database named by --database; with the SQL statements and commits it
  issued (counted on the engine's events).

Medians over every step of every matter; the ratio is the service layer's median per step over
SpiffWorkflow's roundtrip median per step.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from SpiffWorkflow import TaskState  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.parser import BpmnParser  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from bench import approval_flow as flow  # noqa: E402
from engine.services import Context  # noqa: E402
from engine.store import Database  # noqa: E402


def spiff_alone(matters: int) -> dict[str, float]:
    """Per-step medians (ms) of SpiffWorkflow by itself on the benchmark item."""
    parser = BpmnParser()
    parser.add_bpmn_file(str(flow.ITEM))
    spec = parser.get_spec(flow.KEY)
    serializer = BpmnWorkflowSerializer()
    serialize, roundtrip = [], []
    for _ in range(matters):
        workflow = BpmnWorkflow(spec)
        workflow.task_tree.data.update({"amount": 1200})
        workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
        while not workflow.is_completed():
            began = time.perf_counter()
            workflow = serializer.deserialize_json(state)
            loaded = time.perf_counter()
            task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
            task.set_data(**flow.ANSWERS[task.task_spec.bpmn_id])
            task.run()
            workflow.do_engine_steps()
            state = serializer.serialize_json(workflow)
            ended = time.perf_counter()
            roundtrip.append(ended - began)
            serialize.append(ended - loaded)
    return {"serialize": statistics.median(serialize) * 1000, "roundtrip": statistics.median(roundtrip) * 1000}


def service_layer(url: str, matters: int) -> dict[str, float]:
    database = Database(url)
    database.upgrade()
    ctx = Context(database)
    actor = flow.install(ctx)
    for _ in range(20):                              # warm the caches (bundle, statements)
        flow.run_one(ctx, actor)
    counter = flow.Statements(database, begin=True)
    per_step, statements, commits = [], [], []
    for n in range(matters):
        matter = flow.start(ctx, actor, f"基准测试 {n}")
        while matter.ready_steps:
            counter.reset()
            began = time.perf_counter()
            matter = flow.complete_next(ctx, actor, matter)
            per_step.append(time.perf_counter() - began)
            statements.append(len(counter.seen))
            commits.append(counter.commits)
    database.dispose()
    return {"step": statistics.median(per_step) * 1000, "step_p95": _p95(per_step) * 1000,
            "statements": statistics.median(statements), "statements_max": max(statements),
            "commits": statistics.median(commits)}


def _p95(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=200, help="matters run to their end (5 steps each)")
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    spiff = spiff_alone(args.matters)
    with tempfile.TemporaryDirectory() as tmp:
        ours = service_layer(args.database or f"sqlite:///{tmp}/bench.sqlite3", args.matters)
    print(f"{'SpiffWorkflow alone: complete + serialize, per step (ms)':62} {spiff['serialize']:8.2f}")
    print(f"{'SpiffWorkflow alone: deserialize + complete + serialize (ms)':62} {spiff['roundtrip']:8.2f}")
    print(f"{'Xiaowei complete_step, median per step (ms)':62} {ours['step']:8.2f}")
    print(f"{'Xiaowei complete_step, p95 per step (ms)':62} {ours['step_p95']:8.2f}")
    print(f"{'SQL statements per step (median / max)':62} {ours['statements']:5.0f} / {ours['statements_max']}")
    print(f"{'commits per step (median)':62} {ours['commits']:8.0f}")
    print(f"{'ratio: Xiaowei step / SpiffWorkflow roundtrip':62} {ours['step'] / spiff['roundtrip']:7.1f}x")
    print(f"{'ratio: Xiaowei step / SpiffWorkflow serialize only':62} {ours['step'] / spiff['serialize']:7.1f}x")


if __name__ == "__main__":
    main()
