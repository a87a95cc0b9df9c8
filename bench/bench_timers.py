"""The timer worker's sweep of a backlog: time and memory while it fires every due timer.

Run: .venv/bin/python bench/bench_timers.py --database URL [--limit N]

URL is a database built by bench/bench_scale.py (its copies of running matters keep their
publicity periods, moved years back: all of them are due). The sweep is the worker's own call
(engine/services/timers.advance_due_timers with collect=False, as `xiaowei worker` runs it): one
matter per unit of work until none is due. Printed: matters advanced, seconds, matters per second,
and the process's resident memory at the start, its highest during the sweep (sampled every 500
matters) and at the end; flat memory is the point (issue 17). The database is changed.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from engine.services import Actor, Context, timers  # noqa: E402
from engine.store import Database  # noqa: E402
from tests.settings import TEST_SETTINGS  # noqa: E402


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--limit", type=int, default=None, help="stop after this many matters")
    args = parser.parse_args()
    database = Database(args.database)
    ctx = Context(database, TEST_SETTINGS)
    with database.engine.connect() as conn:
        due = conn.execute(text("SELECT count(*) FROM instances WHERE status = 'running' "
                                "AND next_timer_due <= now()")).scalar()
    print(f"{due:,} matters with a due timer")
    start_mb = peak_mb = resident_mb()
    done = [0]

    def progress(_row):
        nonlocal peak_mb
        done[0] += 1
        if done[0] % 500 == 0:
            peak_mb = max(peak_mb, resident_mb())
            print(f"  {done[0]:,} matters, {resident_mb():.0f} MB", flush=True)
    began = time.perf_counter()
    timers.advance_due_timers(ctx, Actor.system(), limit=args.limit, progress=progress, collect=False)
    seconds = time.perf_counter() - began
    print(f"{done[0]:,} matters advanced in {seconds:.0f} s ({done[0] / seconds:.0f} per second); resident "
          f"memory {start_mb:.0f} MB at the start, at most {peak_mb:.0f} MB, {resident_mb():.0f} MB at the end")
    database.dispose()


if __name__ == "__main__":
    main()
