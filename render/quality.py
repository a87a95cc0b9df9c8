"""Quality checks on a laid-out chart, read from Graphviz's own layout (`dot -Tjson`): no label
over a node or another label, no edge through a node it does not connect, and a page that prints
on its paper with body text no smaller than 9 pt.

Graphviz places node and edge labels itself, but `xlabel`s with `forcelabels=true` are put down
even where they collide, and a tight layout can run a spline through a box: both happened on the
shipped items (issue 15), so the tests run these checks on every item in both layouts.

Geometry is in points with y up, as Graphviz writes it. A text's box runs from 0.25 of its font
size below the baseline to 0.85 above (CJK glyphs fill the em square; this matches Noto's
ascent and descent closely enough for a check, not for typesetting).
"""
from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass, field

POINTS_PER_INCH = 72.0
TOLERANCE = 0.75           # points: touching is not overlapping (Graphviz rounds to 0.5 pt)
PAPERS = {'A4': (595.28, 841.89), 'A3': (841.89, 1190.55)}    # portrait, points
PRINT_MARGIN = 28.0        # about 1 cm on every side
MIN_PRINT_POINTS = 9.0
SAMPLE_SPACING = 3.0       # points: the most an edge moves between two of the points checked


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: 'Box', tolerance: float = TOLERANCE) -> bool:
        return (self.left < other.right - tolerance and other.left < self.right - tolerance
                and self.bottom < other.top - tolerance and other.bottom < self.top - tolerance)

    def inside(self, other: 'Box', tolerance: float = 2.0) -> bool:
        return (self.left >= other.left - tolerance and self.right <= other.right + tolerance
                and self.bottom >= other.bottom - tolerance and self.top <= other.top + tolerance)

    def union(self, other: 'Box') -> 'Box':
        return Box(min(self.left, other.left), min(self.bottom, other.bottom),
                   max(self.right, other.right), max(self.top, other.top))


@dataclass(frozen=True)
class Shape:
    """A drawn node: its box and outline (a diamond and an ellipse are narrower than their box)."""
    name: str
    gvid: int
    box: Box
    outline: str               # 'box' | 'diamond' | 'ellipse'

    def contains(self, x: float, y: float, shrink: float = 1.0) -> bool:
        b = self.box
        cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
        half_w, half_h = (b.right - b.left) / 2 - shrink, (b.top - b.bottom) / 2 - shrink
        if half_w <= 0 or half_h <= 0:
            return False
        dx, dy = abs(x - cx) / half_w, abs(y - cy) / half_h
        if self.outline == 'diamond':
            return dx + dy < 1
        if self.outline == 'ellipse':
            return dx * dx + dy * dy < 1
        return dx < 1 and dy < 1

    def touches(self, box: Box) -> bool:
        """Does a label's box overlap the outline (not just the bounding box)?"""
        if not self.box.overlaps(box):
            return False
        if self.outline == 'box':
            return True
        # The point of the label's box nearest the centre decides for convex outlines.
        b = self.box
        cx, cy = (b.left + b.right) / 2, (b.bottom + b.top) / 2
        x = min(max(cx, box.left + TOLERANCE), box.right - TOLERANCE)
        y = min(max(cy, box.bottom + TOLERANCE), box.top - TOLERANCE)
        return self.contains(x, y, shrink=0.0)


@dataclass
class Report:
    """What the checks found; `ok` when nothing. `paper` and `scale` say how the page prints."""
    width: float = 0.0
    height: float = 0.0
    smallest_font: float = 0.0
    paper: str | None = None
    scale: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def printed_font(self) -> float:
        return self.smallest_font * self.scale


@dataclass(frozen=True)
class Label:
    """A text drawn outside every node: an edge's label, a node's xlabel, a cluster's title."""
    owner: str                 # what it belongs to, for the message
    box: Box
    own_nodes: tuple[int, ...] = ()   # nodes it may touch (an xlabel beside its own node)
    edge: int | None = None    # the `_gvid` of the edge it labels


def check_layout(layout: bytes | str | dict, papers: tuple[str, ...] = ('A4', 'A3'),
                 landscape: bool = False, min_print: float = MIN_PRINT_POINTS) -> Report:
    """Check one chart laid out by `dot -Tjson`; the first of `papers` it prints on at `min_print`
    points or more is its paper (no papers: a chart for the screen, its size is not checked)."""
    data = json.loads(layout) if isinstance(layout, (bytes, str)) else layout
    shapes = node_shapes(data)
    labels, fonts = outside_labels(data, shapes)
    report = Report(smallest_font=min(fonts, default=0.0))
    report.problems += _label_problems(labels, shapes)
    report.problems += _edge_problems(data, shapes)
    if papers:
        _fit(report, _bounds(data), papers, landscape, min_print)
    else:
        report.width, report.height = _bounds(data)
    return report


# -- reading the layout -------------------------------------------------------------------------
def node_shapes(data: dict) -> dict[int, Shape]:
    """Every visible node, by `_gvid`."""
    shapes = {}
    for obj in data.get('objects', []):
        if _is_cluster(obj) or 'pos' not in obj or invisible(obj):
            continue
        x, y = (float(v) for v in obj['pos'].split(','))
        w = float(obj.get('width', 0)) * POINTS_PER_INCH / 2
        h = float(obj.get('height', 0)) * POINTS_PER_INCH / 2
        if w <= 0 or h <= 0:
            continue
        shape = obj.get('shape', 'ellipse')
        outline = 'diamond' if shape == 'diamond' else (
            'ellipse' if shape in ('ellipse', 'circle', 'doublecircle', 'oval') else 'box')
        shapes[obj['_gvid']] = Shape(obj.get('id') or obj.get('name', ''), obj['_gvid'], Box(x - w, y - h, x + w, y + h), outline)
    return shapes


def _is_cluster(obj: dict) -> bool:
    return 'nodes' in obj or 'subgraphs' in obj or 'bb' in obj


def invisible(obj: dict) -> bool:
    return 'invis' in (obj.get('style') or '') or obj.get('shape') == 'point'


def outside_labels(data: dict, shapes: dict[int, Shape]) -> tuple[list[Label], list[float]]:
    """Every label drawn outside a node (edge labels, xlabels, cluster and page titles) as one
    box each, and the size of every font used anywhere."""
    labels, fonts = [], []
    found = _texts(data, fonts)
    if found:
        labels.append(Label('图题', _union(found)))
    for obj in data.get('objects', []):
        texts = _texts(obj, fonts)
        if not texts or invisible(obj):
            continue
        if _is_cluster(obj):
            labels.append(Label(f'分区“{obj.get("name", "")}”的标题', _union(texts)))
            continue
        own = shapes.get(obj['_gvid'])
        outside = [t for t in texts if own is None or not t.inside(own.box)]
        if outside:
            labels.append(Label(f'节点{_name(obj)}的标注', _union(outside), (obj['_gvid'],)))
    for edge in data.get('edges', []):
        if invisible(edge):
            continue
        for key in ('_ldraw_', '_hldraw_', '_tldraw_'):
            texts = _texts(edge, fonts, key)
            if texts:
                # Only the label proper moves with its edge (reroute.py); a head or tail label stays.
                labels.append(Label(f'连线{_edge_name(edge, shapes)}的文字', _union(texts),
                                    edge=edge.get('_gvid') if key == '_ldraw_' else None))
    return labels, fonts


def _texts(obj: dict, fonts: list[float], key: str = '_ldraw_') -> list[Box]:
    boxes, size = [], 14.0
    for op in obj.get(key, []) or []:
        if op.get('op') == 'F':
            size = float(op['size'])
        elif op.get('op') == 'T' and str(op.get('text', '')).strip():
            fonts.append(size)
            boxes.append(_text_box(op, size))
    return boxes


def _text_box(op: dict, size: float) -> Box:
    x, y = op['pt']
    width = float(op['width'])
    left = {'l': x, 'r': x - width}.get(op.get('align'), x - width / 2)
    return Box(left, y - 0.25 * size, left + width, y + 0.85 * size)


def _union(boxes: list[Box]) -> Box:
    found = boxes[0]
    for box in boxes[1:]:
        found = found.union(box)
    return found


def _name(obj: dict) -> str:
    return f'“{obj.get("id") or obj.get("name")}”'


def _edge_name(edge: dict, shapes: dict[int, Shape]) -> str:
    if edge.get('id'):
        return f'“{edge["id"]}”'
    tail, head = shapes.get(edge.get('tail')), shapes.get(edge.get('head'))
    return f'{tail.name if tail else "?"}→{head.name if head else "?"}'


# -- the checks -----------------------------------------------------------------------------------
def label_clashes(labels: list[Label], shapes: dict[int, Shape]) -> list[tuple[Label, Shape | Label]]:
    """(label, what it lies on): a node other than its own, or a later label."""
    clashes: list[tuple[Label, Shape | Label]] = []
    for n, label in enumerate(labels):
        for shape in shapes.values():
            if shape.gvid not in label.own_nodes and shape.touches(label.box):
                clashes.append((label, shape))
        for other in labels[n + 1:]:
            if label.box.overlaps(other.box):
                clashes.append((label, other))
    return clashes


def _label_problems(labels: list[Label], shapes: dict[int, Shape]) -> list[str]:
    return [f'{label.owner}压住了节点“{other.name}”' if isinstance(other, Shape) else f'{label.owner}与{other.owner}重叠'
            for label, other in label_clashes(labels, shapes)]


def edge_crossings(data: dict, shapes: dict[int, Shape]) -> list[tuple[dict, Shape]]:
    """(edge, node it runs through): every visible edge through a node it does not connect."""
    crossings = []
    for edge in data.get('edges', []):
        if invisible(edge) or 'pos' not in edge:
            continue
        ends = {edge.get('tail'), edge.get('head')}
        points = _spline_points(edge['pos'], 12)
        if not points:
            continue
        reach = _extent(points)
        for shape in shapes.values():
            box = shape.box     # a point inside the outline is inside the box: test those only
            if shape.gvid in ends or not reach.overlaps(box, tolerance=0.0):
                continue
            if any(shape.contains(x, y) for x, y in points if box.left < x < box.right and box.bottom < y < box.top):
                crossings.append((edge, shape))
    return crossings


def _edge_problems(data: dict, shapes: dict[int, Shape]) -> list[str]:
    return [f'连线{_edge_name(edge, shapes)}穿过了节点“{shape.name}”' for edge, shape in edge_crossings(data, shapes)]


def spline_points(pos: str, steps: int = 12) -> list[tuple[float, float]]:
    """Points along the B-spline Graphviz writes ('e,x,y s,x,y p0 p1 p2 p3 p4 ...'): `steps`
    per cubic piece, more on a long piece so that no two are more than `SAMPLE_SPACING` apart
    (a fixed 12 let a long arc pass over a small box between two of its points)."""
    return list(_spline_points(pos, steps))


@functools.lru_cache(maxsize=256)     # one chart's edges, looked at again each round
def _spline_points(pos: str, steps: int) -> tuple[tuple[float, float], ...]:
    controls = [tuple(float(v) for v in part.split(',')) for part in pos.split()
                if not part.startswith(('e,', 's,'))]
    points = []
    for i in range(0, len(controls) - 3, 3):
        p0, p1, p2, p3 = controls[i:i + 4]
        # The control polygon is at least as long as the curve.
        reach = math.dist(p0, p1) + math.dist(p1, p2) + math.dist(p2, p3)
        pieces = max(steps, math.ceil(reach / SAMPLE_SPACING))
        # The same cubic as a polynomial in t (Horner): fewer operations a point.
        (ax, bx, cx), (ay, by, cy) = (_cubic(p0[i], p1[i], p2[i], p3[i]) for i in (0, 1))
        for k in range(pieces + 1):
            t = k / pieces
            points.append((((ax * t + bx) * t + cx) * t + p0[0], ((ay * t + by) * t + cy) * t + p0[1]))
    return tuple(points)


def _cubic(p0: float, p1: float, p2: float, p3: float) -> tuple[float, float, float]:
    """(a, b, c) of a t^3 + b t^2 + c t + p0, the Bezier curve p0 p1 p2 p3 in one coordinate."""
    return p3 - 3 * p2 + 3 * p1 - p0, 3 * p2 - 6 * p1 + 3 * p0, 3 * p1 - 3 * p0


@functools.lru_cache(maxsize=256)
def _extent(points: tuple[tuple[float, float], ...]) -> Box:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return Box(min(xs), min(ys), max(xs), max(ys))


def page_size(data: dict) -> tuple[float, float, float]:
    """(width, height, smallest font) of a laid-out chart, in points."""
    fonts: list[float] = []
    _texts(data, fonts)
    for obj in [*data.get('objects', []), *data.get('edges', [])]:
        for key in ('_ldraw_', '_hldraw_', '_tldraw_'):
            _texts(obj, fonts, key)
    return (*_bounds(data), min(fonts, default=0.0))


def _bounds(data: dict) -> tuple[float, float]:
    left, bottom, right, top = (float(v) for v in data.get('bb', '0,0,0,0').split(','))
    pad = float(data.get('pad', 0.0555)) * POINTS_PER_INCH if data.get('pad') else 4.0
    return right - left + 2 * pad, top - bottom + 2 * pad


def paper_for(width: float, height: float, smallest_font: float, papers: tuple[str, ...] = ('A4', 'A3'),
              landscape: bool = False, min_print: float = MIN_PRINT_POINTS) -> tuple[str | None, float]:
    """The first paper a page of this size prints on with its smallest text at `min_print` points
    or more (shrunk to fit, never enlarged), and the scale; (None, best scale) if none does."""
    best = 0.0
    for paper in papers:
        sheet_w, sheet_h = PAPERS[paper][::-1] if landscape else PAPERS[paper]
        scale = min((sheet_w - 2 * PRINT_MARGIN) / width, (sheet_h - 2 * PRINT_MARGIN) / height, 1.0)
        if smallest_font * scale >= min_print - 0.01:
            return paper, scale
        best = max(best, scale)
    return None, best


def _fit(report: Report, size: tuple[float, float], papers: tuple[str, ...], landscape: bool,
         min_print: float) -> None:
    report.width, report.height = size
    report.paper, report.scale = paper_for(*size, report.smallest_font, papers, landscape, min_print)
    if report.paper is None:
        report.problems.append(
            f'页面 {size[0]:.0f}×{size[1]:.0f} 磅在{"、".join(papers)}纸上缩至 {report.scale:.0%} 后，'
            f'最小文字只有 {report.printed_font:.1f} 磅（应不小于 {min_print:g} 磅）')
