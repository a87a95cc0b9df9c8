"""Flow coverage of the power list, as a pytest plugin: which test took which sequence flow.

Every Scenario a test creates is inspected when the test ends. When the session ran the scenario
tests of every item (`make flow-coverage`, or the whole suite), it writes
test-artifacts/flow-coverage.md (each item's flows and the tests that took them) and fails if any
flow of any item was never taken, or an item has no scenario tests at all.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from tests.flows import flows_taken_by_process, sequence_flows
from tests.scenario import Scenario, catalog

REPORT = Path(__file__).resolve().parents[1] / "test-artifacts" / "flow-coverage.md"
TAKEN: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))   # item -> flow -> tests
RAN: set[str] = set()                                                            # test modules that ran


@pytest.fixture(autouse=True)
def _record_flows(request):
    first = len(Scenario.created)
    RAN.add(Path(str(request.node.fspath)).stem)
    yield
    for scenario in Scenario.created[first:]:
        for key, flows in flows_taken_by_process(scenario).items():
            for flow in flows:
                TAKEN[key][flow].add(request.node.nodeid.split("::", 1)[-1])
    del Scenario.created[first:]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist: a worker finished; take in what its tests took (the controller reports)."""
    output = getattr(node, "workeroutput", {}).get("flowcov")
    if output:
        RAN.update(output["ran"])
        for key, flows in output["taken"].items():
            for flow, tests in flows.items():
                TAKEN[key][flow].update(tests)


def pytest_sessionfinish(session, exitstatus):
    worker_output = getattr(session.config, "workeroutput", None)
    if worker_output is not None:          # an xdist worker: hand the record to the controller
        worker_output["flowcov"] = {"ran": sorted(RAN), "taken": {
            key: {flow: sorted(tests) for flow, tests in flows.items()} for key, flows in TAKEN.items()}}
        return
    items = catalog().processes
    if not any(m.startswith("test_item_") for m in RAN):
        return
    # An item is tested when its scenarios ran (tests/unit/test_items.py) and its own module did.
    untested = sorted(k for k in items if f"test_item_{k}" not in RAN or "test_items" not in RAN)
    missing = {}
    lines = ["# 流程覆盖报告（每条顺序流由哪些测试走过）", ""]
    for key in sorted(items):
        flows = sorted(set(sequence_flows(catalog().bundle(key), key).values()))
        gone = [f for f in flows if not TAKEN[key].get(f)]
        if gone:
            missing[key] = gone
        lines += [f"## {key} {items[key].name}: {len(flows) - len(gone)}/{len(flows)}", ""]
        lines += [f"- `{f}`: " + (", ".join(sorted(TAKEN[key][f])[:3]) + (" …" if len(TAKEN[key][f]) > 3 else "")
                                  if TAKEN[key].get(f) else "**NEVER TAKEN**") for f in flows]
        lines.append("")
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    if untested or session.testsfailed:     # part of the item suite ran, or it failed already
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if missing:
        summary = ", ".join(f"{key}: {', '.join(flows)}" for key, flows in missing.items())
        reporter.write_line(f"flow coverage: flows never taken: {summary} (report: {REPORT})", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        total = sum(len(TAKEN[k]) for k in items)
        reporter.write_line(f"flow coverage: all {total} sequence flows of {len(items)} items taken (report: {REPORT})")
