"""Cost of one pass of an objection loop as the loop grows. Run: .venv/bin/python bench/bench_loops.py

A 村级物资及服务采购 matter at its result publicity; each pass is: an objection is registered, then
dismissed (the period starts again), then the matter is saved (dump) and loaded again, as a request
would. Prints the median milliseconds of a pass and the stored size around pass 10, 100, 180 and
1000, with the engine's pruning of earlier passes on and off (off: SpiffWorkflow as it is, which
stops at about pass 190 with a RecursionError).
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import engine.runtime  # noqa: E402
from engine.runtime import Matter  # noqa: E402
from tests.scenario import Scenario  # noqa: E402
from tests.unit.test_item_procurement import (CONTRACT, accepted, contract, handed_over_and_published, quotes,  # noqa: E402
                                              start, two_committees_decide)

MARKS = (10, 100, 180, 1000)


def run(passes: int) -> dict[int, tuple[float, int]]:
    Scenario._reload = lambda self: None            # the bench does its own dump/load per pass
    s = start(15000)
    two_committees_decide(s)
    quotes(s, CONTRACT)
    contract(s, CONTRACT)
    accepted(s)
    handed_over_and_published(s, CONTRACT)
    times, figures = [], {}
    for n in range(1, passes + 1):
        began = time.perf_counter()
        try:
            s.wait(0.1)
            s.do("result_objection", {"objection": "x", "objector": "y"}, role="SUPERVISION_COMMITTEE")
            s.do("reverify_result", {"verification_finding": "z", "objection_upheld": False}, role="TWO_COMMITTEES")
            state = s.matter.dump()
            s.matter = Matter.load(s.bundle, state)
        except RecursionError:
            figures[n] = (float("nan"), -1)
            break
        times.append((time.perf_counter() - began) * 1000)
        if n in MARKS:
            figures[n] = (statistics.median(times[-min(n, 50):]), len(state))   # the last 10 to 50 passes
    return figures


def _cell(figure, width: int) -> str:
    if figure is None:
        return f"{'-':>{width}} {'-':>9}"
    ms, size = figure
    if size == -1:
        return f"{'RecursionError':>{width + 10}}"
    return f"{ms:>{width}.2f} {size / 1024:>9.1f}"


def main() -> None:
    pruned = run(1000)
    real = engine.runtime.prune_history
    engine.runtime.prune_history = lambda workflow: 0
    unpruned = run(1000)
    engine.runtime.prune_history = real
    print(f"{'pass':>6} {'pruned ms':>10} {'state KB':>9} {'unpruned ms':>12} {'state KB':>9}")
    for n in sorted(set(pruned) | set(unpruned)):
        print(f"{n:>6} {_cell(pruned.get(n), 10)} {_cell(unpruned.get(n), 12)}")
    first, last = pruned[10][0], pruned[1000][0]
    print(f"pruned: pass 1000 costs {last / first:.2f}x pass 10")


if __name__ == "__main__":
    main()
