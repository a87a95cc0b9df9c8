"""Engine and service benchmarks. Run: .venv/bin/python bench/bench_engine.py [--repeat N]

Prints medians (timeit.repeat) and the ratios that justify the design: parse once and cache,
store instances without their spec. Numbers vary with the machine; compare ratios.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402

from engine import clock  # noqa: E402
from engine.runtime import DeepBpmnWorkflow, Matter  # noqa: E402
from engine.identity import Grant  # noqa: E402
from engine.services import Actor, Context, definitions, matters  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.store import Database  # noqa: E402
from tests.scenario import PROCESSES, catalog, default_parameters  # noqa: E402

PROPOSE = {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}
DELIBERATE = {"tc_members": 7, "tc_attendees": 6, "tc_for": 5, "tc_minutes": "记录", "tc_township_cadres": "无",
              "tc_minutes_file": ["scan"]}


def median_ms(fn, repeat: int, number: int = 1) -> float:
    return statistics.median(timeit.repeat(fn, repeat=repeat, number=number)) / number * 1000


def engine_figures(repeat: int) -> dict:
    from engine.definitions import Catalog
    files = {p.name: p.read_bytes() for p in (PROCESSES / "county").glob("*.bpmn")}
    bundle = catalog().bundle("major_decision")
    start = {**default_parameters(), "summary": "修路"}
    matter = Matter.start(bundle, start)
    matter.complete(matter.ready_steps()[0].task_id, PROPOSE)
    specless = matter.dump()
    full_config = dict(SPIFF_CONFIG)
    full_config[DeepBpmnWorkflow] = full_config[next(k for k in full_config if k.__name__ == "BpmnWorkflow")]
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(full_config))
    embedded = full.serialize_json(matter.workflow)

    def cycle():   # load, complete one step, dump: the engine part of one request
        m = Matter.load(bundle, specless)
        m.complete(m.ready_steps()[0].task_id, DELIBERATE)
        m.dump()

    return {
        "parse and validate the shipped items (ms)": median_ms(lambda: Catalog(files), repeat),
        "load spec-less state (ms)": median_ms(lambda: Matter.load(bundle, specless), repeat, 5),
        "load state with embedded spec (ms)": median_ms(lambda: full.deserialize_json(embedded), repeat, 5),
        "request cycle, engine only (ms)": median_ms(cycle, repeat, 5),
        "state size spec-less (KB)": len(specless) / 1024,
        "state size with spec (KB)": len(embedded) / 1024,
    }


def service_figures(repeat: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(f"sqlite:///{tmp}/bench.sqlite3")
        database.upgrade()
        ctx = Context(database)
        definitions.sync_definitions(ctx)
        seed_demo(ctx, Actor.system(), with_users=False)
        clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))

        def start():
            return matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "修路", {"summary": "x"})

        def start_and_complete():
            m = start()
            matters.complete_step(ctx, clerk, m.ready_steps[0].id, PROPOSE)

        for _ in range(200):
            start()
        figures = {
            "start_matter on SQLite (ms)": median_ms(start, repeat),
            "start + complete_step on SQLite (ms)": median_ms(start_and_complete, repeat),
            "list 50 ready steps of ~250 matters (ms)": median_ms(
                lambda: matters.list_tasks(ctx, clerk, "PARTY_BRANCH", None, 1, 50), repeat),
        }
        database.dispose()
        return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    clock.install()
    figures = {**engine_figures(args.repeat), **service_figures(args.repeat)}
    for name, value in figures.items():
        print(f"{name:48} {value:8.2f}")
    spec_less = figures['load spec-less state (ms)']
    print(f"{'ratio: parse items / load spec-less state':48} "
          f"{figures['parse and validate the shipped items (ms)'] / spec_less:8.1f}x")
    print(f"{'ratio: embedded / spec-less load time':48} {figures['load state with embedded spec (ms)'] / spec_less:8.2f}x")
    print(f"{'ratio: embedded / spec-less size':48} "
          f"{figures['state size with spec (KB)'] / figures['state size spec-less (KB)']:8.2f}x")
    print(json.dumps({k: round(v, 3) for k, v in figures.items()}, ensure_ascii=False))


if __name__ == "__main__":
    main()
