"""A simple document as a PDF with Chinese text: headings, label/value lists, tables, paragraphs,
and other PDF files appended as pages (a flowchart). Used for a matter's dossier (事项档案).

fpdf2 writes it: unlike reportlab it embeds OpenType fonts with CFF outlines, which is what Debian's
Noto Sans CJK is (fonts-noto-cjk, already needed by the flowcharts), subset to the characters used
(render/fonts.py: from the font's everyday cut when it is built).
A document is plain data, so its wording is decided by the caller and tested without a PDF.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from pypdf import PdfReader, PdfWriter

from .fonts import Face, everyday_faces, whole_faces


@dataclass
class Document:
    title: str
    subtitle: str = ""
    blocks: list = field(default_factory=list)          # ("heading"|"facts"|"table"|"text", content)
    appendix_pdfs: list = field(default_factory=list)   # PDF bytes appended after the text
    footer: str = ""

    def heading(self, text: str) -> None:
        self.blocks.append(("heading", text))

    def facts(self, pairs: list[tuple[str, str]]) -> None:
        self.blocks.append(("facts", pairs))

    def table(self, header: tuple, rows: list[tuple], widths: tuple) -> None:
        self.blocks.append(("table", (header, rows, widths)))

    def text(self, text: str) -> None:
        self.blocks.append(("text", text))


def add_cjk_fonts(pdf: FPDF, faces: dict[str, Face]) -> None:
    """Noto Sans CJK SC (`faces`: render/fonts.py) as the family "cjk": regular, and bold "B"."""
    for style, face in faces.items():
        face.add_to(pdf, "cjk", style)
        # The embedded subsets keep the font's bounding box (still a true bound of their glyphs)
        # instead of drawing every glyph again to compute theirs (a tenth of a board sheet's time, profiled).
        pdf.fonts[f"cjk{style}"].ttfont.recalcBBoxes = False


def draw_with_cjk(draw: Callable[[dict[str, Face]], FPDF]) -> bytes:
    """The PDF `draw(faces)` makes: drawn with the everyday cut of the font when it is built, and
    drawn again with the whole font if the document used a character the cut lacks."""
    cut = everyday_faces()
    if cut is not None:
        pdf = draw(cut)
        # fpdf2 notes each character a face lacks as it draws it; the last page's footer is drawn
        # by output(), so its text is looked up in the face itself.
        footer = getattr(pdf, "footer_text", "")
        if not any(pdf.fonts[f"cjk{style}"].missing_glyphs for style in cut) and all(
                ord(c) in pdf.fonts["cjk"].cmap for c in footer if not c.isspace()):
            return bytes(pdf.output())
    return bytes(draw(whole_faces()).output())


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text}    第 {self.page_no()} 页", align="C")
        self.set_text_color(0)


def render_document(doc: Document) -> bytes:
    body = draw_with_cjk(lambda faces: _drawn(doc, faces))
    return _append(body, doc.appendix_pdfs) if doc.appendix_pdfs else body


def _drawn(doc: Document, faces: dict[str, Face]) -> FPDF:
    pdf = _Pdf(format="A4")
    pdf.footer_text = doc.footer
    pdf.set_title(doc.title)
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    add_cjk_fonts(pdf, faces)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 10, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    if doc.subtitle:
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(0, 6, doc.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    for kind, content in doc.blocks:
        {"heading": _heading, "facts": _facts, "table": _table, "text": _text}[kind](pdf, content)
    return pdf


def _heading(pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("cjk", size=13)
    pdf.multi_cell(0, 8, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    pdf.set_draw_color(180)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(1)


def _facts(pdf, pairs) -> None:
    _table(pdf, (None, [(label, value) for label, value in pairs], (28, 72)))


def _table(pdf, content) -> None:
    header, rows, widths = content
    pdf.set_font("cjk", size=8.5)
    with pdf.table(col_widths=widths, first_row_as_headings=header is not None, wrapmode=WrapMode.CHAR,
                   line_height=4.6, padding=1) as table:
        for row in ([header] if header is not None else []) + list(rows):
            cells = table.row()
            for value in row:
                cells.cell("" if value is None else str(value))
    pdf.ln(2)


def _text(pdf, text: str) -> None:
    pdf.set_font("cjk", size=9)
    pdf.multi_cell(0, 5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)


def _append(body: bytes, others: list[bytes]) -> bytes:
    writer = PdfWriter()
    for data in [body, *others]:
        writer.append(PdfReader(io.BytesIO(data)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
