"""render/quality.py on tiny crafted layouts: what overlaps and what does not, an edge through a
box it does not connect, and whether a page prints on A4 or A3 with 9 pt text."""
import json

import graphviz
import pytest

from render.output import run_dot
from render.quality import check_layout, paper_for


def layout(source: str) -> bytes:
    return run_dot(graphviz.Source(source), 'json')


def test_a_clean_chart_passes():
    report = check_layout(layout('digraph { a [shape=box]; b [shape=box]; a -> b [label="同意"] }'))
    assert report.ok, report.problems
    assert report.paper == 'A4' and report.scale == 1.0


def test_a_label_over_another_node_is_found():
    graph = json.loads(layout('digraph { a [shape=box, xlabel="外部标注"]; b [shape=box]; a -> b }'))
    a, b = (next(o for o in graph['objects'] if o['name'] == n) for n in 'ab')
    assert check_layout(graph).ok
    # Where a forced xlabel lands on a crowded chart: on top of another box.
    label = next(op for op in a['_ldraw_'] if op.get('op') == 'T' and op['text'] == '外部标注')
    label['pt'] = [float(v) for v in b['pos'].split(',')]
    assert check_layout(graph).problems == ['节点“a”的标注压住了节点“b”']


def test_two_labels_in_the_same_place_overlap():
    source = ('digraph { a [shape=box, pos="0,0!", xlabel="标注一", xlp="100,100"]; '
              'b [shape=box, pos="300,0!", xlabel="标注二", xlp="100,100"] }')
    graph = json.loads(layout(source))
    # Put both xlabels at one point, as a bad placement would.
    for obj in graph['objects']:
        for op in obj.get('_ldraw_', []):
            if op.get('op') == 'T':
                op['pt'] = [500.0, 500.0]
    assert any('重叠' in p for p in check_layout(graph).problems)


def test_an_edge_through_a_box_it_does_not_connect_is_found():
    graph = json.loads(layout('digraph { a [shape=box]; b [shape=box]; c [shape=box]; a -> b; a -> c }'))
    middle = next(o for o in graph['objects'] if o['name'] == 'c')
    edge = next(e for e in graph['edges'] if e['head'] != middle['_gvid'])
    x, y = (float(v) for v in middle['pos'].split(','))
    # Route a -> b straight through c.
    edge['pos'] = f'{x - 60},{y} {x - 20},{y} {x + 20},{y} {x + 60},{y}'
    assert any('穿过了节点“c”' in p for p in check_layout(graph).problems)


def test_a_long_edge_through_a_small_box_is_found_between_any_two_points_of_it():
    graph = json.loads(layout('digraph { a [shape=box]; b [shape=box]; c [shape=circle, width=0.3, label=""]; a -> b }'))
    c = next(o for o in graph['objects'] if o['name'] == 'c')
    x, y = (float(v) for v in c['pos'].split(','))
    # One straight cubic piece 1000 points long with c 41.7 points from its start: twelve points
    # along it, 83.3 apart, land on either side of the 21-point circle.
    start = x - 1000 / 24
    edge = graph['edges'][0]
    edge['pos'] = ' '.join(f'{start + d},{y}' for d in (0, 1000 / 3, 2000 / 3, 1000))
    assert all(abs(px - x) > 15 for px, _ in [(start + 1000 * k / 12, y) for k in range(13)])
    assert any('穿过了节点“c”' in p for p in check_layout(graph, papers=()).problems)


def test_an_edge_that_goes_around_is_fine_and_invisible_ones_do_not_count():
    report = check_layout(layout('digraph { a -> b; b -> c; a -> c; a -> c [style=invis] }'))
    assert report.ok, report.problems


@pytest.mark.parametrize('size, font, paper', [
    ((500, 700), 10, 'A4'),          # fits A4 as it is
    ((600, 900), 10, 'A3'),          # A4 would shrink it to 87%: 10 pt text printed at 8.7 pt
    ((800, 1100), 10, 'A3'),
    ((2000, 1100), 10, None),        # a swimlane chart: no paper keeps 9 pt
])
def test_paper_is_the_first_that_keeps_text_at_9_pt(size, font, paper):
    found, scale = paper_for(*size, font)
    assert found == paper
    if found:
        assert font * scale >= 9 - 0.01


def test_a_page_too_big_for_any_paper_is_a_problem():
    report = check_layout(layout('digraph { rankdir=LR; ' + ' -> '.join(f'n{i}' for i in range(60)) + ' }'))
    assert report.paper is None and any('最小文字' in p for p in report.problems)
    assert check_layout(layout('digraph { rankdir=LR; a -> b }'), papers=()).ok
