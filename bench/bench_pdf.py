"""Benchmark of the PDFs drawn with Noto Sans CJK: a matter's dossier and a notice board sheet,
with the font's everyday cut (render/fonts.py) against the whole font, alternated.

    .venv/bin/python bench/bench_pdf.py [--repeat 7]

The dossier is that of the walked demo's closed matter with the most events (every step, who,
when, data, hashes; without its flowchart pages, drawn by Graphviz);
the board is the walked demo's busiest month on A4. Prints each one's median CPU seconds both ways
and their ratio. Builds the cut first if it is missing (~20 s, once per machine)."""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.dossier import dossier_document  # noqa: E402
from engine.services import Actor, Context, dossiers  # noqa: E402
from engine.services.definitions import sync_definitions  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.services.demo_walk import walk_demo  # noqa: E402
from engine.services.public import board  # noqa: E402
from engine.settings import Settings  # noqa: E402
from engine.store import Database  # noqa: E402
from render import document, fonts  # noqa: E402
from render.board import render_board  # noqa: E402

VILLAGE = "lushui_village"


def cpu(call) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


def walked_context(folder: str) -> Context:
    database = Database(f"sqlite:///{folder}/bench.sqlite3")
    database.upgrade()
    ctx = Context(database, Settings(env="test"))
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system(), with_users=False)
    walk_demo(ctx)
    return ctx


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    fonts.build_cuts()
    assert fonts.everyday_faces() is not None, "the cut could not be built"
    with tempfile.TemporaryDirectory() as folder:
        ctx = walked_context(folder)
        period = max(board.periods(ctx, VILLAGE), key=lambda p: board.board(ctx, VILLAGE, p).count)
        sheet = board.board(ctx, VILLAGE, period)
        closed = _longest_closed_matter(ctx)
        doc = dossier_document(dossiers.matter_dossier(ctx, Actor.system(), closed), {})
        cases = {"dossier": lambda: document.render_document(doc),
                 f"board sheet A4 ({sheet.count} entries)": lambda: render_board(sheet, "https://xw.example.cn", "A4")}
        for name, call in cases.items():
            call()                                          # warm: imports, QR codes, caches
            cut, whole = [], []
            for _ in range(args.repeat):
                cut.append(cpu(call))
                with mock.patch.object(document, "everyday_faces", lambda: None):
                    whole.append(cpu(call))
            c, w = statistics.median(cut), statistics.median(whole)
            print(f"{name:32s} whole font {w:6.3f} s   everyday cut {c:6.3f} s   whole/cut {w / c:4.1f}x")
    return 0


def _longest_closed_matter(ctx) -> int:
    """The closed matter of the walk with the most audit events (its dossier is the longest)."""
    from sqlalchemy import func, select
    from engine.store.models import AuditEvent, MatterRecord
    with ctx.database.engine.connect() as conn:
        return conn.scalar(select(MatterRecord.id).join(AuditEvent, AuditEvent.matter_id == MatterRecord.id)
                           .where(MatterRecord.status.in_(("completed", "cancelled")))
                           .group_by(MatterRecord.id).order_by(func.count().desc()).limit(1))


if __name__ == "__main__":
    sys.exit(main())
