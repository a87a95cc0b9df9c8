"""Tidying dot's swimlane layout before it is drawn (issue 15): an edge dot ran through a box is
drawn again around every box and label, and an edge label dot put on a box, on another label or
under another edge is moved beside its own edge.

dot routes each spline through a corridor of boxes it computes between ranks; with the lanes as
clusters that corridor now and then takes in a neighbouring node, and a label of two edges out of
one gateway can land on the other edge's label. Over the 37 shipped items that is 76 edges
through a box and 4 labels on a box or a label. No Graphviz setting avoids it for every item:
ports, `constraint`, `minlen`, `weight`, `nodesep`/`ranksep` and `splines=polyline` each move the
problem elsewhere, and `splines=ortho` leaves the edge labels away from their edges and, in the
Graphviz 2.42 we ship on, takes 4 to 40 times as long. So the layout (where every node and
label is) stays dot's, and only the failing edges get a new path here: found on a grid of lines
that keep `CLEARANCE` from every box and label and do not run along a lane's border or another
edge (weighted A*: length plus a cost per bend), drawn with rounded corners, its label beside the
new path where nothing else is. `dotfile.py` writes the fixes into dot's own layout for Graphviz's `nop2` engine
to draw, which keeps every position as given.

Geometry is Graphviz's: points, y up.
"""
from __future__ import annotations

import functools
import heapq
import math
import time
from dataclasses import dataclass
from itertools import count, pairwise

from . import quality
from .quality import Box, Label, Shape

Point = tuple[float, float]
Rail = tuple[str, float, float, float, float]    # ('h', y, left, right, gap) or ('v', x, bottom, top, gap)

CLEARANCE = 8.0            # points between a redrawn edge and any box or label
STUB = 16.0                # straight run out of a box before the first turn
BEND = 40.0                # a bend costs as much as this many points of length
GREED = 1.5                # weighted A*: a path at most this much dearer than the best, found quickly
WINDOW = 120.0             # points beyond the two ends where a path is looked for first
BORDER_GAP = 14.0          # a redrawn edge runs no nearer than this along a lane's border
EDGE_GAP = 6.0             # nor this near along a straight run of another edge
RADIUS = 10.0              # rounded corners
LABEL_GAP = 3.0            # between a label and its edge
ASSOCIATION = 6.0          # a label's own edge is nearer to it than any other by this much
SPOT_STEP = 3              # a moved label is tried beside every third point checked along its edge
NEAR, FAR = 120.0, 400.0   # how far a label moves at most: off another edge, off a box or label
ROUNDS = 3                 # redraw, check again: a moved label may need another place
# Where an edge may leave its tail and enter its head, with a cost in points: flows run left to
# right, so out of the right side and into the left one; above or below is fine; backwards is dear.
TAIL_SIDES = {'e': 0.0, 'n': 30.0, 's': 30.0, 'w': 120.0}
HEAD_SIDES = {'w': 0.0, 'n': 30.0, 's': 30.0, 'e': 120.0}
NORMALS = {'e': (1, 0), 'n': (0, 1), 'w': (-1, 0), 's': (0, -1)}
DIRECTIONS = ((1, 0), (0, 1), (-1, 0), (0, -1))


@dataclass(frozen=True)
class Fix:
    """What changes on one edge: its spline (Graphviz `pos` syntax) and the centre of its label."""
    pos: str | None = None
    lp: Point | None = None


def tidy(data: dict, deadline: float | None = None) -> dict[int, Fix]:
    """The fixes, by edge `_gvid`, that leave no edge through a box it does not connect and no
    edge label on a box or another label, as far as a clear path or place exists. `data` is dot's
    json layout; it is not changed. Nothing to fix: an empty dict. Past `deadline` (a
    `time.monotonic()` value: a huge upload) it stops and returns what it has."""
    data = {**data, 'edges': [dict(edge) for edge in data.get('edges', [])]}     # _apply changes only these
    edges = {edge['_gvid']: edge for edge in data['edges'] if '_gvid' in edge}
    borders = _borders(data)
    fixes: dict[int, Fix] = {}
    for _ in range(ROUNDS):
        shapes = quality.node_shapes(data)
        labels, _ = quality.outside_labels(data, shapes)
        crossing = sorted({edge['_gvid'] for edge, _ in quality.edge_crossings(data, shapes)})
        clashes = _labels_to_move(quality.label_clashes(labels, shapes), set(crossing))
        if not crossing and not clashes:
            break
        for gvid in crossing:
            if _late(deadline):
                return fixes
            fix = _reroute(edges[gvid], shapes, labels, borders, data)
            if fix is not None:
                labels = _apply(edges[gvid], fix, labels)
                fixes[gvid] = Fix(fix.pos, fix.lp or fixes.get(gvid, Fix()).lp)
        for choices in clashes:
            if _late(deadline):
                return fixes
            for gvid in choices:
                lp = _move_label(edges[gvid], shapes, labels, borders, data)
                if lp is not None:
                    labels = _apply(edges[gvid], Fix(lp=lp), labels)
                    fixes[gvid] = Fix(fixes.get(gvid, Fix()).pos, lp)
                    break
    # Not a fault the quality check looks for, but as hard to read: another edge through a label.
    # Moved where no edge passes, if there is such a place near its own edge.
    shapes = quality.node_shapes(data)
    labels, _ = quality.outside_labels(data, shapes)
    for gvid in _crossed_labels(data, labels):
        if _late(deadline):
            return fixes
        lp = _move_label(edges[gvid], shapes, labels, borders, data, strict=True)
        if lp is not None:
            labels = _apply(edges[gvid], Fix(lp=lp), labels)
            fixes[gvid] = Fix(fixes.get(gvid, Fix()).pos, lp)
    return fixes


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() > deadline


def _crossed_labels(data: dict, labels: list[Label]) -> list[int]:
    """The edges whose label another edge runs through."""
    lines = [(edge.get('_gvid'), *_line(edge['pos'])) for edge in _drawn_edges(data)]
    found = []
    for label in labels:
        if label.edge is None:
            continue
        inner = _grow(label.box, -1.0)
        if any(gvid != label.edge and reach.overlaps(inner, tolerance=0.0)
               and any(inner.left < x < inner.right and inner.bottom < y < inner.top for x, y in points)
               for gvid, reach, points in lines):
            found.append(label.edge)
    return found


def _labels_to_move(clashes: list[tuple[Label, Shape | Label]], rerouted: set[int]) -> list[list[int]]:
    """For each clash, the edges whose label may move to end it (the first that finds a place
    does): labels of edges, not of nodes or lanes, nor of an edge about to be redrawn (its label
    moves with it)."""
    found: list[list[int]] = []
    for label, other in clashes:
        choices = [lb.edge for lb in (label, other)
                   if isinstance(lb, Label) and lb.edge is not None and lb.edge not in rerouted]
        if choices and choices not in found:
            found.append(choices)
    return found


def _apply(edge: dict, fix: Fix, labels: list[Label]) -> list[Label]:
    """Change the json edge (a copy) as the fix says, so that the next round checks the result;
    the labels, with this edge's label where it now is."""
    if fix.pos:
        edge['pos'] = fix.pos
    if fix.lp and edge.get('lp'):
        old = _point(edge['lp'])
        dx, dy = fix.lp[0] - old[0], fix.lp[1] - old[1]
        edge['_ldraw_'] = [{**op, 'pt': [op['pt'][0] + dx, op['pt'][1] + dy]} if op.get('op') == 'T' else op
                           for op in edge.get('_ldraw_') or []]
        edge['lp'] = _fmt(fix.lp)
        labels = [Label(lb.owner, _shift(lb.box, dx, dy), lb.own_nodes, lb.edge) if lb.edge == edge['_gvid'] else lb
                  for lb in labels]
    return labels


def _borders(data: dict) -> list[Rail]:
    """The sides of every cluster drawn with a border (lanes, pools, sub-processes): a redrawn
    edge may cross them, not run along them (it would read as part of the border), and a label
    placed here does not straddle them."""
    rails: list[Rail] = []
    for obj in data.get('objects', []):
        if 'bb' not in obj or not str(obj.get('name', '')).startswith('cluster') or obj.get('peripheries') == '0':
            continue
        left, bottom, right, top = (float(v) for v in obj['bb'].split(','))
        rails += [('h', bottom, left, right, BORDER_GAP), ('h', top, left, right, BORDER_GAP),
                  ('v', left, bottom, top, BORDER_GAP), ('v', right, bottom, top, BORDER_GAP)]
    return rails


def _straight_runs(data: dict, besides: int) -> list[Rail]:
    """The straight level or upright stretches of every drawn edge but one (dot draws an edge
    between neighbours in a lane as one, a redrawn edge is made of them): a redrawn edge may
    cross them, not run along them, where two edges would read as one."""
    return [run for edge in data.get('edges', []) if edge.get('_gvid') != besides and not quality.invisible(edge)
            for run in _runs(edge.get('pos') or '')]


@functools.lru_cache(maxsize=256)
def _runs(pos: str) -> tuple[Rail, ...]:
    points = [_point(p) for p in pos.split() if not p.startswith(('s,', 'e,'))]
    found = []
    for i in range(0, len(points) - 3, 3):
        piece = points[i:i + 4]
        xs, ys = [x for x, _ in piece], [y for _, y in piece]
        if max(ys) - min(ys) < 0.5 and max(xs) - min(xs) > 1.0:
            found.append(('h', ys[0], min(xs), max(xs), EDGE_GAP))
        elif max(xs) - min(xs) < 0.5 and max(ys) - min(ys) > 1.0:
            found.append(('v', xs[0], min(ys), max(ys), EDGE_GAP))
    return tuple(found)


# -- a new path -------------------------------------------------------------------------------------
def _reroute(edge: dict, shapes: dict[int, Shape], labels: list[Label], borders: list[Rail], data: dict) -> Fix | None:
    tail, head = shapes.get(edge.get('tail')), shapes.get(edge.get('head'))
    if tail is None or head is None or tail is head or edge.get('lhead') or edge.get('ltail'):
        return None        # a loop, or an edge clipped at a cluster: left as dot drew it
    own = next((lb for lb in labels if lb.edge == edge['_gvid']), None)
    boxes = [s.box for s in shapes.values()] + [lb.box for lb in labels if lb is not own]
    path = find_path(tail, head, [_grow(b, CLEARANCE) for b in boxes], borders + _straight_runs(data, edge['_gvid']))
    if path is None:
        return None
    arrow_start, arrow_end, arrow = _arrows(edge['pos'])
    lp = None
    if own is not None and edge.get('lp'):
        others = _edge_points(data, besides=edge['_gvid'])
        spot = _label_beside_path(own.box, path, boxes, borders, others)
        if spot is not None:
            old, centre = _point(edge['lp']), _centre(own.box)
            lp = (old[0] + spot[0] - centre[0], old[1] + spot[1] - centre[1])
    return Fix(spline(path, arrow_start, arrow_end, arrow), lp)


def find_path(tail: Shape, head: Shape, obstacles: list[Box], rails: list[Rail] = ()) -> list[Point] | None:
    """An orthogonal path from a side of `tail` to a side of `head` that enters no obstacle and
    runs along no rail (it may cross one). The obstacles are grown by the clearance already and
    take in `tail` and `head`, so the path leaves and enters them only by a straight stub out
    of a side. Looked for between the two ends and a little beyond first (quick), then anywhere."""
    starts = _stubs(tail, TAIL_SIDES, obstacles, outward=True)
    goals = _stubs(head, HEAD_SIDES, obstacles, outward=False)
    if not starts or not goals:
        return None
    points = [stub for _, stub, _, _ in starts + goals]
    left = min(tail.box.left, head.box.left) - WINDOW
    right = max(tail.box.right, head.box.right) + WINDOW
    near = [o for o in obstacles if o.right > left and o.left < right]
    return (_search(starts, goals, _Grid(near, points, rails, (left, right)))
            or _search(starts, goals, _Grid(obstacles, points, rails)))


def _stubs(shape: Shape, sides: dict[str, float], obstacles: list[Box], outward: bool) -> list[tuple]:
    """(port on the side, end of the stub, heading there, cost) for each side whose stub is
    clear of every obstacle but the shape's own."""
    b = shape.box
    cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
    ports = {'e': (b.right, cy), 'w': (b.left, cy), 'n': (cx, b.top), 's': (cx, b.bottom)}
    own = _grow(b, CLEARANCE)
    found = []
    for side, cost in sides.items():
        nx, ny = NORMALS[side]
        port = ports[side]
        stub = (port[0] + nx * STUB, port[1] + ny * STUB)
        if any(o != own and _segment_hits(port, stub, o) for o in obstacles):
            continue
        found.append((port, stub, (nx, ny) if outward else (-nx, -ny), cost))
    return found


def _search(starts: list[tuple], goals: list[tuple], grid: _Grid) -> list[Point] | None:
    """Weighted A* over (grid point, heading): cost is length plus `BEND` a turn, plus the cost
    of the sides used."""
    goal_at: dict[tuple[int, int], list[tuple]] = {}
    for _, stub, heading, cost in goals:
        goal_at.setdefault(grid.index(stub), []).append((heading, cost, stub))
    targets = [(stub, heading) for _, stub, heading, _ in goals]

    def estimate(point: Point, heading: tuple[int, int]) -> float:
        return GREED * min(abs(x - point[0]) + abs(y - point[1]) + BEND * _fewest_bends(point, heading, (x, y), into)
                           for (x, y), into in targets)

    tie = count()
    queue: list = []
    best: dict[tuple, float] = {}
    parent: dict[tuple, tuple] = {}

    def push(state: tuple, cost: float, came_from: tuple, point: Point | None, heading: tuple[int, int] | None) -> None:
        if cost < best.get(state, math.inf):
            best[state], parent[state] = cost, came_from
            guess = cost + (estimate(point, heading) if point is not None else 0.0)
            heapq.heappush(queue, (guess, -cost, next(tie), cost, state))     # deeper first on a tie

    for port, stub, heading, cost in starts:
        push((*grid.index(stub), heading), cost + STUB, ('port', port), stub, heading)
    while queue:
        _, _, _, spent, state = heapq.heappop(queue)
        if state[0] == 'goal':
            return _trace(state, parent, grid)
        if spent > best.get(state, math.inf):
            continue
        i, j, heading = state
        for into, cost, stub in goal_at.get((i, j), []):
            push(('goal', stub, into), spent + cost + STUB + (BEND if heading != into else 0.0), state, None, None)
        for step in DIRECTIONS:
            if step == (-heading[0], -heading[1]):
                continue
            moved = grid.step(i, j, step)
            if moved is not None:
                ni, nj, length = moved
                push((ni, nj, step), spent + length + (BEND if step != heading else 0.0), state, grid.point(ni, nj), step)
    return None


def _fewest_bends(point: Point, heading: tuple[int, int], goal: Point, into: tuple[int, int]) -> int:
    """The fewest turns from `point`, heading `heading`, to `goal` arriving heading `into` (or
    arriving any way and paying one turn more, as the search counts it), with nothing in the way."""
    vx, vy = goal[0] - point[0], goal[1] - point[1]
    along = vx * heading[0] + vy * heading[1]
    aside = abs(vx * heading[1] - vy * heading[0]) > 0.01
    # Arriving at all: straight on, one turn if the goal is ahead and aside, two if aside and
    # behind, three if straight behind.
    anyhow = (1 if along > 0.01 else 2) if aside else (0 if along > -0.01 else 3)
    if into == heading:
        exact = (2 if along > 0.01 else 4) if aside else (0 if along > -0.01 else 4)
    elif into == (-heading[0], -heading[1]):
        exact = 2 if aside else 4
    else:
        exact = 1 if along > 0.01 and vx * into[0] + vy * into[1] > 0.01 else 3
    return min(exact, anyhow + 1)


def _trace(goal: tuple, parent: dict, grid: _Grid) -> list[Point]:
    _, stub, into = goal
    points = [(stub[0] + into[0] * STUB, stub[1] + into[1] * STUB)]     # the head's port
    state = parent[goal]
    while state[0] != 'port':
        points.append(grid.point(state[0], state[1]))
        state = parent[state]
    points.append(state[1])
    return _simplified(points[::-1])


class _Grid:
    """The lines a path may take: both sides of every obstacle, the middle of a wide gap between
    neighbouring ones, the stubs' ends, and a margin around everything (or the window)."""

    def __init__(self, obstacles: list[Box], points: list[Point], rails: list[Rail] = (),
                 window: tuple[float, float] | None = None):
        self.obstacles, self.rails = obstacles, rails
        margin = 2 * CLEARANCE
        left, right = window or (min(min(o.left for o in obstacles), min(p[0] for p in points)) - margin,
                                 max(max(o.right for o in obstacles), max(p[0] for p in points)) + margin)
        bottom = min(min(o.bottom for o in obstacles), min(p[1] for p in points)) - margin
        top = max(max(o.top for o in obstacles), max(p[1] for p in points)) + margin
        self.xs = _lines([v for o in obstacles for v in (o.left, o.right) if left < v < right],
                         [p[0] for p in points], left, right)
        self.ys = _lines([v for o in obstacles for v in (o.bottom, o.top)], [p[1] for p in points], bottom, top)
        self.x_at = {x: i for i, x in enumerate(self.xs)}
        self.y_at = {y: j for j, y in enumerate(self.ys)}
        self._along_x: dict[int, list[tuple[float, float]]] = {}
        self._along_y: dict[int, list[tuple[float, float]]] = {}

    def index(self, point: Point) -> tuple[int, int]:
        return self.x_at[round(point[0], 2)], self.y_at[round(point[1], 2)]

    def point(self, i: int, j: int) -> Point:
        return self.xs[i], self.ys[j]

    def step(self, i: int, j: int, heading: tuple[int, int]) -> tuple[int, int, float] | None:
        """The next grid point that way and how far it is, when the way there is clear."""
        ni, nj = i + heading[0], j + heading[1]
        if not (0 <= ni < len(self.xs) and 0 <= nj < len(self.ys)):
            return None
        if heading[0]:
            a, b, blocked = self.xs[i], self.xs[ni], self._blocked_along_y(j)
        else:
            a, b, blocked = self.ys[j], self.ys[nj], self._blocked_along_x(i)
        if a > b:
            a, b = b, a
        if any(low < b and high > a for low, high in blocked):
            return None
        return ni, nj, b - a

    def _blocked_along_x(self, i: int) -> list[tuple[float, float]]:
        """The stretches of the vertical line x = xs[i] inside an obstacle or along a rail."""
        found = self._along_x.get(i)
        if found is None:
            x = self.xs[i]
            found = [(o.bottom, o.top) for o in self.obstacles if o.left < x < o.right]
            found += [(low, high) for kind, at, low, high, gap in self.rails if kind == 'v' and abs(x - at) < gap]
            self._along_x[i] = found
        return found

    def _blocked_along_y(self, j: int) -> list[tuple[float, float]]:
        found = self._along_y.get(j)
        if found is None:
            y = self.ys[j]
            found = [(o.left, o.right) for o in self.obstacles if o.bottom < y < o.top]
            found += [(low, high) for kind, at, low, high, gap in self.rails if kind == 'h' and abs(y - at) < gap]
            self._along_y[j] = found
        return found


def _lines(sides: list[float], extra: list[float], low: float, high: float) -> list[float]:
    values = sorted({round(v, 2) for v in sides + [low, high]})
    middles = [round((a + b) / 2, 2) for a, b in pairwise(values) if b - a > 4 * CLEARANCE]
    return sorted(set(values) | set(middles) | {round(v, 2) for v in extra})


def _simplified(points: list[Point]) -> list[Point]:
    """Without repeated points, nor the middle one of three in a line."""
    out: list[Point] = []
    for p in points:
        if out and math.dist(p, out[-1]) < 0.01:
            continue
        if len(out) >= 2 and _in_line(out[-2], out[-1], p):
            out[-1] = p
        else:
            out.append(p)
    return out


def _in_line(a: Point, b: Point, c: Point) -> bool:
    return (abs(a[0] - b[0]) < 0.01 and abs(b[0] - c[0]) < 0.01) or (abs(a[1] - b[1]) < 0.01 and abs(b[1] - c[1]) < 0.01)


# -- a path as a Graphviz spline ------------------------------------------------------------------
def _arrows(pos: str) -> tuple[bool, bool, float]:
    """(an arrow at the start, an arrow at the end, its length) of dot's spline."""
    parts = pos.split()
    start = next((p for p in parts if p.startswith('s,')), None)
    end = next((p for p in parts if p.startswith('e,')), None)
    points = [_point(p) for p in parts if not p.startswith(('s,', 'e,'))]
    length = 0.0
    if end and points:
        length = math.dist(_point(end[2:]), points[-1])
    elif start and points:
        length = math.dist(_point(start[2:]), points[0])
    return start is not None, end is not None, length or 7.0


def spline(path: list[Point], arrow_start: bool = False, arrow_end: bool = True, arrow: float = 7.0) -> str:
    """Graphviz `pos` for an orthogonal path: each straight run one cubic piece, each corner a
    quarter circle, shortened by the arrow's length where there is an arrow (`s,` / `e,`)."""
    points = list(path)
    ends = []
    if arrow_start:
        ends.append('s,' + _fmt(points[0]))
        points[0] = _towards(points[0], points[1], arrow)
    if arrow_end:
        ends.append('e,' + _fmt(points[-1]))
        points[-1] = _towards(points[-1], points[-2], arrow)
    controls, current = [points[0]], points[0]
    for before, corner, after in zip(points, points[1:], points[2:], strict=False):
        radius = min(RADIUS, math.dist(before, corner) / 2, math.dist(corner, after) / 2)
        a, b = _towards(corner, before, radius), _towards(corner, after, radius)
        controls += _straight(current, a)
        controls += [_towards(a, corner, radius * 0.552), _towards(b, corner, radius * 0.552), b]
        current = b
    controls += _straight(current, points[-1])
    return ' '.join(ends + [_fmt(p) for p in controls])


def _straight(a: Point, b: Point) -> list[Point]:
    return [(a[0] + (b[0] - a[0]) / 3, a[1] + (b[1] - a[1]) / 3), (a[0] + 2 * (b[0] - a[0]) / 3, a[1] + 2 * (b[1] - a[1]) / 3), b]


def _towards(a: Point, b: Point, distance: float) -> Point:
    length = math.dist(a, b)
    if length == 0:
        return a
    t = min(distance / length, 1.0)
    return a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t


# -- labels ---------------------------------------------------------------------------------------
def _label_beside_path(box: Box, path: list[Point], boxes: list[Box], rails: list[Rail],
                       others: list[tuple[Box, list[Point]]]) -> Point | None:
    """Where a redrawn edge's label goes (its box's centre): beside the longest run that has
    room, nearest its middle, clear of boxes, labels, lane borders and the path; clear of every
    other edge too if it can be."""
    width, height = box.right - box.left, box.top - box.bottom
    spots = []
    for a, b in sorted(pairwise(path), key=lambda run: -math.dist(*run)):
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
            x, y = a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t
            if abs(a[1] - b[1]) < 0.01:      # a horizontal run: above it, else below
                spots += [(x, y + LABEL_GAP + height / 2), (x, y - LABEL_GAP - height / 2)]
            else:
                spots += [(x + LABEL_GAP + width / 2, y), (x - LABEL_GAP - width / 2, y)]
    return _first_free(spots, width, height, boxes, rails, _sampled(path), others)


def _move_label(edge: dict, shapes: dict[int, Shape], labels: list[Label], rails: list[Rail], data: dict,
                strict: bool = False) -> Point | None:
    """A new centre (`lp`) for an edge's label that lies on a box, another label or (`strict`)
    another edge: beside a point of its own spline, as near where dot put it as a free place
    allows; clear of every other edge too if it can be (`strict`: only then)."""
    own = next((lb for lb in labels if lb.edge == edge['_gvid']), None)
    if own is None or not edge.get('lp'):
        return None
    boxes = [s.box for s in shapes.values()] + [lb.box for lb in labels if lb is not own]
    width, height = own.box.right - own.box.left, own.box.top - own.box.bottom
    centre = _centre(own.box)
    across, up = LABEL_GAP + width / 2, LABEL_GAP + height / 2
    spots = []
    line = quality.spline_points(edge['pos'])
    for x, y in line[::SPOT_STEP]:
        # Beside, above or below the point, or with a corner at it (clear of a slanting edge).
        spots += [(x + dx, y + dy) for dx in (-across, 0.0, across) for dy in (-up, 0.0, up) if dx or dy]
    spots = sorted((spot for spot in spots if math.dist(spot, centre) <= (NEAR if strict else FAR)),
                   key=lambda spot: math.dist(spot, centre))
    found = _first_free(spots, width, height, boxes, rails, line, _edge_points(data, besides=edge['_gvid']), strict)
    if found is None:
        return None
    old = _point(edge['lp'])
    return old[0] + found[0] - centre[0], old[1] + found[1] - centre[1]


def _first_free(spots: list[Point], width: float, height: float, boxes: list[Box], rails: list[Rail],
                own: list[Point], others: list[tuple[Box, list[Point]]], strict: bool = False) -> Point | None:
    """The first spot where a label of this size lies clear of the boxes and the rails, with no
    edge through it and its own edge the nearest (so it reads as that edge's); failing that
    (unless `strict`), the first where only its own edge does not pass through it."""
    fallback = None
    for cx, cy in spots:
        placed = Box(cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)
        if not _free(placed, boxes) or _on_rail(placed, rails) or _nearest(placed, own) <= 0.0:
            continue
        if _reads_as_own(placed, own, others):
            return cx, cy
        fallback = fallback or (cx, cy)
    return None if strict else fallback


def _reads_as_own(box: Box, own: list[Point], others: list[tuple[Box, list[Point]]]) -> bool:
    """No other edge passes through the box or nearer to it than its own edge plus `ASSOCIATION`."""
    reach = min(_nearest(box, own), 4 * CLEARANCE) + ASSOCIATION
    window = _grow(box, reach)
    for extent, points in others:
        if not extent.overlaps(window, tolerance=0.0):
            continue
        for x, y in points:
            if window.left <= x <= window.right and window.bottom <= y <= window.top:
                dx = max(box.left - x, 0.0, x - box.right)
                dy = max(box.bottom - y, 0.0, y - box.top)
                if dx * dx + dy * dy <= reach * reach:
                    return False
    return True


def _nearest(box: Box, points: list[Point], within: float = 4 * CLEARANCE) -> float:
    """How near the points come to the box (0 inside it); `math.inf` if none comes `within`."""
    best = within * within
    left, bottom, right, top = box.left - within, box.bottom - within, box.right + within, box.top + within
    for x, y in points:
        if left <= x <= right and bottom <= y <= top:
            dx = max(box.left - x, 0.0, x - box.right)
            dy = max(box.bottom - y, 0.0, y - box.top)
            best = min(best, dx * dx + dy * dy)
    return math.sqrt(best) if best < within * within else math.inf


def _edge_points(data: dict, besides: int) -> list[tuple[Box, tuple[Point, ...]]]:
    """(extent, points along it) of every drawn edge but one."""
    return [_line(edge['pos']) for edge in _drawn_edges(data) if edge.get('_gvid') != besides]


def _drawn_edges(data: dict) -> list[dict]:
    return [edge for edge in data.get('edges', []) if quality.spline_points(edge.get('pos') or '')
            and not quality.invisible(edge)]


@functools.lru_cache(maxsize=256)     # one chart's edges, looked at again each round
def _line(pos: str) -> tuple[Box, tuple[Point, ...]]:
    """(extent, points along it) of a spline (one with points)."""
    points = tuple(quality.spline_points(pos))
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return Box(min(xs), min(ys), max(xs), max(ys)), points


def _sampled(path: list[Point]) -> list[Point]:
    """Points along a polyline, no more than `LABEL_GAP` apart (none can slip past a label)."""
    points = []
    for a, b in pairwise(path):
        pieces = max(1, math.ceil(math.dist(a, b) / LABEL_GAP))
        points += [(a[0] + (b[0] - a[0]) * k / pieces, a[1] + (b[1] - a[1]) * k / pieces) for k in range(pieces + 1)]
    return points


def _on_rail(box: Box, rails: list[Rail]) -> bool:
    """Does a lane border run through the box (or within a few points of it)?"""
    box = _grow(box, LABEL_GAP)
    for kind, at, low, high, _ in rails:
        if kind == 'h' and box.bottom < at < box.top and box.left < high and box.right > low:
            return True
        if kind == 'v' and box.left < at < box.right and box.bottom < high and box.top > low:
            return True
    return False


# -- small geometry -------------------------------------------------------------------------------
def _free(box: Box, boxes: list[Box]) -> bool:
    grown = _grow(box, 2.0)
    return not any(grown.overlaps(other, tolerance=0.0) for other in boxes)


def _grow(box: Box, by: float) -> Box:
    return Box(box.left - by, box.bottom - by, box.right + by, box.top + by)


def _shift(box: Box, dx: float, dy: float) -> Box:
    return Box(box.left + dx, box.bottom + dy, box.right + dx, box.top + dy)


def _centre(box: Box) -> Point:
    return (box.left + box.right) / 2, (box.bottom + box.top) / 2


def _segment_hits(a: Point, b: Point, box: Box) -> bool:
    """Does the axis-parallel segment a-b pass through the inside of the box?"""
    left, right = sorted((a[0], b[0]))
    bottom, top = sorted((a[1], b[1]))
    return left < box.right and right > box.left and bottom < box.top and top > box.bottom


def _point(text: str) -> Point:
    x, y = text.split(',')[:2]
    return float(x), float(y)


def _fmt(point: Point) -> str:
    return f'{point[0]:.2f},{point[1]:.2f}'
