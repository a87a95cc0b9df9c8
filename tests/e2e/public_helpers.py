"""Shared by the public portal's tests: a walked demo database per backend, every address of the
portal found by following its own links, and the scan for personal numbers."""
from __future__ import annotations

import contextlib
import io
import re
from datetime import timedelta

from pypdf import PdfReader
from pypdf.generic import ContentStream

from engine import clock
from engine.services import Context
from engine.services.demo_walk import DemoWalk, Scene
from tests.conftest import open_walked
from tests.settings import TEST_SETTINGS

LINK = re.compile(r'(?:href|src)="(/public[^"#]*)"')
TOKEN = re.compile(r'name="token" value="([^"]+)"')
# The brief's patterns, and the same with boundaries that are not "word" boundaries: in Python a
# Chinese character is a word character, so \b alone misses a number written straight after one
# (身份证110101...). Latin letters still bound a number: in a hash or a code it is no ID number.
_B, _A = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
PERSONAL = {
    "18-digit ID number": [re.compile(r"\b\d{17}[\dXx]\b"), re.compile(_B + r"\d{17}[\dXx]" + _A)],
    "mobile phone": [re.compile(r"\b1[3-9]\d{9}\b"), re.compile(_B + r"1[3-9]\d{9}" + _A)],
    "bank account": [re.compile(r"\b\d{16,19}\b"), re.compile(_B + r"\d{16,19}" + _A)],
}


@contextlib.contextmanager
def walked_database(request, tmp_path_factory, name: str):
    """(context, database) of the walked demo on the backend of a module fixture's `request.param`
    (a copy of the session's walk: tests/conftest.py's open_walked)."""
    with open_walked(request, request.param, tmp_path_factory.mktemp(name)) as database:
        yield Context(database, TEST_SETTINGS), database


def walk_one(ctx, scene: Scene, days_ago: float = 3) -> dict:
    """One demo matter walked to its stop, ending before now (its periods still open)."""
    walk = DemoWalk(ctx, clock.FixedClock(clock.now() - timedelta(days=days_ago)))
    with clock.use_clock(walk.clock):
        walk.run([scene])
    return scene.matter


def crawl(client, start: str = "/public", limit: int = 2000) -> dict[str, object]:
    """Every /public address reachable from `start` by the portal's own links, with its response."""
    seen, todo = {}, [start]
    while todo and len(seen) < limit:
        url = todo.pop()
        if url in seen:
            continue
        response = client.get(url)
        seen[url] = response
        if response.mimetype == "text/html":
            todo += [u.replace("&amp;", "&") for u in LINK.findall(response.get_data(as_text=True))]
    return seen


def personal_numbers(text: str) -> list[tuple[str, str]]:
    return [(kind, m.group()) for kind, patterns in PERSONAL.items() for p in patterns for m in p.finditer(text)]


_BFCHAR = re.compile(rb"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>")


def pdf_text(data: bytes) -> str:
    """The text of a PDF written by fpdf2 with Noto Sans CJK, read with pypdf: each line of text
    (a Tj) on a line of its own. pypdf parses the file and its content streams; the two-byte codes
    are mapped through each font's own ToUnicode map here, because pypdf's extract_text takes
    fpdf2's embedded encoding CMap for a one-byte encoding (a NUL before each character, and
    nonsense for the glyphs numbered past 255, which any page with a few hundred distinct Chinese
    characters has)."""
    reader, lines = PdfReader(io.BytesIO(data)), []
    for page in reader.pages:
        fonts = {name: _to_unicode(font.get_object()) for name, font in page["/Resources"]["/Font"].items()}
        current = {}
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = fonts.get(operands[0], {})
            elif operator == b"Tj":
                raw = operands[0].original_bytes if hasattr(operands[0], "original_bytes") else bytes(operands[0])
                lines.append("".join(current.get(raw[i:i + 2], "?") for i in range(0, len(raw) - 1, 2)))
    return "\n".join(lines)


def _to_unicode(font) -> dict:
    cmap = font["/ToUnicode"].get_object().get_data() if "/ToUnicode" in font else b""
    return {bytes.fromhex(code.decode()): bytes.fromhex(text.decode()).decode("utf-16-be")
            for code, text in _BFCHAR.findall(cmap)}
