"""The timer worker's sweep of a backlog: time and memory while it fires every due timer.

Run: .venv/bin/python bench/bench_timers.py [--matters 100000] [--database URL]

Builds its own database (a temporary SQLite file, or the empty PostgreSQL database named): the
demo county, one 四议两公开 matter driven through the services to its 党员审阅 period (a timer of
three days), then that matter's row copied --matters times with fresh workflow task ids (every
UUID in its state replaced, so each copy is a matter of its own). The clock then moves past the
period and the worker's own call sweeps the backlog (engine/services/timers.advance_due_timers
with collect=False, as `xiaowei worker` runs it): one matter per unit of work, each firing its
timer, making its next step ready and writing its audit events. Printed: matters advanced,
seconds, matters per second, and the process's resident memory at the start, its highest during
the sweep (sampled every 1,000 matters) and at the end: flat memory is the point (issue 17).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import insert, select  # noqa: E402

from engine import clock  # noqa: E402
from engine.identity import Grant  # noqa: E402
from engine.services import Actor, Context, timers  # noqa: E402
from engine.services.definitions import sync_definitions  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.store import Database  # noqa: E402
from engine.store.models import MatterRecord  # noqa: E402
from tests.integration.helpers import DELIBERATE, PROPOSE, SEND_PLAN, do, start_decision  # noqa: E402
from tests.settings import TEST_SETTINGS  # noqa: E402

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BATCH = 2000


def resident_mb() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def one_waiting_matter(ctx) -> int:
    clerk = Actor("bench_clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    matter = start_decision(ctx, clerk)
    for step, data in (("propose", PROPOSE), ("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):
        matter = do(ctx, clerk, matter, step, data)
    assert not matter.ready_steps and matter.waiting_timers, "the matter should wait on its period"
    return matter.id


def copy(database, template_id: int, count: int) -> None:
    """`count` copies of the template's row, each with its own workflow task ids."""
    with database.engine.begin() as conn:
        table = MatterRecord.__table__
        row = dict(conn.execute(select(table).where(table.c.id == template_id)).mappings().one())
        ids = sorted(set(UUID.findall(row["state"])))
        top = template_id
        for first in range(0, count, BATCH):
            rows = []
            for n in range(first, min(first + BATCH, count)):
                fresh = {old: str(uuid.uuid4()) for old in ids}
                state = UUID.sub(lambda m, fresh=fresh: fresh.get(m.group(0), m.group(0)), row["state"])
                rows.append({**row, "id": top + 1 + n, "state": state, "subject": f"{row['subject']} {n}"})
            conn.execute(insert(table), rows)
    json.loads(row["state"])                              # the template parsed: so do its copies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--database", help="an empty PostgreSQL database (URL); default: SQLite in a temporary directory")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Database(args.database or f"sqlite:///{tmp}/timers.sqlite3")
        database.upgrade()
        ctx = Context(database, TEST_SETTINGS)
        sync_definitions(ctx)
        seed_demo(ctx, Actor.system(), with_users=False)
        template = one_waiting_matter(ctx)
        began = time.perf_counter()
        copy(database, template, args.matters - 1)
        print(f"{args.matters:,} matters waiting on a timer ({time.perf_counter() - began:.0f} s to copy)")
        start_mb = peak_mb = resident_mb()
        done = [0]

        def progress(_row):
            nonlocal peak_mb
            done[0] += 1
            if done[0] % 1000 == 0:
                peak_mb = max(peak_mb, resident_mb())
            if done[0] % 10000 == 0:
                print(f"  {done[0]:,} matters, {resident_mb():.0f} MB", flush=True)
        later = datetime.now(timezone.utc) + timedelta(days=4)     # past 24:00 of the 3-day notice's last day
        with clock.use_clock(clock.FixedClock(later)):
            began = time.perf_counter()
            timers.advance_due_timers(ctx, Actor.system(), progress=progress, collect=False)
            seconds = time.perf_counter() - began
        print(f"{done[0]:,} matters advanced in {seconds:.0f} s ({done[0] / seconds:.0f} per second); resident "
              f"memory {start_mb:.0f} MB at the start, at most {peak_mb:.0f} MB, {resident_mb():.0f} MB at the end")
        database.dispose()


if __name__ == "__main__":
    main()
