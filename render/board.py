"""The village notice board's sheets (村务公开栏) as a PDF: A3 portrait, or A4.

Drawn from a board as plain data (engine/services/public/board.py builds it, a frozen view that
`dataclasses.asdict` turns into the plain data; this module imports no engine and no store): a
header with the village and the period, the three parts of the 村务公开目录 (党务公开, 村务公开,
财务公开), in each its groups (固定公开, 定期公开, 即时公开 under their catalogue headings), and each
entry in a box with its fields, its verification code and a QR code (segno) of its verify address on
the portal. The last block prints the audit chain's newest daily anchor and the lines the 村务监督委员会
signs. fpdf2 with Noto Sans CJK, as the dossiers (render/document.py).
"""
from __future__ import annotations

import io
from dataclasses import asdict, is_dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import segno
from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos

from .document import add_cjk_fonts, draw_with_cjk
from .errors import RenderError

BEIJING = timezone(timedelta(hours=8))
PAPERS = {"A3": {"format": "A3", "title": 30, "part": 17, "heading": 13, "body": 10.5, "qr": 26},
          "A4": {"format": "A4", "title": 22, "part": 14, "heading": 11, "body": 8.5, "qr": 20}}
PART_COLOURS = {"party": (178, 34, 34), "affairs": (21, 88, 160), "finance": (24, 120, 66)}
MARGIN = 12


def render_board(board, public_url: str, paper: str = "A3") -> bytes:
    """The board's sheets (`board`: the board's view, or its plain data) as PDF bytes. `public_url`:
    the portal's address the QR codes point to."""
    if paper not in PAPERS:
        raise RenderError(f"纸张只能是 {'、'.join(PAPERS)}")
    if is_dataclass(board):
        board = asdict(board)
    return draw_with_cjk(lambda faces: _Sheet(board, public_url.rstrip("/"), PAPERS[paper], faces).drawn())


BOARD_ROWS = 30          # rows of a published list printed in its box; the rest are online (the QR code)


def _table_text(table: dict) -> str:
    """A published list in an entry's box: its column heads, then each row (序号. cells), as many as a
    box holds on one sheet; the count of the rest, which the portal shows in full."""
    rows = table["rows"]
    lines = ["序号. " + " ｜ ".join(table["columns"])]
    lines += [f"{i}. " + " ｜ ".join(row) for i, row in enumerate(rows[:BOARD_ROWS], 1)]
    if len(rows) > BOARD_ROWS:
        lines.append(f"……其余 {len(rows) - BOARD_ROWS} 行见网上公开栏（扫描二维码）")
    return "\n".join(lines)


@lru_cache(maxsize=4096)
def qr_png(url: str) -> bytes:
    """A verify address's QR code as a PNG. Kept: an entry's code is printed on every sheet of its
    period, on both papers, and choosing the mask (segno tries all eight) is most of a sheet's QR time."""
    data = io.BytesIO()
    segno.make(url, error="m").save(data, kind="png", scale=4, border=2)
    return data.getvalue()


def local_time(value, with_time: bool = True) -> str:
    if not isinstance(value, datetime):
        return str(value or "")
    local = value.astimezone(BEIJING)
    return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")


def period_end_words(value) -> str:
    """A publicity's end as the notice says it: one at midnight is its last day's 24:00 (the period
    runs to the end of that day), not the next day's 00:00."""
    if not isinstance(value, datetime):
        return str(value or "")
    local = value.astimezone(BEIJING)
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        return f"{(local - timedelta(days=1)):%Y-%m-%d} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-10)
        self.set_font("cjk", size=8)
        self.set_text_color(90)
        self.cell(0, 5, f"{self.footer_text}    第 {self.page_no()} 页", align="C")
        self.set_text_color(0)


class _Sheet:
    def __init__(self, board: dict, public_url: str, size: dict, faces: dict):
        self.board, self.url, self.size = board, public_url, size
        self._measured: dict[int, tuple[list, float]] = {}
        self.pdf = _Pdf(format=size["format"])
        village = board["village"]
        self.pdf.set_title(f"{village['name']}村务公开栏 {board['period']['name']}")
        self.pdf.set_margins(MARGIN, MARGIN, MARGIN)
        self.pdf.set_auto_page_break(False)
        phones = board.get("telephones") or {}
        self.pdf.footer_text = (f"扫码或访问 {self.url}/public/verify 输入核验码，核对本栏与网上公开是否一致 · "
                                f"监督电话 {phones.get('supervision_phone', '12345')} · "
                                f"投诉电话 {phones.get('complaint_phone', '12388')}")
        add_cjk_fonts(self.pdf, faces)

    @property
    def width(self) -> float:
        return self.pdf.w - 2 * MARGIN

    def bottom(self) -> float:
        return self.pdf.h - 14

    def room(self, height: float) -> None:
        if self.pdf.get_y() + height > self.bottom():
            self.pdf.add_page()

    def drawn(self) -> FPDF:
        self.pdf.add_page()
        self._header()
        for part in self.board["parts"]:
            self._part(part)
        self._closing()
        return self.pdf

    def _header(self) -> None:
        board, pdf, size = self.board, self.pdf, self.size
        village = board["village"]
        pdf.set_font("cjk", "B", size["title"])
        pdf.cell(0, size["title"] * 0.5, f"{village['name']}村务公开栏", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("cjk", size=size["heading"])
        where = " ".join(x["name"] for x in (village.get("county"), village.get("township")) if x)
        pdf.cell(0, size["heading"] * 0.6, f"{where} · 公开期次 {board['period']['name']} · 共 {board['count']} 条",
                 align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)

    def _part(self, part: dict) -> None:
        pdf, size = self.pdf, self.size
        self.room(size["part"] * 0.6 + 30)
        pdf.set_fill_color(*PART_COLOURS.get(part["key"], (60, 60, 60)))
        pdf.set_text_color(255)
        pdf.set_font("cjk", "B", size["part"])
        pdf.cell(0, size["part"] * 0.6, f"  {part['name']}", fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0)
        pdf.ln(1.5)
        if not part["groups"]:
            pdf.set_font("cjk", size=size["body"])
            pdf.cell(0, size["body"] * 0.6, "本期无公开事项。", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2)
        for group in part["groups"]:
            first = self._measure(group["entries"][0]) if group["entries"] else (None, 0)
            self.room(size["heading"] * 0.6 + 1 + first[1] + 2)     # a heading never ends a page alone
            pdf.set_font("cjk", "B", size["heading"])
            pdf.cell(0, size["heading"] * 0.6, f"【{group['timing_name']}】{group['heading']}",
                     new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(0.5)
            for entry in group["entries"]:
                self._entry(entry)
        pdf.ln(1)

    def _entry_lines(self, entry: dict) -> list[tuple[str, str]]:
        """(style, text) lines of an entry's box, before wrapping."""
        meta = " · ".join(x for x in (entry.get("item_name"), entry.get("role_name"),
                                      f"公开于 {local_time(entry['published_at'])}") if x)
        lines = [("B", f"{entry['stage']}｜{entry['title']}"), ("", meta)]
        if entry.get("subject"):
            lines.append(("", f"事项：{entry['subject']}"))
        fields = "；".join(f"{f['label']}：{f['text']}" for f in entry["fields"])
        if fields:
            lines.append(("", fields))
        for f in entry["fields"]:
            if f.get("table"):
                lines.append(("", _table_text(f["table"])))
        if entry.get("documents"):
            lines.append(("", "公开文件：" + "、".join(d["name"] for d in entry["documents"])))
        publicity = entry.get("publicity")
        if publicity and publicity.get("ends_at"):
            lines.append(("", f"公示期至 {period_end_words(publicity['ends_at'])}，有异议可向村务监督委员会反映或在网上提出"))
        lines.append(("B", f"核验码 {entry['code']}    审计事件 #{entry['audit_seq']}"))
        lines.append(("", f"事件哈希 {entry['audit_hash']}"))      # on a line of its own: a hash is never cut
        return lines

    def _measure(self, entry: dict) -> tuple[list, float]:
        """The entry's lines with how many printed lines each wraps to, and the box's height (a
        group's first entry is measured to keep its heading with it, then drawn: measured once)."""
        if id(entry) not in self._measured:
            self._measured[id(entry)] = self._wrap(entry)
        return self._measured[id(entry)]

    def _wrap(self, entry: dict) -> tuple[list, float]:
        pdf, size = self.pdf, self.size
        text_width = self.width - size["qr"] - 6
        wrapped = []
        for style, text in self._entry_lines(entry):
            pdf.set_font("cjk", style, size["body"])
            count = len(pdf.multi_cell(text_width, self.line_height, text, dry_run=True, output="LINES",
                                       wrapmode=WrapMode.CHAR))
            wrapped.append((style, text, count))
        return wrapped, max(sum(n for *_, n in wrapped) * self.line_height, size["qr"] + 5) + 4

    @property
    def line_height(self) -> float:
        return self.size["body"] * 0.5

    def _entry(self, entry: dict) -> None:
        pdf, size = self.pdf, self.size
        qr = size["qr"]
        wrapped, height = self._measure(entry)
        self.room(height + 2)
        if height > self.bottom() - MARGIN:
            raise RenderError(f"“{entry['title']}”内容过长，一页纸印不下")
        top = pdf.get_y()
        pdf.set_draw_color(150)
        pdf.rect(MARGIN, top, self.width, height)
        pdf.set_xy(MARGIN + 2, top + 2)
        for style, text, _ in wrapped:
            pdf.set_font("cjk", style, size["body"])
            pdf.multi_cell(self.width - qr - 6, self.line_height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                           wrapmode=WrapMode.CHAR)
            pdf.set_x(MARGIN + 2)
        self._qr(entry, MARGIN + self.width - qr - 2, top + 1.5, qr)
        pdf.set_xy(MARGIN, top + height + 2)

    def _qr(self, entry: dict, x: float, y: float, side: float) -> None:
        self.pdf.image(io.BytesIO(qr_png(self.url + entry["verify_path"])), x=x, y=y, w=side, h=side)
        self.pdf.set_font("cjk", size=max(self.size["body"] - 2.5, 6))
        self.pdf.set_xy(x - 2, y + side)
        self.pdf.cell(side + 4, 3, "扫码核验", align="C")

    def _closing(self) -> None:
        pdf, size = self.pdf, self.size
        anchor = self.board.get("anchor")
        self.room(40)
        pdf.ln(3)
        pdf.set_font("cjk", "B", size["heading"])
        pdf.cell(0, size["heading"] * 0.6, "审计链锚点与审核", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("cjk", size=size["body"])
        anchor_text = (f"审计链锚点：{anchor['day']} 日终第 {anchor['seq']} 号事件，哈希 {anchor['hash']}"
                       if anchor else "审计链锚点：尚未生成（定时任务每日生成一次）")
        for text in (anchor_text,
                     f"每条公开内容的核验码取自其内容的 SHA-256 哈希；完整核对方法见 {self.url}/public/anchors 。",
                     "两委审定：＿＿＿＿＿＿＿＿    村务监督委员会审核（主任签字）：＿＿＿＿＿＿＿＿    "
                     "公开日期：＿＿＿＿年＿＿月＿＿日"):
            pdf.multi_cell(self.width, size["body"] * 0.55, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT,
                           wrapmode=WrapMode.CHAR)
            pdf.ln(1)
