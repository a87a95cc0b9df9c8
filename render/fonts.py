"""Noto Sans CJK SC for the PDFs (dossiers, notice board sheets), and its everyday cut.

fpdf2 reads the whole font for every document and subsets it on output: with Noto Sans CJK's
65,535 glyphs that was much of a PDF's time. The *everyday cut* is the same font reduced once, on
this machine, to the characters Chinese documents use (ASCII, Latin-1, punctuation and symbols, CJK
symbols, the 20,992 unified ideographs U+4E00-9FFF, full-width forms: 22,567 glyphs); a PDF drawn
with it takes about 0.6 of the time (bench/bench_pdf.py). A document with a character outside it
(an Extension A-B ideograph in a name) is drawn again with the whole font, so nothing is
ever printed as a missing-glyph box that the whole font has.

The cut is built by `python -m render.fonts` (scripts/bootstrap.sh runs it: ~20 s a face, both
faces at once) into the user's cache directory ($XDG_CACHE_HOME or ~/.cache, under xiaowei/fonts),
named by a digest of the source font, fontTools' version and the repertoire, so a changed font
builds a new one. Without it (not built, cache not writable) the whole font is used, as before.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError

CJK_FONTS = (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
             Path("/usr/share/fonts/opentype/noto-cjk/NotoSansCJK-Regular.ttc"))
SIMPLIFIED_CHINESE = 2          # the face of Noto Sans CJK SC inside the collection
# The everyday repertoire (ranges of code points, inclusive). Changing it names a new cut.
EVERYDAY = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x22FF), (0x2460, 0x27BF),
            (0x3000, 0x33FF), (0x4E00, 0x9FFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
_TABLES_DROPPED = ["GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx"]     # fpdf2 drops or never reads them


@dataclass(frozen=True)
class Face:
    """A font file fpdf2 can add: its path and, in a collection, the face's number."""
    path: Path
    number: int | None = None

    def add_to(self, pdf, family: str, style: str = "") -> None:
        face = {"collection_font_number": self.number} if self.number is not None else {}
        pdf.add_font(family, style=style, fname=str(self.path), **face)


def cjk_font() -> Path:
    for path in CJK_FONTS:
        if path.exists():
            return path
    if shutil.which("fc-match"):
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True).stdout
        if found.endswith((".ttc", ".otf", ".ttf")) and Path(found).exists():
            return Path(found)
    raise RenderError("没有找到中文字体（请安装 fonts-noto-cjk）")


def whole_faces() -> dict[str, Face]:
    """{"": regular, "B": bold} of the installed Noto Sans CJK SC (bold where installed)."""
    font = cjk_font()
    number = SIMPLIFIED_CHINESE if font.suffix == ".ttc" else None
    bold = font.with_name(font.name.replace("Regular", "Bold"))
    return {"": Face(font, number), "B": Face(bold if bold.exists() else font, number)}


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "xiaowei" / "fonts"


def cut_path(face: Face) -> Path:
    """Where the everyday cut of `face` lives (it may not be built)."""
    import fontTools

    stat = face.path.stat()
    digest = hashlib.sha256(repr((str(face.path), stat.st_size, stat.st_mtime_ns, face.number,
                                  fontTools.version, EVERYDAY, _TABLES_DROPPED)).encode()).hexdigest()[:16]
    return cache_dir() / f"{face.path.stem}-{face.number or 0}-everyday-{digest}.otf"


def everyday_faces() -> dict[str, Face] | None:
    """The everyday cuts of both faces, when both are built; else None."""
    cuts = {style: Face(cut_path(face)) for style, face in whole_faces().items()}
    return cuts if all(face.path.exists() for face in cuts.values()) else None


def build_cut(face: Face) -> Path:
    """Build `face`'s everyday cut unless it is there; written whole or not at all."""
    from fontTools import subset, ttLib

    target = cut_path(face)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)       # an unwritable cache fails before the work
    font = ttLib.TTFont(face.path, fontNumber=face.number or 0, lazy=True, recalcTimestamp=False)
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, name_IDs=["*"], name_languages=["*"])
    options.drop_tables += _TABLES_DROPPED
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for low, high in EVERYDAY for c in range(low, high + 1)])
    subsetter.subset(font)
    partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    font.save(partial)
    os.replace(partial, target)
    return target


def build_cuts() -> list[Path]:
    """Build the cuts of both faces that are missing, side by side."""
    faces = [face for face in dict.fromkeys(whole_faces().values()) if not cut_path(face).exists()]
    if len(faces) < 2:
        return [build_cut(face) for face in faces]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return list(pool.map(build_cut, faces))


def main() -> int:
    try:
        built = build_cuts()
    except Exception as exc:  # noqa: BLE001 - the cut only saves time: set-up never fails over it
        print(f"render.fonts: the everyday cut was not built ({exc}); PDFs use the whole font", file=sys.stderr)
        return 0
    for path in built:
        print(f"render.fonts: built {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
