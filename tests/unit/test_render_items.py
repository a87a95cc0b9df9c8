"""Every item of the power list renders in all three formats, with its name, lanes and footer."""
import html
from pathlib import Path

import pytest

from engine.registry import load_parameters
from render import load_role_names, render_flowchart

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
ITEMS = sorted(PROCESSES.rglob("*.bpmn"))
ROLES = load_role_names(PROCESSES / "roles.toml")
PARAMETERS = {name: p.value for name, p in load_parameters(PROCESSES).items()}
MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "pdf": b"%PDF"}


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_every_item_renders(path, fmt):
    chart = render_flowchart(path.read_bytes(), fmt, role_names=ROLES, parameters=PARAMETERS)
    assert chart.startswith(MAGIC[fmt])


@pytest.mark.parametrize("path", ITEMS, ids=lambda p: p.stem)
def test_every_items_chart_names_its_item_lanes_and_basis(path):
    from lxml import etree
    root = etree.fromstring(path.read_bytes())
    ns = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}
    process = root.find("bpmn:process", ns)
    text = html.unescape(render_flowchart(path.read_bytes(), "svg", role_names=ROLES, parameters=PARAMETERS).decode())
    assert process.get("name") in text
    for lane in process.iterfind(".//bpmn:lane", ns):
        assert ROLES[lane.get("id")] in text
    assert "政策依据" in text and "投诉" in text
    assert "days(" not in text, "every period is drawn in days, from the parameters"
