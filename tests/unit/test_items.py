"""What every power-list item's tests share, written once: each scenario of each item runs (every
action reloads the matter into an independently parsed definition, tests/scenario.py), and each
item's scenarios together take every sequence flow of the item.

The scenarios themselves (`SCENARIOS`, each returning its finished Scenario) and the checks that
belong to one item live in tests/unit/test_item_<key>.py. A scenario runs once per session: the
coverage check reuses the flows its run recorded instead of running it again.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.flows import all_flows, flows_taken

MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_item_*.py"))
ITEMS = {name: importlib.import_module(f"tests.unit.{name}") for name in MODULES}
CASES = [(name, scenario) for name, module in ITEMS.items() for scenario in module.SCENARIOS]
_TAKEN: dict[tuple[str, str], set[str]] = {}       # (module, scenario) -> flows its matter took


def _run(module: str, scenario) -> set[str]:
    key = (module, scenario.__name__)
    if key not in _TAKEN:
        _TAKEN[key] = flows_taken(scenario())
    return _TAKEN[key]


@pytest.mark.parametrize("module, scenario", CASES, ids=[f"{m.removeprefix('test_item_')}:{s.__name__}" for m, s in CASES])
def test_scenario(module, scenario):
    _run(module, scenario)


@pytest.mark.parametrize("module", MODULES, ids=[m.removeprefix("test_item_") for m in MODULES])
def test_every_sequence_flow_is_taken(module):
    item = ITEMS[module]
    taken = set().union(*(_run(module, scenario) for scenario in item.SCENARIOS))
    assert all_flows(item.KEY) - taken == set()
