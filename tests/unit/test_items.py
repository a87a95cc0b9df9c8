"""What every power-list item's tests share, written once: each scenario of each item runs (every
action reloads the matter into an independently parsed definition, tests/scenario.py), each item's
scenarios together take every sequence flow of the item, and each item's definition declares what
its test module says it declares.

The scenarios themselves (`SCENARIOS`, each returning its finished Scenario), the definition's facts
(`DEFINITION`, below) and the checks that belong to one item live in tests/unit/test_item_<key>.py.
A scenario runs once per session: the coverage check reuses the flows its run recorded instead of
running it again.

`DEFINITION` is a dict; the comparisons are exact unless said otherwise:
  name, list_code, category  the item as the power list names it (every other metadata value must be
                             present too)
  cites                      texts its policy basis cites: each occurs in it
  calls                      the processes it calls (none unless declared)
  lanes                      the roles that take part, each lane named as its role is registered
  supervision                its supervision points, each the 村务监督委员会's unless `roles` names another
  objections                 the steps that take objections during a publicity period
  separations                every step with a separation of duties -> the steps whose actors may not do
                             it ("start": whoever started the matter)
  roles, deadlines           step -> its lane, step -> its deadline: at least the steps named
  end_events                 end event id -> the outcome it records
  timers, called_sections    timer id -> name, called process -> the section its records go to (if declared)
  published                  step -> its one publication: section, publicity_step, shows (published, at
                             least these fields) and never_shows (fields it lists as never published)
No item's form field is named like a township parameter.
"""
from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from engine.registry import load_parameters, load_roles
from tests.catalogs import PROCESSES, item_catalog
from tests.flows import all_flows, flows_taken

MODULES = sorted(p.stem for p in Path(__file__).parent.glob("test_item_*.py"))
ITEMS = {name: importlib.import_module(f"tests.unit.{name}") for name in MODULES}
CASES = [(name, scenario) for name, module in ITEMS.items() for scenario in module.SCENARIOS]
_TAKEN: dict[tuple[str, str], set[str]] = {}       # (module, scenario) -> flows its matter took
IDS = [m.removeprefix("test_item_") for m in MODULES]
PUBLISHING = [m for m in MODULES if "published" in getattr(ITEMS[m], "DEFINITION", {})]
REQUIRED = {"name", "list_code", "category", "lanes", "supervision", "objections", "separations", "end_events"}
OPTIONAL = {"cites", "calls", "roles", "deadlines", "timers", "called_sections", "published"}
ROLES = load_roles(PROCESSES)
PARAMETERS = set(load_parameters(PROCESSES))


def _run(module: str, scenario) -> set[str]:
    key = (module, scenario.__name__)
    if key not in _TAKEN:
        _TAKEN[key] = flows_taken(scenario())
    return _TAKEN[key]


@pytest.mark.parametrize("module, scenario", CASES, ids=[f"{m.removeprefix('test_item_')}:{s.__name__}" for m, s in CASES])
def test_scenario(module, scenario):
    _run(module, scenario)


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_every_sequence_flow_is_taken(module):
    item = ITEMS[module]
    taken = set().union(*(_run(module, scenario) for scenario in item.SCENARIOS))
    assert all_flows(item.KEY) - taken == set()


def declared(module: str):
    """The item's DEFINITION (checked for its keys) and its parsed definition."""
    item = ITEMS[module]
    expected = getattr(item, "DEFINITION", None)
    assert isinstance(expected, dict), f"{module} declares no DEFINITION"
    assert REQUIRED - set(expected) == set(), "DEFINITION lacks these"
    assert set(expected) - REQUIRED - OPTIONAL == set(), "DEFINITION has keys nobody checks"
    return expected, item_catalog(item.KEY).bundle(item.KEY).info


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_name_metadata_and_calls(module):
    expected, info = declared(module)
    assert (info.name, info.metadata["list_code"], info.metadata["category"]) == (
        expected["name"], expected["list_code"], expected["category"])
    assert all(info.metadata.values()), info.metadata
    for text in expected.get("cites", ()):
        assert text in info.metadata["policy_basis"], text
    assert info.calls == expected.get("calls", ())
    if "called_sections" in expected:
        assert info.called_sections == expected["called_sections"]


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_no_field_is_named_like_a_parameter(module):
    _, info = declared(module)
    assert info.field_names() & PARAMETERS == set()


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_lanes_supervision_points_and_roles(module):
    expected, info = declared(module)
    assert set(info.lanes) == expected["lanes"]
    assert {lane: name for lane, name in info.lanes.items() if name != ROLES[lane].name} == {}, "named as registered"
    assert {k for k, step in info.steps.items() if step.supervision} == expected["supervision"]
    assert {k for k, step in info.steps.items() if step.objection_intake} == expected["objections"]
    roles = expected.get("roles", {})
    for step in expected["supervision"]:
        assert info.steps[step].role == roles.get(step, "SUPERVISION_COMMITTEE"), step
    for step, role in roles.items():
        assert info.steps[step].role == role, step
    for step, deadline in expected.get("deadlines", {}).items():
        assert info.steps[step].deadline == deadline, step


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_separation_of_duties(module):
    expected, info = declared(module)
    assert {k: step.separate_from for k, step in info.steps.items() if step.separate_from} == expected["separations"]


@pytest.mark.parametrize("module", MODULES, ids=IDS)
def test_end_events_and_timers(module):
    expected, info = declared(module)
    assert info.end_events == expected["end_events"]
    if "timers" in expected:
        assert info.timers == expected["timers"]


@pytest.mark.parametrize("module", PUBLISHING, ids=[m.removeprefix("test_item_") for m in PUBLISHING])
def test_what_is_published(module):
    expected, info = declared(module)
    for step, want in expected["published"].items():
        assert set(want) - {"section", "publicity_step", "shows", "never_shows"} == set(), step
        (publication,) = info.steps[step].publications
        assert (publication.section, publication.publicity_step) == (want["section"], want["publicity_step"]), step
        shown = {f.ref for f in publication.fields if f.cls != "never"}
        never = {f.ref for f in publication.fields if f.cls == "never"}
        assert want.get("shows", set()) - shown == set(), step
        assert want.get("never_shows", set()) - never == set() and not want.get("never_shows", set()) & shown, step
