"""A printable booklet of the whole power list: contents page(s), then one chart per A4 page.

Graphviz draws each page as its own PDF (the contents too, as an HTML-like table); pypdf places
every page on an A4 sheet (landscape for wide charts) and joins them, with a bookmark per item.
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
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.errors import PyPdfError

from .bpmn_xml import parse_bpmn
from .errors import RenderError
from .flowchart import DEFAULT_COMPLAINT_CHANNEL, draw, vocabulary
from .graph import Model
from .model import read_model
from .output import run_dot
from .style import FONT, NODE_DEFAULTS, PAPER

A4 = (595.28, 841.89)          # points, portrait
MARGIN = 28.0                  # about 1 cm
ROWS_PER_PAGE = 24
WORKERS = min(4, os.cpu_count() or 1)   # `dot` runs are separate processes: draw a few at once


@dataclass(frozen=True)
class _Entry:
    number: int
    model: Model
    page: int


def render_booklet(bpmn_files: Sequence[bytes], *, role_names: Mapping[str, str] | None = None,
                   parameters: Mapping[str, object] | None = None,
                   title: str = '村级小微权力清单') -> bytes:
    """One PDF: contents (list code, name, category, page) and then every item's chart."""
    if isinstance(bpmn_files, (bytes, str)) or not isinstance(bpmn_files, Sequence):
        raise RenderError('render_booklet expects a list of BPMN files (bytes)')
    models = [read_model(parse_bpmn(data, f'booklet item {i + 1}')) for i, data in enumerate(bpmn_files)]
    contents_pages = max(1, math.ceil(len(models) / ROWS_PER_PAGE))
    entries = [_Entry(i + 1, m, contents_pages + i + 1) for i, m in enumerate(models)]

    def chart(entry: _Entry) -> bytes:
        vocab = vocabulary(entry.model, role_names, parameters)
        return draw(entry.model, 'pdf', vocab, None, DEFAULT_COMPLAINT_CHANNEL,
                    page_note=f'{title}　第 {entry.page} 页')

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        charts = list(pool.map(chart, entries))
    contents = [_contents_page(title, entries[i:i + ROWS_PER_PAGE], n + 1, contents_pages)
                for n, i in enumerate(range(0, max(len(entries), 1), ROWS_PER_PAGE))]
    return _join(title, contents, charts, entries)


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
    return '<TR>' + ''.join(f'<TD ALIGN="{a}">{escape(c)}</TD>' for c, a in zip(cells, aligns)) + '</TR>'


def _join(title: str, contents: list[bytes], charts: list[bytes], entries: list[_Entry]) -> bytes:
    writer = PdfWriter()
    try:
        for pdf in contents:
            _place_on_a4(writer, pdf, portrait=True)
        for pdf in charts:
            _place_on_a4(writer, pdf)
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


def _place_on_a4(writer: PdfWriter, pdf: bytes, portrait: bool = False) -> None:
    """Centre the page on A4 (landscape when it is wide, unless `portrait`), shrunk to fit
    inside the margins; a contents page sits at the top of its sheet."""
    source = PdfReader(io.BytesIO(pdf)).pages[0]
    box = source.mediabox
    width, height = float(box.width), float(box.height)
    sheet_w, sheet_h = (A4[1], A4[0]) if width > height and not portrait else A4
    scale = min((sheet_w - 2 * MARGIN) / width, (sheet_h - 2 * MARGIN) / height, 1.0)
    dx = (sheet_w - scale * width) / 2 - scale * float(box.left)
    free_h = sheet_h - scale * height
    dy = (free_h - MARGIN if portrait else free_h / 2) - scale * float(box.bottom)
    sheet = writer.add_blank_page(sheet_w, sheet_h)
    sheet.merge_transformed_page(source, Transformation().scale(scale).translate(dx, dy))
