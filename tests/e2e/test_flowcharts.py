"""Flowcharts over HTTP and the command line, drawn from the stored definitions."""
import html
import re

import pytest
from click.testing import CliRunner
from lxml import etree

from api.cli import cli

from .test_api import complete, start

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("fmt, mimetype, magic", [("svg", "image/svg+xml", b"<?xml"), ("png", "image/png", b"\x89PNG"),
                                                  ("pdf", "application/pdf", b"%PDF")])
def test_item_flowchart_in_each_format(client, fmt, mimetype, magic):
    r = client.get(f"/api/v1/processes/major_decision/flowchart.{fmt}")
    assert r.status_code == 200 and r.mimetype == mimetype and r.data.startswith(magic)
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    again = client.get(f"/api/v1/processes/major_decision/flowchart.{fmt}", headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_item_flowchart_says_what_the_definition_says(client):
    text = html.unescape(client.get("/api/v1/processes/major_decision/flowchart.svg").get_data(as_text=True))
    for words in ("村级重大事项决策（四议两公开）", "JC-01", "党员大会", "村务监督委员会", "公示期满无异议", "3天）", "12388", "村民委员会组织法"):
        assert words in text, words


def test_unknown_item_or_format(client):
    assert client.get("/api/v1/processes/nothing/flowchart.svg").status_code == 404
    assert client.get("/api/v1/processes/major_decision/flowchart.gif").status_code == 404


def node_fills(svg: str) -> dict[str, str]:
    """BPMN element id of each drawn node -> the fill colour of its shape."""
    root = etree.fromstring(svg.encode())
    fills = {}
    for group in root.iter(f"{SVG}g"):
        if (group.get("class") or "").startswith("node"):
            shape = next((el for el in group if el.tag != f"{SVG}title" and el.get("fill") not in (None, "none")), None)
            if shape is not None:
                fills[group.get("id")] = shape.get("fill")
    return fills


def test_matter_flowchart_colours_follow_the_matter(client):
    m = start(client).json
    m = complete(client, m, "propose", {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}).json
    r = client.get(f"/api/v1/instances/{m['id']}/flowchart.svg")
    assert r.status_code == 200
    text = html.unescape(r.get_data(as_text=True))
    fills = node_fills(text)
    assert fills["propose"] == "#c8e6c9"          # completed
    assert fills["deliberate"] == "#ffcc80"       # ready, waiting for the 两委
    assert fills["review"] == "#f5f5f5"           # not reached
    assert re.search(r"待办：村“两委”联席会议", text)
    assert client.get(f"/api/v1/instances/{m['id']}/flowchart.png").data.startswith(b"\x89PNG")
    assert client.get("/api/v1/instances/99999/flowchart.svg").status_code == 404


def test_cli_renders_an_item_and_the_booklet(tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["render", "village_project", "-o", str(tmp_path / "vp.png")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "vp.png").read_bytes().startswith(b"\x89PNG")
    out = runner.invoke(cli, ["render", "--all", "-o", str(tmp_path / "list.pdf")])
    assert out.exit_code == 0 and (tmp_path / "list.pdf").read_bytes().startswith(b"%PDF")
    assert runner.invoke(cli, ["render", "--all", "-o", str(tmp_path / "list.svg")]).exit_code == 2
    assert runner.invoke(cli, ["render", "-o", str(tmp_path / "x.svg")]).exit_code == 2


def test_a_chart_that_cannot_be_drawn_is_a_422_naming_the_problem(client, monkeypatch):
    import api.rest.flowcharts
    from render.errors import RenderError

    def broken(*args, **kwargs):
        raise RenderError("major_decision.bpmn: 元素 gw 的连线无法布局")
    monkeypatch.setattr(api.rest.flowcharts, "render_flowchart", broken)
    r = client.get("/api/v1/processes/major_decision/flowchart.svg")
    assert r.status_code == 422 and "元素 gw" in r.json["message"]
