"""render/reroute.py and render/dotfile.py on small layouts: an edge dot ran through a box is
drawn again around it, a label on a box moves beside its own edge, a clean layout is left alone;
the patched layout is what Graphviz's nop2 engine draws, nodes the size dot made them."""
import json
import math

import graphviz
import pytest

from render import reroute
from render.dotfile import EDGE_TAG, patched_layout, tightened
from render.output import _graphviz, run_dot
from render.quality import Box, Shape, check_layout, node_shapes, spline_points


def laid_out(source: str) -> tuple[str, dict]:
    """dot's DOT and json outputs of one run, as `run_dot_tidied` takes them."""
    text = run_dot(graphviz.Source(source), 'dot').decode()
    return text, json.loads(run_dot(graphviz.Source(source), 'json'))


def drawn(text: str) -> dict:
    return json.loads(_graphviz(['-Knop2', '-Tjson'], text))


def node(data: dict, name: str) -> dict:
    return next(o for o in data['objects'] if o.get('name') == name)


def edge(data: dict, edge_id: str) -> dict:
    return next(e for e in data['edges'] if e.get('id') == edge_id)


def centre(obj: dict) -> tuple[float, float]:
    x, y = obj['pos'].split(',')
    return float(x), float(y)


def applied(data: dict, fixes: dict) -> dict:
    """The json with the fixes in it, as reroute's own next round sees it."""
    data = json.loads(json.dumps(data))
    for e in data['edges']:
        fix = fixes.get(e['_gvid'])
        if fix and fix.pos:
            e['pos'] = fix.pos
        if fix and fix.lp:
            x, y = (float(v) for v in e['lp'].split(','))
            for op in e.get('_ldraw_', []):
                if op['op'] == 'T':
                    op['pt'] = [op['pt'][0] + fix.lp[0] - x, op['pt'][1] + fix.lp[1] - y]
    return data


THREE = f'''digraph {{ rankdir=LR; node [shape=box];
    a; b; c; a -> b [id=ab, {EDGE_TAG}=1]; a -> c [id=ac, label="同意", {EDGE_TAG}=2] }}'''


def test_an_edge_run_through_a_box_is_drawn_again_around_it():
    text, data = laid_out(THREE)
    c = node(data, 'c')
    x, y = centre(c)
    # What dot did on the shipped swimlanes: a spline straight through a box it does not connect.
    edge(data, 'ab')['pos'] = f'e,{x + 90},{y} {x - 90},{y} {x - 30},{y} {x + 30},{y} {x + 83},{y}'
    assert any('穿过了节点“c”' in p for p in check_layout(data, papers=()).problems)
    fixes = reroute.tidy(data)
    assert set(fixes) == {edge(data, 'ab')['_gvid']}
    assert check_layout(applied(data, fixes), papers=()).ok
    # The new spline ends at the same two boxes, with its arrow at the head.
    new = fixes[edge(data, 'ab')['_gvid']].pos
    assert new.startswith('e,')
    points = spline_points(new)
    shapes = {s.name: s for s in node_shapes(data).values()}
    assert _touches(shapes['a'], points[0]) and _touches(shapes['b'], points[-1], slack=8)


def _touches(shape: Shape, point, slack: float = 1.0) -> bool:
    b = shape.box
    return b.left - slack <= point[0] <= b.right + slack and b.bottom - slack <= point[1] <= b.top + slack


def test_a_label_on_a_box_moves_beside_its_own_edge():
    _, data = laid_out(THREE)
    b = node(data, 'b')
    label = edge(data, 'ac')
    for op in label['_ldraw_']:
        if op['op'] == 'T':
            op['pt'] = [float(v) for v in b['pos'].split(',')]
    assert any('压住了节点“b”' in p for p in check_layout(data, papers=()).problems)
    fixes = reroute.tidy(data)
    fix = fixes[label['_gvid']]
    assert fix.pos is None and fix.lp is not None
    moved = applied(data, fixes)
    assert check_layout(moved, papers=()).ok
    # Beside its edge: its text a few points from a point of the spline.
    text = next(op for op in edge(moved, 'ac')['_ldraw_'] if op['op'] == 'T')
    assert min(math.dist(text['pt'], p) for p in spline_points(label['pos'])) < 25


def test_a_clean_layout_is_left_alone():
    _, data = laid_out(THREE)
    assert check_layout(data, papers=()).ok
    assert reroute.tidy(data) == {}


def test_a_path_goes_around_the_boxes_in_its_way_and_not_along_a_border():
    tail = Shape('tail', 1, Box(0, 0, 60, 40), 'box')
    head = Shape('head', 2, Box(400, 0, 460, 40), 'box')
    wall = Box(150, -100, 250, 140)                    # between them, taller than both
    grown = [reroute._grow(b, reroute.CLEARANCE) for b in (tail.box, head.box, wall)]
    border = ('h', 160.0, -500.0, 900.0, reroute.BORDER_GAP)      # a lane border just above the wall
    path = reroute.find_path(tail, head, grown, [border])
    assert path is not None
    assert path[0] in ((60, 20), (30, 40), (30, 0)) and path[-1] in ((400, 20), (430, 40), (430, 0))
    for a, b in zip(path, path[1:], strict=False):
        assert a[0] == b[0] or a[1] == b[1], 'orthogonal'
        assert not reroute._segment_hits(a, b, grown[2]), 'not through the wall'
        if a[1] == b[1]:
            assert abs(a[1] - border[1]) >= reroute.BORDER_GAP, 'not along the border'


def test_a_path_is_drawn_with_rounded_corners_and_its_arrow():
    pos = reroute.spline([(0, 0), (100, 0), (100, 100)], arrow_end=True)
    assert pos.startswith('e,100.00,100.00 ')
    points = spline_points(pos)
    assert points[0] == (0, 0) and math.dist(points[-1], (100, 93)) < 0.01   # 7 points short of the tip
    assert all(math.dist(p, (100, 0)) > 2 for p in points), 'the corner is rounded'


# -- the patched layout and nop2 ------------------------------------------------------------------
TRICKY = f'''digraph {{ rankdir=LR;
    a [shape=box, peripheries=2, label="调用 [甲] \\"乙\\" pos=1"];
    b [shape=doublecircle, label="公示7天"];
    c [label=<<B>判断</B>>, shape=diamond];
    a -> b [id=ab, label="x] pos=\\"2\\"", {EDGE_TAG}=1];
    b -> c [id=bc, label="同意", {EDGE_TAG}=2] }}'''


def test_the_patch_changes_the_named_edge_only_and_nop2_draws_it_so():
    text, data = laid_out(TRICKY)
    bc = edge(data, 'bc')
    new_pos = 'e,300.00,20.00 100.00,20.00 150.00,20.00 200.00,20.00 293.00,20.00'
    patched = patched_layout(text, data, {bc['_gvid']: reroute.Fix(new_pos, (200.0, 40.0))})
    result = drawn(patched)
    # nop2 moves the whole drawing by the same amount; compare against an untouched node.
    dx, dy = (p - q for p, q in zip(centre(node(result, 'a')), centre(node(data, 'a')), strict=True))
    got = spline_points(edge(result, 'bc')['pos'])
    assert math.dist(got[0], (100 + dx, 20 + dy)) < 0.1 and math.dist(got[-1], (293 + dx, 20 + dy)) < 0.1
    lp = [float(v) for v in edge(result, 'bc')['lp'].split(',')]
    assert math.dist(lp, (200 + dx, 40 + dy)) < 0.1
    assert edge(result, 'ab')['pos'] == edge(drawn(patched_layout(text, data, {})), 'ab')['pos']
    assert edge(result, 'ab')['label'] == 'x] pos="2"'
    assert node(result, 'a')['label'] == '调用 [甲] "乙" pos=1'


def test_nop2_draws_every_node_the_size_dot_made_it():
    text, data = laid_out(TRICKY)
    result = drawn(patched_layout(text, data, {}))
    for name in 'abc':
        for size in ('width', 'height'):
            assert float(node(result, name)[size]) == pytest.approx(float(node(data, name)[size]), abs=0.01)


def _off(point, line) -> float:
    """How far a point is from a polyline."""
    best = math.inf
    for a, b in zip(line, line[1:], strict=False):
        length = math.dist(a, b) ** 2
        t = 0.0 if length == 0 else max(0.0, min(1.0, ((point[0] - a[0]) * (b[0] - a[0]) + (point[1] - a[1]) * (b[1] - a[1])) / length))
        best = min(best, math.dist(point, (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))))
    return best


def test_a_long_arc_is_cut_into_pieces_that_keep_near_the_curve():
    page = Box(0, 0, 400, 700)
    arc = 'e,400,10 0,10 0,900 400,900 393,10'      # the curve peaks at 677.5, its control points at 900
    tight = tightened(arc, page)
    assert tight.startswith('e,400,10 ')
    controls = [tuple(float(v) for v in p.split(',')) for p in tight.split()[1:]]
    assert all(-1 <= x <= 401 and -1 <= y <= 701 for x, y in controls)
    before, after = spline_points(arc, steps=400), spline_points(tight, steps=100)
    assert max(_off(p, after) for p in before) < 0.5 and max(_off(p, before) for p in after) < 0.5, 'the same curve'
    assert tightened('0,0 10,10 20,10 30,0', page) == '0,0 10,10 20,10 30,0'
