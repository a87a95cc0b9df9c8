"""The official chart on paper: one A4 or A3 portrait page when it prints there with its smallest
text at 9 pt or more; otherwise cut into pages by height, top to bottom, with 转下页/接上页
connectors where a flow crosses a cut (the largest items; a county prints them as 2 sheets).

The cut is read from Graphviz's own layout of the whole chart (the height of every step), and
each page is laid out again on its own, so every page is checked as it is printed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import graphviz

from . import quality
from .graph import Model
from .official import Part, Sheet, build_official
from .output import run_dot

MAX_PAGES = 6


@dataclass(frozen=True)
class Page:
    graph: graphviz.Digraph
    layout: dict            # `dot -Tjson` of this page
    paper: str              # 'A4' | 'A3'


def official_pages(model: Model, sheet: Sheet) -> list[Page]:
    whole = build_official(model, sheet)
    layout = _layout(whole)
    paper = _paper(layout)
    if paper is not None:
        return [Page(whole, layout, paper)]
    heights = _heights(layout)
    pages: list[Page] = []
    for count in range(2, MAX_PAGES + 1):
        parts = _parts(heights, count)
        pages = []
        for part in parts:
            graph = build_official(model, sheet, part)
            page_layout = _layout(graph)
            pages.append(Page(graph, page_layout, _paper(page_layout) or ''))
        if all(p.paper for p in pages):
            break
    # One paper for all the pages of an item: a county prints them as one set.
    paper = 'A3' if any(p.paper != 'A4' for p in pages) else 'A4'
    return [Page(p.graph, p.layout, paper) for p in pages]


def _layout(graph: graphviz.Digraph) -> dict:
    return json.loads(run_dot(graph, 'json'))


def _paper(layout: dict) -> str | None:
    width, height, smallest = quality.page_size(layout)
    return quality.paper_for(width, height, smallest)[0]


def _heights(layout: dict) -> dict[str, float]:
    """Element id -> height on the whole chart (Graphviz's y grows upwards)."""
    found = {}
    for obj in layout.get('objects', []):
        ident, pos = obj.get('id'), obj.get('pos')
        if ident and pos and '__note' not in ident:
            found[ident] = float(pos.split(',')[1])
    return found


def _parts(heights: dict[str, float], count: int) -> list[Part]:
    """Cut into `count` bands of equal height, top first; a band never comes out empty."""
    ranks = sorted(set(heights.values()), reverse=True)
    top, bottom = ranks[0], ranks[-1]
    span = (top - bottom) / count or 1.0
    page_of = {ident: min(int((top - y) / span), count - 1) + 1 for ident, y in heights.items()}
    used = sorted(set(page_of.values()))
    renumber = {old: new for new, old in enumerate(used, 1)}
    page_of = {ident: renumber[p] for ident, p in page_of.items()}
    total = len(used)
    return [Part(frozenset(i for i, p in page_of.items() if p == n), n, total, page_of)
            for n in range(1, total + 1)]
