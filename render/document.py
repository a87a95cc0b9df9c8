"""A simple document as a PDF with Chinese text: headings, label/value lists, tables, paragraphs,
and other PDF files appended as pages (a flowchart). Used for a matter's dossier (事项档案).

fpdf2 writes it: unlike reportlab it embeds OpenType fonts with CFF outlines, which is what Debian's
Noto Sans CJK is (fonts-noto-cjk, already needed by the flowcharts), subset to the characters used.
A document is plain data, so its wording is decided by the caller and tested without a PDF.
"""
from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from pypdf import PdfReader, PdfWriter

from .errors import RenderError

CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"))
SIMPLIFIED_CHINESE = 2          # the face of Noto Sans CJK SC inside the collection


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


def cjk_font() -> Path:
    for path in CJK_FONTS:
        if path.exists():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True).stdout
        if found.endswith((".ttc", ".otf", ".ttf")) and Path(found).exists():
            return Path(found)
    raise RenderError("没有找到中文字体（请安装 fonts-noto-cjk）")


def add_cjk_fonts(pdf: FPDF) -> None:
    """Noto Sans CJK SC as the family "cjk" (regular, and bold "B" where installed)."""
    font = cjk_font()
    index = SIMPLIFIED_CHINESE if font.suffix == ".ttc" else None
    face = {"collection_font_number": index} if index is not None else {}
    pdf.add_font("cjk", fname=str(font), **face)
    bold = font.with_name(font.name.replace("Regular", "Bold"))          # table headings
    pdf.add_font("cjk", style="B", fname=str(bold if bold.exists() else font), **face)
    # The embedded subsets keep the whole font's bounding box (still a true bound of their glyphs)
    # instead of drawing every glyph again to compute theirs: a third of a notice board sheet's time.
    for key in ("cjk", "cjkB"):
        pdf.fonts[key].ttfont.recalcBBoxes = False


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-12)
        self.set_font("cjk", size=8)
        self.set_text_color(110)
        self.cell(0, 6, f"{self.footer_text}    第 {self.page_no()} 页", align="C")
        self.set_text_color(0)


def render_document(doc: Document) -> bytes:
    pdf = _Pdf(format="A4")
    pdf.footer_text = doc.footer
    pdf.set_title(doc.title)
    pdf.set_margins(16, 16, 16)
    pdf.set_auto_page_break(True, margin=18)
    add_cjk_fonts(pdf)
    pdf.add_page()
    pdf.set_font("cjk", size=18)
    pdf.multi_cell(0, 10, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    if doc.subtitle:
        pdf.set_font("cjk", size=10)
        pdf.multi_cell(0, 6, doc.subtitle, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.CHAR)
    for kind, content in doc.blocks:
        {"heading": _heading, "facts": _facts, "table": _table, "text": _text}[kind](pdf, content)
    body = bytes(pdf.output())
    return _append(body, doc.appendix_pdfs) if doc.appendix_pdfs else body


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
