"""Putting a drawn chart on paper: the official chart goes on A4 portrait when its smallest text
still prints at 9 pt or more, else on A3 (the largest items); shrunk to fit, never enlarged,
centred at the top of the sheet. pypdf places Graphviz's PDF page on the sheet."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from pypdf.generic import ContentStream, NameObject, RectangleObject

from . import quality
from .errors import RenderError
from .output import run_dot


def paper_of(layout_json: bytes | dict) -> str:
    """A4 or A3, from the chart's layout (its size and its smallest font)."""
    data = json.loads(layout_json) if isinstance(layout_json, (bytes, str)) else layout_json
    width, height, smallest = quality.page_size(data)
    paper, _ = quality.paper_for(width, height, smallest)
    return paper or 'A3'


def pages_pdf(pages) -> bytes:
    """The printed pages of one chart (render.pages.Page) as one PDF, each on its paper."""
    writer = PdfWriter()
    for page in pages:
        place(writer, run_dot(page.graph, 'pdf'), page.paper)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def place(writer: PdfWriter, pdf: bytes, paper: str, landscape: bool = False, top: bool = True) -> None:
    """Add a sheet of `paper` to `writer` with the first page of `pdf` on it, shrunk to fit inside
    the margins; at the top of the sheet (a chart reads from the top) or centred."""
    try:
        source = PdfReader(io.BytesIO(pdf)).pages[0]
    except (PyPdfError, IndexError) as exc:
        raise RenderError(f'could not read the drawn PDF page: {exc}') from exc
    box = source.mediabox
    width, height = float(box.width), float(box.height)
    sheet_w, sheet_h = quality.PAPERS[paper][::-1] if landscape else quality.PAPERS[paper]
    margin = quality.PRINT_MARGIN
    scale = min((sheet_w - 2 * margin) / width, (sheet_h - 2 * margin) / height, 1.0)
    dx = (sheet_w - scale * width) / 2 - scale * float(box.left)
    free_h = sheet_h - scale * height
    dy = (free_h - margin if top else free_h / 2) - scale * float(box.bottom)
    # The drawn page itself becomes the sheet, its drawing wrapped in one transformation. pypdf's
    # merge_transformed_page would parse the drawing's content stream twice (operator by operator)
    # to do the same: 20 of the booklet's 35 seconds.
    sheet = writer.add_page(source)
    drawing = sheet.get_contents()
    wrapped = ContentStream(None, writer)
    wrapped.set_data(f'q {scale:.6f} 0 0 {scale:.6f} {dx:.4f} {dy:.4f} cm\n'.encode()
                     + (drawing.get_data() if drawing is not None else b'') + b'\nQ\n')
    sheet.replace_contents(wrapped)
    for box in ('/CropBox', '/BleedBox', '/TrimBox', '/ArtBox'):
        sheet.pop(NameObject(box), None)
    sheet.mediabox = RectangleObject((0, 0, sheet_w, sheet_h))
