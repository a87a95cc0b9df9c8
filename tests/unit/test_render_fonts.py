"""The PDFs' font (render/fonts.py): a document is drawn with the everyday cut of Noto Sans CJK
when it is built, and drawn again with the whole font when it uses a character the cut lacks (in
its text or in its footer), so no character the font has is ever printed as a missing box.

Each test builds a small cut of its own (a few characters: the real one takes ~20 s a face) in a
cache directory of its own."""
from __future__ import annotations

import pytest

from render import fonts
from render.document import Document, render_document
from tests.e2e.public_helpers import pdf_text

SMALL = ((0x20, 0x7E), (0x3000, 0x303F), (0xFF00, 0xFFEF),
         *((ord(c), ord(c)) for c in "村级档案第页张三同意见刘办理人经"))


@pytest.fixture
def faces_used(monkeypatch, tmp_path):
    """A small cut in this test's cache directory; the font files each drawing added, in order."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(fonts, "EVERYDAY", SMALL)
    used = []
    add_to = fonts.Face.add_to
    monkeypatch.setattr(fonts.Face, "add_to", lambda face, pdf, family, style="": (
        used.append(face.path), add_to(face, pdf, family, style)))
    return used


def document(name: str, footer: str = "") -> Document:
    doc = Document("村级档案", footer=footer)
    doc.facts([("办理人", name), ("意见", "同意")])
    return doc


def test_without_a_cut_the_whole_font_is_used(faces_used):
    text = pdf_text(render_document(document("张三")))
    assert "张三" in text
    assert faces_used and {path.name for path in faces_used} <= {"NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"}


def test_a_document_is_drawn_with_the_everyday_cut_once_it_is_built(faces_used, tmp_path):
    built = fonts.build_cuts()
    assert built and all(path.is_relative_to(tmp_path / "xiaowei" / "fonts") for path in built)
    text = pdf_text(render_document(document("张三")))
    assert "张三" in text and "同意" in text
    assert set(faces_used) == set(built), "drawn once, with the cut only"


def test_a_character_outside_the_cut_draws_the_document_again_with_the_whole_font(faces_used):
    built = fonts.build_cuts()
    # 䶮 (U+4DAE, CJK Extension A: 刘䶮, a name) is in Noto Sans CJK SC, not in the cut.
    text = pdf_text(render_document(document("刘䶮")))
    assert "刘䶮" in text
    assert set(faces_used[:2]) == set(built) and faces_used[2].suffix == ".ttc", faces_used


def test_the_footer_counts_too(faces_used):
    fonts.build_cuts()
    text = pdf_text(render_document(document("张三", footer="经办人 刘䶮")))
    assert "刘䶮" in text and faces_used[-1].suffix == ".ttc"


def test_a_cut_is_built_once_and_named_by_its_font_and_repertoire(faces_used, monkeypatch):
    first = fonts.build_cuts()
    stamps = [path.stat().st_mtime_ns for path in first]
    assert fonts.build_cuts() == [] and [path.stat().st_mtime_ns for path in first] == stamps
    monkeypatch.setattr(fonts, "EVERYDAY", SMALL[:-1])
    assert fonts.everyday_faces() is None, "another repertoire is another cut, not built yet"


def test_the_everyday_repertoire_holds_every_unified_ideograph_and_the_punctuation():
    covered = {c for low, high in fonts.EVERYDAY for c in range(low, high + 1)}
    assert set(range(0x4E00, 0xA000)) <= covered
    assert {ord(c) for c in "，。、；：？！“”‘’（）《》【】—…·￥％０１２ＡＢ＿"} <= covered
