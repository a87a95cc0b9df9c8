"""A printable booklet of the whole power list: contents page(s), then every item's official chart
(权力运行流程图) on A4 or A3 portrait pages, each followed by the chart of every item it calls (so
the 四议两公开 a project calls is on the next page), with a bookmark per item.

Graphviz draws each page as its own PDF (the contents too, as an HTML-like table); pypdf places
every page on its sheet and joins them.
"""
from __future__ import annotations

import io
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from typing import Mapping, Sequence

import graphviz
from pypdf import PdfWriter
from pypdf.errors import PyPdfError

from .bpmn_xml import parse_bpmn
from .errors import RenderError
from .flowchart import sheet_for, vocabulary
from .graph import Model
from .model import read_model
from .official import Sheet
from .output import run_dot
from .pages import Page, official_pages
from .paper import place
from .style import FONT, NODE_DEFAULTS, PAPER

ROWS_PER_PAGE = 24
WORKERS = min(4, os.cpu_count() or 1)   # `dot` runs are separate processes: draw a few at once


@dataclass
class _Entry:
    number: int
    model: Model
    page: int = 0                       # first page of its chart
    called: tuple[str, ...] = ()        # keys of the items drawn after it


def render_booklet(bpmn_files: Sequence[bytes], *, role_names: Mapping[str, str] | None = None,
                   parameters: Mapping[str, object] | None = None,
                   title: str = '村级小微权力清单',
                   process_names: Mapping[str, str] | None = None) -> bytes:
    """One PDF: contents (list code, name, category, page) and then every item's official chart,
    each followed by the charts of the items it calls."""
    if isinstance(bpmn_files, (bytes, str)) or not isinstance(bpmn_files, Sequence):
        raise RenderError('render_booklet expects a list of BPMN files (bytes)')
    models = [read_model(parse_bpmn(data, f'booklet item {i + 1}')) for i, data in enumerate(bpmn_files)]
    by_key = {_key(m): m for m in models if _key(m)}
    names = {**{k: m.title for k, m in by_key.items()}, **dict(process_names or {})}
    entries = [_Entry(i + 1, m, called=_called(m, by_key)) for i, m in enumerate(models)]

    def vocab(model: Model):
        return vocabulary(model, role_names, parameters, names)

    def pages_of(model: Model, sheet: Sheet) -> list[Page]:
        return official_pages(model, sheet)

    # First pass: how many pages each chart takes (a long item is cut into pages), to number them.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        paged = pool.map(lambda m: pages_of(m, sheet_for(vocab(m))), models)
        counts = {id(m): len(p) for m, p in zip(models, paged, strict=True)}
    contents_pages = max(1, math.ceil(len(models) / ROWS_PER_PAGE))
    page = contents_pages + 1
    plan: list[tuple[Model, int, dict[str, int]]] = []     # (model, first page, called key -> page)
    for entry in entries:
        entry.page = page
        called_pages, after = {}, page + counts[id(entry.model)]
        for key in entry.called:
            called_pages[key] = after
            after += counts[id(by_key[key])]
        plan.append((entry.model, page, called_pages))
        plan += [(by_key[key], called_pages[key], {}) for key in entry.called]
        page = after

    def chart(item: tuple[Model, int, dict[str, int]]) -> list[tuple[bytes, str]]:
        model, first, called_pages = item
        sheet = sheet_for(vocab(model), title, called_pages, first_page=first)
        return [(run_dot(printed.graph, 'pdf'), printed.paper) for printed in pages_of(model, sheet)]

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        charts = [page for pages in pool.map(chart, plan) for page in pages]
    contents = [_contents_page(title, entries[i:i + ROWS_PER_PAGE], n + 1, contents_pages)
                for n, i in enumerate(range(0, max(len(entries), 1), ROWS_PER_PAGE))]
    return _join(title, contents, charts, entries)


def _key(model: Model) -> str:
    return next(iter(model.process_members), '')


def _called(model: Model, by_key: dict[str, Model]) -> tuple[str, ...]:
    keys = [n.called for n in model.nodes.values() if n.kind == 'callActivity' and n.called]
    own = _key(model)
    return tuple(k for k in dict.fromkeys(keys) if k in by_key and k != own)


def _contents_page(title: str, entries: list[_Entry], page: int, pages: int) -> bytes:
    header = ''.join(f'<TD BGCOLOR="#eceff1"><B>{word}</B></TD>'
                     for word in ('序号', '编号', '事项名称', '类别', '页码'))
    rows = ''.join(_contents_row(e) for e in entries) or '<TR><TD COLSPAN="5">（无事项）</TD></TR>'
    more = f'（{page}/{pages}）' if pages > 1 else ''
    table = ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="6" COLOR="#90a4ae">'
             f'<TR><TD COLSPAN="5" BORDER="0"><FONT POINT-SIZE="22"><B>{escape(title)}</B></FONT></TD></TR>'
             f'<TR><TD COLSPAN="5" BORDER="0"><FONT POINT-SIZE="16">目　录{more}</FONT></TD></TR>'
             f'<TR>{header}</TR>{rows}</TABLE>>')
    graph = graphviz.Digraph('contents', graph_attr={'bgcolor': PAPER, 'pad': '0.2'},
                             node_attr=NODE_DEFAULTS)
    graph.node('contents', label=table, shape='plaintext', fontname=FONT)
    return run_dot(graph, 'pdf')


def _contents_row(entry: _Entry) -> str:
    props = entry.model.props
    cells = (str(entry.number), props.get('list_code', ''), entry.model.title,
             props.get('category', ''), str(entry.page))
    aligns = ('CENTER', 'LEFT', 'LEFT', 'LEFT', 'RIGHT')
    return '<TR>' + ''.join(f'<TD ALIGN="{a}">{escape(c)}</TD>' for c, a in zip(cells, aligns, strict=True)) + '</TR>'


def _join(title: str, contents: list[bytes], charts: list[tuple[bytes, str]], entries: list[_Entry]) -> bytes:
    writer = PdfWriter()
    try:
        for pdf in contents:
            place(writer, pdf, 'A4')
        for pdf, paper in charts:
            place(writer, pdf, paper)
    except PyPdfError as exc:
        raise RenderError(f'could not assemble the booklet PDF: {exc}') from exc
    for entry in entries:
        code = entry.model.props.get('list_code')
        label = f'{code} {entry.model.title}' if code else entry.model.title
        writer.add_outline_item(title=label, page_number=entry.page - 1)
    writer.add_metadata({'/Title': title, '/Creator': 'xiaowei render'})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
