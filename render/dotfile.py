"""dot's own layout (`dot -Tdot`: the graph with every position written in) patched with the
fixes of `reroute.py`, for Graphviz's `nop2` engine to draw as it is.

The edges are found by `EDGE_TAG`, an attribute `chart.py` gives each drawn edge (dot writes it
back in its json and DOT output; no output format draws it). Two things `nop2` (Graphviz 2.42)
would draw otherwise than dot are evened out here:
- it adds a node's extra borders (a call activity's double frame, an event's double circle) to the
  size dot wrote, which has them already: the node would grow by 8 points each way;
- it takes the page's size from the control points of every spline, which for a long arc lie far
  outside the curve: such a spline is written again as the same curve in smaller pieces (de
  Casteljau), whose control points keep close to it.
"""
from __future__ import annotations

from collections.abc import Iterator

from .quality import POINTS_PER_INCH, Box
from .reroute import Fix

EDGE_TAG = 'xw_edge'
EXTRA_BORDER = 8.0         # points a node grows by for each border beyond the first (2 x Graphviz's GAP)
BORDERS = {'doublecircle': 2, 'doubleoctagon': 2, 'tripleoctagon': 3}     # shapes with more than one
Point = tuple[float, float]


def patched_layout(laid_out: str, data: dict, fixes: dict[int, Fix]) -> str:
    """`laid_out` (dot's `-Tdot` output) with the fixes (by edge `_gvid` in `data`, dot's json of
    the same run) written into the edges they name: their `pos` and `lp`."""
    by_tag = {str(edge[EDGE_TAG]): fixes[edge['_gvid']] for edge in data.get('edges', [])
              if edge.get('_gvid') in fixes and EDGE_TAG in edge}
    page = _page(data)
    pieces, done = [], 0
    for start, end in _attribute_lists(laid_out):
        values = {name: _unquoted(value) for name, value, _ in _attributes(laid_out, start + 1, end - 1)}
        changes: dict[str, str] = {}
        if 'pos' in values and 'width' in values and 'height' in values:          # a node
            extra = EXTRA_BORDER * (_borders(values) - 1) / POINTS_PER_INCH
            if extra > 0:
                changes = {'width': f'{float(values["width"]) - extra:.5f}',
                           'height': f'{float(values["height"]) - extra:.5f}'}
        elif 'pos' in values:                                                        # an edge
            fix = by_tag.get(values.get(EDGE_TAG, ''))
            if fix is not None and fix.pos:
                changes['pos'] = fix.pos
            elif page is not None and (tight := tightened(values['pos'], page)) != values['pos']:
                changes['pos'] = tight
            if fix is not None and fix.lp:
                changes['lp'] = f'{fix.lp[0]:.2f},{fix.lp[1]:.2f}'
        if changes:
            pieces += [laid_out[done:start], _rewritten(laid_out, start, end, changes)]
            done = end
    return ''.join(pieces) + laid_out[done:]


def tightened(pos: str, page: Box) -> str:
    """The spline `pos` with each cubic piece whose control points leave the page cut in halves
    (the same curve) until they keep within a point of it; unchanged when none does."""
    parts = pos.split()
    ends = [p for p in parts if p.startswith(('s,', 'e,'))]
    points = [_point(p) for p in parts if not p.startswith(('s,', 'e,'))]
    if len(points) < 4 or (len(points) - 1) % 3:
        return pos
    left, bottom, right, top = page.left - 1, page.bottom - 1, page.right + 1, page.top + 1

    def pieces(p0: Point, p1: Point, p2: Point, p3: Point, depth: int) -> list[Point]:
        if depth == 0 or all(left <= x <= right and bottom <= y <= top for x, y in (p1, p2)):
            return [p1, p2, p3]
        m01, m12, m23 = _middle(p0, p1), _middle(p1, p2), _middle(p2, p3)
        a, b = _middle(m01, m12), _middle(m12, m23)
        half = _middle(a, b)
        return pieces(p0, m01, a, half, depth - 1) + pieces(half, b, m23, p3, depth - 1)

    out = [points[0]]
    for i in range(0, len(points) - 1, 3):
        out += pieces(*points[i:i + 4], depth=6)
    if len(out) == len(points):
        return pos
    return ' '.join(ends + [f'{x:.2f},{y:.2f}' for x, y in out])


def _page(data: dict) -> Box | None:
    try:
        left, bottom, right, top = (float(v) for v in data['bb'].split(','))
    except (KeyError, ValueError):
        return None
    return Box(left, bottom, right, top)


def _borders(values: dict[str, str]) -> int:
    if values.get('peripheries', '').isdigit():
        return int(values['peripheries'])
    return BORDERS.get(values.get('shape', ''), 1)


def _middle(a: Point, b: Point) -> Point:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def _point(text: str) -> Point:
    x, y = text.split(',')[:2]
    return float(x), float(y)


# -- reading DOT text -----------------------------------------------------------------------------
def _attribute_lists(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of every `[...]` attribute list, quoted and HTML strings skipped."""
    i, start = 0, None
    while i < len(text):
        char = text[i]
        if char == '"':
            i = _string_end(text, i)
            continue
        if char == '<':
            i = _html_end(text, i)
            continue
        if char == '[' and start is None:
            start = i
        elif char == ']' and start is not None:
            yield start, i + 1
            start = None
        i += 1


def _string_end(text: str, i: int) -> int:
    """Just past the quoted string that starts at `i`."""
    i += 1
    while i < len(text) and text[i] != '"':
        i += 2 if text[i] == '\\' else 1
    return i + 1


def _html_end(text: str, i: int) -> int:
    """Just past the HTML string (<...> with nested tags) that starts at `i`."""
    depth = 0
    while i < len(text):
        depth += {'<': 1, '>': -1}.get(text[i], 0)
        i += 1
        if depth == 0:
            break
    return i


def _attributes(text: str, start: int, end: int) -> list[tuple[str, str, tuple[int, int]]]:
    """(name, value as written, span of `name=value`) of each attribute in text[start:end]."""
    found, i = [], start
    blank, stops = ' \t\r\n', ' \t\r\n,;'
    while i < end:
        while i < end and text[i] in stops:
            i += 1
        name_start = i
        while i < end and text[i] not in stops + '=':
            i += 1
        name = text[name_start:i]
        while i < end and text[i] in blank:
            i += 1
        if i >= end or text[i] != '=':
            continue
        i += 1
        while i < end and text[i] in blank:
            i += 1
        value_start = i
        if i < end and text[i] == '"':
            i = _string_end(text, i)
        elif i < end and text[i] == '<':
            i = _html_end(text, i)
        else:
            while i < end and text[i] not in stops:
                i += 1
        found.append((name, text[value_start:i], (name_start, i)))
    return found


def _unquoted(value: str) -> str:
    """A DOT string's text: quotes off, line continuations (backslash, newline) joined."""
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\\n', '').replace('\\"', '"')
    return value


def _rewritten(text: str, start: int, end: int, changes: dict[str, str]) -> str:
    """The attribute list text[start:end] with each change set (quoted): where the attribute is
    written, else added at the end."""
    wanted = dict(changes)
    pieces, done = [], start
    for name, _, (a, b) in _attributes(text, start + 1, end - 1):
        if name in wanted:
            pieces += [text[done:a], f'{name}="{wanted.pop(name)}"']
            done = b
    pieces.append(text[done:end - 1].rstrip())
    for name, value in wanted.items():
        comma = ',' if ''.join(pieces).strip(' [\t\r\n') else ''
        pieces.append(f'{comma}\n\t\t{name}="{value}"')
    return ''.join(pieces) + ']'
