"""BPMN diagram interchange (BPMNDI): the layout that bpmn.io and Camunda Modeler draw a file with.

`with_diagram(data)` lays a BPMN file out and returns it with one `bpmndi:BPMNDiagram` per process
(or one for the collaboration when the file has one, plus one per sub-process, which bpmn-js shows
as a drill-down): a shape for every flow node, lane and pool, an edge with waypoints for every
sequence flow and message flow. `diagram_problems(data)` says what a file's DI lacks.

Layout: Graphviz `dot` (left to right) ranks the flow graph; each rank is a column. Lanes are
horizontal bands in document order; inside a band the nodes of one column are stacked in the order
dot gave them, so a band is as tall as its fullest column. Every cell is the size of a task, so no
two shapes overlap. Boundary events sit on the bottom border of their host. Flows are routed
orthogonally through the gaps between columns and the free corridors under each row; the router
takes the first of a few candidate routes that crosses no shape.

The file is edited as text, never re-serialised: an existing diagram is cut out and the new one is
put just before `</definitions>`, declaring the DI namespaces itself unless the root element already
does. Everything before it (comments, prefixes, formatting, line numbers) stays byte for byte as
written, and running it twice gives the same bytes.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import graphviz

from .bpmn_xml import BPMN_NS, Element, children, is_bpmn, local, parse_bpmn
from .errors import RenderError
from .output import run_dot

BPMNDI_NS = 'http://www.omg.org/spec/BPMN/20100524/DI'
DC_NS = 'http://www.omg.org/spec/DD/20100524/DC'
DI_NS = 'http://www.omg.org/spec/DD/20100524/DI'
PREFIXES = {'bpmndi': BPMNDI_NS, 'dc': DC_NS, 'di': DI_NS}

SUBPROCESSES = frozenset({'subProcess', 'transaction', 'adHocSubProcess'})
ACTIVITIES = frozenset({'task', 'userTask', 'serviceTask', 'scriptTask', 'manualTask', 'businessRuleTask',
                        'sendTask', 'receiveTask', 'callActivity'}) | SUBPROCESSES
EVENTS = frozenset({'startEvent', 'endEvent', 'intermediateCatchEvent', 'intermediateThrowEvent',
                    'boundaryEvent', 'implicitThrowEvent'})
GATEWAYS = frozenset({'exclusiveGateway', 'inclusiveGateway', 'parallelGateway', 'eventBasedGateway',
                      'complexGateway'})
FLOW_NODES = ACTIVITIES | EVENTS | GATEWAYS

# bpmn-js's default sizes
TASK_SIZE, EVENT_SIZE, GATEWAY_SIZE = (100, 80), (36, 36), (50, 50)
CELL_W, CELL_H = TASK_SIZE       # every node sits centred in a task-sized cell
COLUMN_GAP = 70                  # between columns: where flows turn
ROW_GAP = 70                     # between rows of one lane: a corridor for flows going back
CORRIDOR = 36                    # a corridor's distance below its row (boundary events reach 18)
LANE_TOP, LANE_BOTTOM = 40, 70   # padding inside a band, above the first and below the last row
LABEL_STRIP = 30                 # the strip on a lane's or pool's left that holds its name
CONTENT_MARGIN = 50              # between the innermost label strip and the first column
ORIGIN_X, ORIGIN_Y = 150, 80
POOL_GAP = 60
BLACK_BOX_SIZE = (600, 80)


@dataclass
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def cx(self) -> int:
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        return self.y + self.h // 2

    def moved(self, dy: int) -> Box:
        return Box(self.x, self.y + dy, self.w, self.h)


@dataclass
class Shape:
    element: str
    kind: str
    box: Box
    column: int = -1
    cell: Box | None = None             # the task-sized cell a node sits in
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass
class Plane:
    """The shapes and edges of one BPMNPlane."""
    element: str
    shapes: list[Shape] = field(default_factory=list)
    edges: list[tuple[str, list[tuple[int, int]]]] = field(default_factory=list)

    def moved(self, dy: int) -> None:
        for shape in self.shapes:
            shape.box = shape.box.moved(dy)
            if shape.cell:
                shape.cell = shape.cell.moved(dy)
        self.edges = [(e, [(x, y + dy) for x, y in points]) for e, points in self.edges]


# -- the public functions ------------------------------------------------------------------------
def with_diagram(data: bytes, source: str = 'BPMN file') -> bytes:
    """The file with its diagram interchange (re)generated; the rest of the text unchanged."""
    root = parse_bpmn(data, source)
    try:
        text = data.decode('utf-8')
    except UnicodeDecodeError as exc:
        raise RenderError(f'{source}: not UTF-8 ({exc.reason})') from exc
    text = _without_diagrams(text, root, source)
    root = parse_bpmn(text.encode('utf-8'), source)      # the file as it is without its old diagrams
    prefixes, declarations = _prefixes(root)
    planes = layout(root)
    taken = {e.get('id') for e in root.iter() if isinstance(e.tag, str) and e.get('id')}
    newline = '\r\n' if '\r\n' in text else '\n'        # the file's own line ends
    block = '\n'.join(_diagram_xml(plane, prefixes, declarations, taken) for plane in planes)
    close = _closing_tag(text, source)
    head = text[:close.start()]
    kept = head.rstrip()
    return (kept + (newline + block.replace('\n', newline) if block else '') + head[len(kept):]
            + text[close.start():]).encode('utf-8')


def diagram_problems(data: bytes, source: str = 'BPMN file') -> list[str]:
    """What the file's DI lacks: a flow node, lane or pool without its shape, a sequence or message
    flow between two of them without its edge, an element shown twice, an edge with fewer than two
    waypoints. Empty: complete."""
    root = parse_bpmn(data, source)
    shapes: dict[str, int] = defaultdict(int)
    edges: dict[str, list[int]] = defaultdict(list)
    for shape in root.iter(f'{{{BPMNDI_NS}}}BPMNShape'):
        shapes[shape.get('bpmnElement')] += 1
    for edge in root.iter(f'{{{BPMNDI_NS}}}BPMNEdge'):
        edges[edge.get('bpmnElement')].append(len(edge.findall(f'{{{DI_NS}}}waypoint')))
    if not shapes and not edges:
        return ['没有图形信息（BPMNDI）']
    problems = []
    nodes = {el.get('id') for el in root.iter(f'{{{BPMN_NS}}}*') if local(el) in FLOW_NODES}
    nodes |= {el.get('id') for el in root.iter(f'{{{BPMN_NS}}}participant')}
    for el in root.iter(f'{{{BPMN_NS}}}*'):
        kind, ident = local(el), el.get('id')
        if kind in FLOW_NODES or kind in ('lane', 'participant'):
            if shapes.get(ident, 0) != 1:
                problems.append(f'{kind} {ident}: {shapes.get(ident, 0)} 个图形（应为 1 个）')
        elif kind in ('sequenceFlow', 'messageFlow') and {el.get('sourceRef'), el.get('targetRef')} <= nodes:
            found = edges.get(ident, [])
            if len(found) != 1 or found[0] < 2:
                problems.append(f'{kind} {ident}: {len(found)} 条连线（应为 1 条，至少 2 个拐点）')
    return problems


# -- layout --------------------------------------------------------------------------------------
def layout(root: Element) -> list[Plane]:
    """The planes of a file: the collaboration's (pools stacked) or one per process; then one per
    sub-process."""
    processes = {p.get('id'): p for p in children(root, 'process')}
    extra: list[Plane] = []
    planes: list[Plane] = []
    for collab in children(root, 'collaboration'):
        plane = _collaboration(collab, processes, extra)
        shown = {p.get('processRef') for p in children(collab, 'participant')}
        planes.append(plane)
        processes = {k: v for k, v in processes.items() if k not in shown}
    for pid, process in processes.items():
        plane = Plane(pid)
        _container(process, plane, extra, ORIGIN_X)
        planes.append(plane)
    return planes + extra


def _collaboration(collab: Element, processes: dict[str, Element], extra: list[Plane]) -> Plane:
    plane, top = Plane(collab.get('id')), 0
    for participant in children(collab, 'participant'):
        process = processes.get(participant.get('processRef'))
        if process is None:
            w, h = BLACK_BOX_SIZE
            box = Box(ORIGIN_X, ORIGIN_Y + top, w, h)
        else:
            inner = Plane(process.get('id'))
            area = _container(process, inner, extra, ORIGIN_X + LABEL_STRIP)
            inner.moved(top)
            box = Box(ORIGIN_X, ORIGIN_Y + top, area.right - ORIGIN_X, area.h)
        plane.shapes.append(Shape(participant.get('id'), 'participant', box, attrs={'isHorizontal': 'true'}))
        if process is not None:
            plane.shapes += inner.shapes
            plane.edges += inner.edges
        top += box.h + POOL_GAP
    boxes = {s.element: s.box for s in plane.shapes}
    for flow in children(collab, 'messageFlow'):
        source, target = boxes.get(flow.get('sourceRef')), boxes.get(flow.get('targetRef'))
        if source and target:
            plane.edges.append((flow.get('id'), _message_route(source, target)))
    return plane


def _message_route(a: Box, b: Box) -> list[tuple[int, int]]:
    x = max(a.x, b.x) + (min(a.right, b.right) - max(a.x, b.x)) // 2 if a.x < b.right and b.x < a.right else None
    down = a.cy < b.cy
    start_y, end_y = (a.bottom, b.y) if down else (a.y, b.bottom)
    if x is not None:
        return [(x, start_y), (x, end_y)]
    middle = (start_y + end_y) // 2
    return [(a.cx, start_y), (a.cx, middle), (b.cx, middle), (b.cx, end_y)]


def _nodes(container: Element) -> list[Element]:
    return [el for el in container if is_bpmn(el) and local(el) in FLOW_NODES and el.get('id')]


def _size(kind: str) -> tuple[int, int]:
    if kind in EVENTS:
        return EVENT_SIZE
    if kind in GATEWAYS:
        return GATEWAY_SIZE
    return TASK_SIZE


def _lanes(container: Element) -> list[tuple[Element, int, list[Element]]]:
    """(lane, depth, leaf lanes under it) in document order, parents before their children."""
    found: list[tuple[Element, int, list[Element]]] = []

    def walk(lane_set: Element, depth: int) -> list[Element]:
        leaves: list[Element] = []
        for lane in children(lane_set, 'lane'):
            entry = (lane, depth, [])
            found.append(entry)
            below = [leaf for child in children(lane, 'childLaneSet') for leaf in walk(child, depth + 1)]
            entry[2].extend(below or [lane])
            leaves += entry[2]
        return leaves

    for lane_set in children(container, 'laneSet'):
        walk(lane_set, 0)
    return found


def _container(container: Element, plane: Plane, extra: list[Plane], left: int) -> Box:
    """Lay out one process or sub-process into `plane`, its lanes' label strips starting at x=left,
    its top at ORIGIN_Y; returns the area it takes."""
    nodes = _nodes(container)
    by_id = {n.get('id'): n for n in nodes}
    flows = [f for f in children(container, 'sequenceFlow') if f.get('id')]
    placed = [n for n in nodes if local(n) != 'boundaryEvent' or n.get('attachedToRef') not in by_id]
    lanes = _lanes(container)
    leaves = [lane for lane, _, below in lanes if below == [lane]]
    band_of: dict[str, int] = {}
    for index, leaf in enumerate(leaves):
        for ref in children(leaf, 'flowNodeRef'):
            band_of.setdefault((ref.text or '').strip(), index)
    bands = len(leaves) + 1            # the last band holds the nodes of no lane
    columns, order = _ranks(placed, flows, by_id)

    # stack the nodes of each (band, column) cell
    cells: dict[tuple[int, int], list[Element]] = defaultdict(list)
    for node in sorted(placed, key=lambda n: order[n.get('id')]):
        cells[(band_of.get(node.get('id'), bands - 1), columns[node.get('id')])].append(node)
    rows = [max([len(v) for (b, _), v in cells.items() if b == band] or [0]) for band in range(bands)]
    depth = max((d + 1 for _, d, _ in lanes), default=0)
    first_x = left + depth * LABEL_STRIP + CONTENT_MARGIN
    n_columns = max(columns.values(), default=-1) + 1
    right = first_x + max(n_columns, 1) * (CELL_W + COLUMN_GAP) - COLUMN_GAP + CONTENT_MARGIN

    tops, y = [], ORIGIN_Y
    for band in range(bands):
        tops.append(y)
        if band < len(leaves) or rows[band]:
            y += LANE_TOP + max(rows[band], 1) * (CELL_H + ROW_GAP) - ROW_GAP + LANE_BOTTOM
    band_boxes = [Box(left, tops[b], right - left, (tops[b + 1] if b + 1 < bands else y) - tops[b])
                  for b in range(bands)]

    for lane, d, below in lanes:
        spans = [band_boxes[leaves.index(leaf)] for leaf in below]
        x = left + d * LABEL_STRIP
        plane.shapes.append(Shape(lane.get('id'), 'lane',
                                  Box(x, spans[0].y, right - x, spans[-1].bottom - spans[0].y),
                                  attrs={'isHorizontal': 'true'}))
    shapes: dict[str, Shape] = {}
    for (band, column), stacked in cells.items():
        for row, node in enumerate(stacked):
            cell = Box(first_x + column * (CELL_W + COLUMN_GAP), tops[band] + LANE_TOP + row * (CELL_H + ROW_GAP),
                       CELL_W, CELL_H)
            w, h = _size(local(node))
            shape = Shape(node.get('id'), local(node), Box(cell.x + (CELL_W - w) // 2, cell.y + (CELL_H - h) // 2, w, h),
                          column, cell, _node_attrs(node))
            shapes[shape.element] = shape
    for node in nodes:
        if node.get('id') not in shapes:
            _attach(node, shapes)
    plane.shapes += [shapes[n.get('id')] for n in nodes]     # document order: stable output
    for flow in flows:
        source, target = shapes.get(flow.get('sourceRef')), shapes.get(flow.get('targetRef'))
        if source and target:
            plane.edges.append((flow.get('id'), _route(source, target, shapes, first_x)))
    for node in nodes:
        if local(node) in SUBPROCESSES:
            inner = Plane(node.get('id'))
            _container(node, inner, extra, ORIGIN_X)
            extra.append(inner)
    return Box(left, ORIGIN_Y, right - left, y - ORIGIN_Y)


def _node_attrs(node: Element) -> dict[str, str]:
    kind = local(node)
    if kind == 'exclusiveGateway':
        return {'isMarkerVisible': 'true'}
    if kind in SUBPROCESSES:
        return {'isExpanded': 'false'}     # drawn collapsed; its inside is its own plane
    return {}


def _attach(node: Element, shapes: dict[str, Shape]) -> None:
    """A boundary event on its host's bottom border, right to left; a third and later ones on the
    top border."""
    host = shapes[node.get('attachedToRef')]
    index = sum(1 for s in shapes.values() if s.attrs.get('_host') == host.element)
    w, h = EVENT_SIZE
    along, top = index % 2, index // 2 % 2 == 1
    x = host.box.right - w - 4 - along * (w + 4)
    y = (host.box.y if top else host.box.bottom) - h // 2
    shapes[node.get('id')] = Shape(node.get('id'), 'boundaryEvent', Box(x, y, w, h), host.column,
                                   attrs={'_host': host.element})


def _ranks(placed: list[Element], flows: list[Element], by_id: dict[str, Element]
           ) -> tuple[dict[str, int], dict[str, tuple[float, int]]]:
    """Column of every laid-out node (dot's rank, left to right) and its order within a column
    (dot's top to bottom, then document order)."""
    names = {n.get('id'): f'n{i}' for i, n in enumerate(placed)}
    if not names:
        return {}, {}
    graph = graphviz.Digraph('layout', graph_attr={'rankdir': 'LR', 'nodesep': '0.4', 'ranksep': '0.6'},
                             node_attr={'shape': 'box', 'width': '1.4', 'height': '1.1', 'fixedsize': 'true',
                                        'label': ''})
    for name in names.values():
        graph.node(name)

    def end(ref: str | None) -> str | None:
        node = by_id.get(ref or '')
        if node is not None and ref not in names and local(node) == 'boundaryEvent':
            return end(node.get('attachedToRef'))
        return names.get(ref or '')

    for flow in flows:
        tail, head = end(flow.get('sourceRef')), end(flow.get('targetRef'))
        if tail and head and tail != head:
            graph.edge(tail, head)
    positions: dict[str, tuple[float, float]] = {}
    for line in run_dot(graph, 'plain').decode('utf-8').splitlines():
        parts = line.split()
        if parts and parts[0] == 'node':
            positions[parts[1]] = (float(parts[2]), float(parts[3]))
    xs = sorted({round(x, 2) for x, _ in positions.values()})
    index = {ident: i for i, ident in enumerate(names)}
    columns = {ident: xs.index(round(positions[name][0], 2)) for ident, name in names.items()}
    order = {ident: (-positions[name][1], index[ident]) for ident, name in names.items()}
    return columns, order


# -- routing -------------------------------------------------------------------------------------
def _route(source: Shape, target: Shape, shapes: dict[str, Shape], first_x: int) -> list[tuple[int, int]]:
    obstacles = [s.box for s in shapes.values()
                 if s.cell is not None and s.element not in (source.element, target.element)]

    def gap_after(column: int) -> int:
        return first_x + column * (CELL_W + COLUMN_GAP) + CELL_W + COLUMN_GAP // 2

    s, t = source.box, target.box
    bx, by = t.x, t.cy
    g2 = gap_after(target.column - 1)
    candidates: list[list[tuple[int, int]]] = []
    if source.cell is None:                      # a boundary event: leave downwards (or up from the top)
        host = shapes[source.attrs['_host']]
        down = s.cy >= host.box.cy
        ax, ay = s.cx, (s.bottom if down else s.y)
        corridor = (host.cell.bottom + CORRIDOR) if down else (host.cell.y - CORRIDOR)
        if bx > ax and ((by > ay) if down else (by < ay)):
            candidates.append([(ax, ay), (ax, by), (bx, by)])
        candidates.append([(ax, ay), (ax, corridor), (g2, corridor), (g2, by), (bx, by)])
    else:
        ax, ay = s.right, s.cy
        g1 = gap_after(source.column)
        forward = target.column > source.column
        if forward and ay == by:
            candidates.append([(ax, ay), (bx, by)])
        if forward and source.kind in GATEWAYS and ay != by:
            candidates.append([(s.cx, s.y if by < ay else s.bottom), (s.cx, by), (bx, by)])
        if forward:
            candidates.append([(ax, ay), (g2, ay), (g2, by), (bx, by)])
            candidates.append([(ax, ay), (g1, ay), (g1, by), (bx, by)])
        for corridor in (source.cell.bottom + CORRIDOR, target.cell.bottom + CORRIDOR,
                         source.cell.y - CORRIDOR, target.cell.y - CORRIDOR):
            candidates.append([(ax, ay), (g1, ay), (g1, corridor), (g2, corridor), (g2, by), (bx, by)])
    for points in candidates:
        points = _simplified(points)
        if not any(_crosses(a, b, box) for a, b in zip(points, points[1:], strict=False) for box in obstacles):
            return points
    return _simplified(candidates[-1])


def _simplified(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Without repeated points and without the middle point of three in a line."""
    out: list[tuple[int, int]] = []
    for point in points:
        if out and point == out[-1]:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == point[0] or out[-2][1] == out[-1][1] == point[1]):
            out[-1] = point
            continue
        out.append(point)
    return out


def _crosses(a: tuple[int, int], b: tuple[int, int], box: Box) -> bool:
    """Whether an axis-parallel segment passes through the inside of a box."""
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        return box.y < y1 < box.bottom and min(x1, x2) < box.right and max(x1, x2) > box.x
    if x1 == x2:
        return box.x < x1 < box.right and min(y1, y2) < box.bottom and max(y1, y2) > box.y
    return True


# -- writing -------------------------------------------------------------------------------------
def _diagram_xml(plane: Plane, prefixes: dict[str, str], declarations: str, taken: set[str]) -> str:
    di, dc, ddi = prefixes['bpmndi'], prefixes['dc'], prefixes['di']

    def unique(wanted: str) -> str:
        ident, n = wanted, 1
        while ident in taken:
            n += 1
            ident = f'{wanted}_{n}'
        taken.add(ident)
        return ident

    def attr(value: str) -> str:
        return escape(value, {'"': '&quot;'})

    lines = [f'  <{di}:BPMNDiagram{declarations} id="{attr(unique("BPMNDiagram_" + plane.element))}">',
             f'    <{di}:BPMNPlane id="{attr(unique("BPMNPlane_" + plane.element))}" '
             f'bpmnElement="{attr(plane.element)}">']
    for shape in plane.shapes:
        extra = ''.join(f' {k}="{v}"' for k, v in shape.attrs.items() if not k.startswith('_'))
        b = shape.box
        lines += [f'      <{di}:BPMNShape id="{attr(unique(shape.element + "_di"))}" '
                  f'bpmnElement="{attr(shape.element)}"{extra}>',
                  f'        <{dc}:Bounds x="{b.x}" y="{b.y}" width="{b.w}" height="{b.h}" />',
                  f'      </{di}:BPMNShape>']
    for element, points in plane.edges:
        lines.append(f'      <{di}:BPMNEdge id="{attr(unique(element + "_di"))}" bpmnElement="{attr(element)}">')
        lines += [f'        <{ddi}:waypoint x="{x}" y="{y}" />' for x, y in points]
        lines.append(f'      </{di}:BPMNEdge>')
    lines += [f'    </{di}:BPMNPlane>', f'  </{di}:BPMNDiagram>']
    return '\n'.join(lines)


def _prefixes(root: Element) -> tuple[dict[str, str], str]:
    """The prefix to write each DI namespace with (the root's own when it declares one) and the
    declarations the diagram element must carry for the others: declared there, not on the root,
    the text above the diagram stays as it was, line numbers included."""
    found, declare = {}, ''
    for wanted, uri in PREFIXES.items():
        own = sorted(p for p, u in root.nsmap.items() if u == uri and p)
        found[wanted] = own[0] if own else wanted
        if not own:
            declare += f' xmlns:{wanted}="{uri}"'
    return found, declare


def _without_comments(text: str) -> str:
    """The text with every comment blanked out (same length, so positions still hold)."""
    return re.sub(r'<!--.*?-->', lambda m: ' ' * len(m.group(0)), text, flags=re.S)


def _without_diagrams(text: str, root: Element, source: str) -> str:
    """The text with every BPMNDiagram element (and the white space before it) cut out."""
    count = len(root.findall(f'{{{BPMNDI_NS}}}BPMNDiagram'))
    if not count:
        return text
    pattern = re.compile(r'\s*<([\w.-]+:)?BPMNDiagram\b(?:[^>"\']|"[^"]*"|\'[^\']*\')*?(?:/>|>.*?</\1BPMNDiagram\s*>)',
                         re.S)
    blanked = _without_comments(text)
    spans = [m.span() for m in pattern.finditer(blanked)]
    if len(spans) != count:
        raise RenderError(f'{source}: found {count} diagrams but could not cut them out of the text')
    for start, end in reversed(spans):
        text = text[:start] + text[end:]
    return text


def _closing_tag(text: str, source: str) -> re.Match:
    found = list(re.finditer(r'</(?:[\w.-]+:)?definitions\s*>', _without_comments(text)))
    if not found:
        raise RenderError(f'{source}: the </definitions> end tag was not found')
    return found[-1]
