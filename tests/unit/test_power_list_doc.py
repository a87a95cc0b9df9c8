"""docs/power-list.md is generated from the definitions; it may never drift from them."""
from pathlib import Path

from engine.registry import Parameter
from engine.power_list import duration_words, power_list_markdown
from engine.registry import load_parameters, load_roles
from tests.scenario import PROCESSES, catalog

DOC = Path(__file__).resolve().parents[2] / "docs" / "power-list.md"


def generated() -> str:
    return power_list_markdown(catalog(), load_roles(PROCESSES), load_parameters(PROCESSES))


def test_power_list_doc_is_up_to_date():
    assert DOC.read_text(encoding="utf-8") == generated(), "docs/power-list.md is stale: run `make docs`"


def test_doc_lists_every_item_with_its_steps():
    text = generated()
    for info in catalog().processes.values():
        assert f"### {info.metadata['list_code']} {info.name}" in text
        for step in info.steps.values():
            assert f"| {step.name} |" in text


def test_duration_words():
    assert duration_words("P10D", {}) == "10天"
    assert duration_words("days(x)", {"x": 15}) == "15天"
    assert duration_words("days(x)", {"x": Parameter("x", "异议核实天数", 15, 1, 90)}) == "15天（异议核实天数）"
    assert duration_words("days(a if c else b)", {"a": 45, "b": 30}) == "45天或30天"
    assert duration_words("days(unknown)", {}) == "days(unknown)"          # shown as written
    assert duration_words("PT12H", {}) == "12小时"
    assert duration_words(None, {}) == ""
