"""The shipped BPMN files carry diagram interchange (BPMNDI), so that bpmn.io and Camunda Modeler
open them laid out (issue 13, deliverable 5); `render/bpmndi.py` writes it (`make diagrams`).

The files are read here with plain xml.etree.ElementTree and this module's own list of flow node
kinds, not with the engine's parser, bpmn_reader or the generator's checker."""
import re
import xml.etree.ElementTree as ET
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import cli
from render.bpmndi import diagram_problems, with_diagram

ROOT = Path(__file__).resolve().parents[2]
# What is shipped: the power list under processes/ (bench/items and tests/fixtures are test inputs).
SHIPPED = sorted((ROOT / "processes").rglob("*.bpmn"))

MODEL = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
# Every kind of flow node of a BPMN 2.0 process (the spec's FlowNode subclasses).
FLOW_NODE_KINDS = {
    "task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask", "sendTask", "receiveTask",
    "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "implicitThrowEvent",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
}


def kind(element) -> str:
    return element.tag.split("}")[-1] if element.tag.startswith(f"{{{MODEL}}}") else ""


def bounds(shape) -> tuple[float, float, float, float]:
    b = shape.find(f"{{{DC}}}Bounds")
    return tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))


def overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def inside(inner, outer) -> bool:
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def on_border(point, box) -> bool:
    x, y = point
    bx, by, bw, bh = box
    within_x, within_y = bx - 1 <= x <= bx + bw + 1, by - 1 <= y <= by + bh + 1
    return (within_x and (abs(y - by) <= 1 or abs(y - by - bh) <= 1)) or \
        (within_y and (abs(x - bx) <= 1 or abs(x - bx - bw) <= 1))


def problems(root) -> list[str]:
    """What a diagram lacks or gets wrong, read independently of the generator."""
    found = []
    elements = {e.get("id"): e for e in root.iter() if kind(e) and e.get("id")}
    nodes = {i: e for i, e in elements.items() if kind(e) in FLOW_NODE_KINDS}
    flows = {i: e for i, e in elements.items() if kind(e) == "sequenceFlow"}
    lanes = {i: e for i, e in elements.items() if kind(e) == "lane"}
    diagrams = root.findall(f"{{{BPMNDI}}}BPMNDiagram")
    if not diagrams:
        return ["no BPMNDiagram"]
    shapes_of, edges_of = {}, {}
    for diagram in diagrams:
        plane = diagram.find(f"{{{BPMNDI}}}BPMNPlane")
        if plane is None or plane.get("bpmnElement") not in elements:
            found.append(f"plane of {diagram.get('id')} shows no element of the file")
            continue
        plane_shapes = plane.findall(f"{{{BPMNDI}}}BPMNShape")
        for shape in plane_shapes:
            shapes_of.setdefault(shape.get("bpmnElement"), []).append(shape)
        for edge in plane.findall(f"{{{BPMNDI}}}BPMNEdge"):
            edges_of.setdefault(edge.get("bpmnElement"), []).append(edge)
        boxes = [(s.get("bpmnElement"), bounds(s)) for s in plane_shapes
                 if kind(elements.get(s.get("bpmnElement"), ET.Element("x"))) in FLOW_NODE_KINDS - {"boundaryEvent"}]
        found += [f"{a} overlaps {b}" for (a, box_a), (b, box_b) in combinations(boxes, 2) if overlap(box_a, box_b)]
    for ident in (*nodes, *lanes):
        if len(shapes_of.get(ident, [])) != 1:
            found.append(f"{ident}: {len(shapes_of.get(ident, []))} shapes")
    for ident, shapes in shapes_of.items():
        if ident not in elements:
            found.append(f"a shape shows {ident}, which the file does not have")
        for shape in shapes:
            if not (bounds(shape)[2] > 0 and bounds(shape)[3] > 0):
                found.append(f"{ident}: size {bounds(shape)[2:]}")
    box = {i: bounds(s[0]) for i, s in shapes_of.items() if len(s) == 1}
    for ident, flow in flows.items():
        edges = edges_of.get(ident, [])
        points = [(float(p.get("x")), float(p.get("y"))) for e in edges for p in e.findall(f"{{{DI}}}waypoint")]
        if len(edges) != 1 or len(points) < 2:
            found.append(f"{ident}: {len(edges)} edges, {len(points)} waypoints")
        elif {flow.get("sourceRef"), flow.get("targetRef")} <= box.keys() and not (
                on_border(points[0], box[flow.get("sourceRef")]) and on_border(points[-1], box[flow.get("targetRef")])):
            found.append(f"{ident}: does not run from its source's border to its target's")
    for ident, lane in lanes.items():
        if ident in box:
            for ref in lane.iter(f"{{{MODEL}}}flowNodeRef"):
                node = ref.text.strip()
                if node in box and kind(nodes[node]) != "boundaryEvent" and not inside(box[node], box[ident]):
                    found.append(f"{node} lies outside its lane {ident}")
    for ident, node in nodes.items():
        if kind(node) == "boundaryEvent" and ident in box and node.get("attachedToRef") in box:
            x, y, w, h = box[ident]
            if not on_border((x + w / 2, y + h / 2), box[node.get("attachedToRef")]):
                found.append(f"{ident} is not on its host's border")
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_shipped_item_shows_every_node_lane_and_flow(path):
    root = ET.parse(path).getroot()
    assert problems(root) == [], f"run `make diagrams` ({path.name})"
    (plane,) = root.iter(f"{{{BPMNDI}}}BPMNPlane")
    assert plane.get("bpmnElement") == root.find(f"{{{MODEL}}}process").get("id")
    shapes = {s.get("bpmnElement"): s for s in plane.iter(f"{{{BPMNDI}}}BPMNShape")}
    for element in root.iter():
        if kind(element) == "exclusiveGateway":
            assert shapes[element.get("id")].get("isMarkerVisible") == "true"
        if kind(element) == "lane":
            assert shapes[element.get("id")].get("isHorizontal") == "true"
    sizes = {kind(e): bounds(shapes[e.get("id")])[2:] for e in root.iter() if kind(e) in FLOW_NODE_KINDS}
    assert sizes.get("userTask", (100, 80)) == (100, 80) and sizes.get("endEvent") == (36, 36)
    assert sizes.get("exclusiveGateway", (50, 50)) == (50, 50)


def test_lanes_are_stacked_bands():
    for path in SHIPPED:
        root = ET.parse(path).getroot()
        shapes = {s.get("bpmnElement"): bounds(s) for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
        bands = [shapes[lane.get("id")] for lane in root.iter(f"{{{MODEL}}}lane")]
        assert len({(x, w) for x, _, w, _ in bands}) == 1, path.name          # one width, one left edge
        assert all(a[1] + a[3] == b[1] for a, b in zip(bands, bands[1:], strict=False)), path.name   # in order


DIAGRAM = re.compile(rb"\n[ \t]*<bpmndi:BPMNDiagram\b.*</bpmndi:BPMNDiagram>", re.S)


@pytest.mark.parametrize("path", SHIPPED[:3] + [ROOT / "tests/fixtures/townships/tea_garden_lease.bpmn"],
                         ids=lambda p: p.stem)
def test_the_generator_is_idempotent_and_only_appends(path):
    bare = DIAGRAM.sub(b"", path.read_bytes())
    assert b"BPMNDiagram" not in bare
    laid = with_diagram(bare)
    assert with_diagram(laid) == laid
    assert DIAGRAM.sub(b"", laid) == bare                   # the rest of the file byte for byte
    end = bare.rindex(b"</bpmn:definitions>")
    assert laid.startswith(bare[:end].rstrip()) and laid.endswith(bare[end - 1:])
    assert problems(ET.fromstring(laid)) == []
    assert diagram_problems(bare) and not diagram_problems(laid)


ODD = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a comment that mentions </bpmn:definitions> and <bpmndi:BPMNDiagram> -->
<m:definitions xmlns:m="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:omgdc="http://www.omg.org/spec/DD/20100524/DC"
    xmlns:omgdi="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="x">
  <m:collaboration id="collab">
    <m:participant id="pool_a" processRef="a" />
    <m:participant id="pool_b" />
    <m:messageFlow id="mf" sourceRef="pool_b" targetRef="t1" />
  </m:collaboration>
  <m:process id="a">
    <m:laneSet id="ls">
      <m:lane id="outer">
        <m:childLaneSet id="cls">
          <m:lane id="inner1"><m:flowNodeRef>s</m:flowNodeRef><m:flowNodeRef>t1</m:flowNodeRef>
            <m:flowNodeRef>timer</m:flowNodeRef><m:flowNodeRef>err</m:flowNodeRef></m:lane>
          <m:lane id="inner2"><m:flowNodeRef>g</m:flowNodeRef><m:flowNodeRef>sub</m:flowNodeRef></m:lane>
        </m:childLaneSet>
      </m:lane>
      <m:lane id="empty" />
      <m:lane id="last"><m:flowNodeRef>e</m:flowNodeRef><m:flowNodeRef>late</m:flowNodeRef></m:lane>
    </m:laneSet>
    <m:startEvent id="s" />
    <m:userTask id="t1" name="\xe4\xb8\x80" />
    <m:boundaryEvent id="timer" attachedToRef="t1"><m:timerEventDefinition /></m:boundaryEvent>
    <m:boundaryEvent id="err" attachedToRef="t1"><m:errorEventDefinition /></m:boundaryEvent>
    <m:exclusiveGateway id="g" />
    <m:subProcess id="sub">
      <m:startEvent id="ss" /><m:task id="st" /><m:endEvent id="se" />
      <m:sequenceFlow id="sf1" sourceRef="ss" targetRef="st" /><m:sequenceFlow id="sf2" sourceRef="st" targetRef="se" />
    </m:subProcess>
    <m:endEvent id="e" /><m:endEvent id="late" />
    <m:sequenceFlow id="f1" sourceRef="s" targetRef="t1" />
    <m:sequenceFlow id="f2" sourceRef="t1" targetRef="g" />
    <m:sequenceFlow id="f3" sourceRef="g" targetRef="sub" />
    <m:sequenceFlow id="back" sourceRef="g" targetRef="t1" />
    <m:sequenceFlow id="f4" sourceRef="sub" targetRef="e" />
    <m:sequenceFlow id="f5" sourceRef="timer" targetRef="late" />
    <m:sequenceFlow id="f6" sourceRef="err" targetRef="t1" />
  </m:process>
  <bpmndi:BPMNDiagram id="old"><bpmndi:BPMNPlane id="old_plane" bpmnElement="a" /></bpmndi:BPMNDiagram>
</m:definitions>
"""


def test_any_file_shape_pools_nested_lanes_sub_processes_and_prefixes():
    laid = with_diagram(ODD)
    assert with_diagram(laid) == laid
    root = ET.fromstring(laid)
    assert problems(root) == [] and diagram_problems(laid) == []
    planes = [p.get("bpmnElement") for p in root.iter(f"{{{BPMNDI}}}BPMNPlane")]
    assert planes == ["collab", "sub"]                  # the sub-process drills down to its own plane
    text = laid.decode()
    assert 'id="old"' not in text and text.count("BPMNDiagram id=") == 2
    assert "<omgdc:Bounds" in text and "<omgdi:waypoint" in text and "xmlns:dc" not in text   # the root's prefixes
    assert text.startswith(ODD.decode().split("  <bpmndi:BPMNDiagram id=\"old\"")[0].rstrip())
    shapes = {s.get("bpmnElement"): bounds(s) for s in root.iter(f"{{{BPMNDI}}}BPMNShape")}
    assert inside(shapes["inner1"], shapes["outer"]) and inside(shapes["inner2"], shapes["outer"])
    assert inside(shapes["outer"], shapes["pool_a"]) and shapes["empty"][3] > 0
    assert len(list(root.iter(f"{{{BPMNDI}}}BPMNEdge"))) == 10          # 7 + 2 inside + the message flow


def test_a_file_with_windows_line_ends_keeps_them():
    crlf = ODD.replace(b"\n", b"\r\n")
    laid = with_diagram(crlf)
    assert laid.count(b"\n") == laid.count(b"\r\n") == laid.count(b"\r") and with_diagram(laid) == laid
    assert laid.replace(b"\r\n", b"\n") == with_diagram(ODD)


def test_the_cli_writes_and_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")   # never used
    bare = tmp_path / "item.bpmn"
    bare.write_bytes(DIAGRAM.sub(b"", SHIPPED[0].read_bytes()))
    runner = CliRunner()
    missing = runner.invoke(cli, ["processes", "layout", "--check", str(bare), str(SHIPPED[0])])
    assert missing.exit_code == 1 and "item.bpmn" in missing.output and SHIPPED[0].name not in missing.output
    written = runner.invoke(cli, ["processes", "layout", str(bare)])
    assert written.exit_code == 0, written.output
    assert "1 changed" in written.output
    assert runner.invoke(cli, ["processes", "layout", "--check", str(bare)]).exit_code == 0
    assert problems(ET.parse(bare).getroot()) == []
