"""Public portal figures. Run: .venv/bin/python bench/bench_portal.py [--repeat N] [--matters 100000]

Without --matters, on the walked demo: medians (timeit.repeat) of walking the demo; a page
rendered (200) and the same page answered from its ETag (304, no rendering); and what publishing
adds to completing a step (one record, its documents, one audit event, the publicity bookkeeping).

With --matters N (issue 10, part 5: public pages p95 <= 50 ms at 100,000 matters on SQLite): the
walked demo's matters and records are the templates of N matters bulk-inserted (not N runs of the
engine) over a county of --villages villages, --big-village of them in 绿水村 (the page measured
is the largest village's), published over three years, each record with its content hash and its
`record_published` event appended to a valid audit chain, and a year of daily anchors. Then every
kind of public page is asked --samples times (a cold render each: no ETag, no cache), and p50/p95
are printed, plus the 304 answer to a revalidation. SQLite in a temporary directory (or --keep DIR).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import timeit
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api import create_app  # noqa: E402
from engine import clock  # noqa: E402
from engine.identity import Grant  # noqa: E402
from engine.services import Actor, Context, matters  # noqa: E402
from engine.services.definitions import sync_definitions  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.services.demo_walk import walk_demo  # noqa: E402
from engine.services.timers import advance_due_timers  # noqa: E402
from engine.store import Database  # noqa: E402
from tests.integration.helpers import (DELIBERATE, PROPOSE, RESOLVE, REVIEW, SEND_PLAN, do, reviewer,  # noqa: E402
                                      start_decision)
from tests.settings import TEST_SETTINGS  # noqa: E402

PAGES = ("/public", "/public/lushui_village", "/public/lushui_village/projects", "/public/lushui_village/projects/1",
         "/public/lushui_village/results", "/public/lushui_village/assets", "/public/lushui_village/publicity",
         "/public/lushui_village/power-list/dibao", "/public/api/lushui_village/results",
         "/public/lushui_village/search?q=公示")


def median_ms(fn, repeat: int) -> float:
    return statistics.median(timeit.repeat(fn, repeat=repeat, number=1)) * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--matters", type=int, default=0, help="bulk-insert this many matters, then measure p50/p95")
    parser.add_argument("--villages", type=int, default=300, help="villages of the county (with --matters)")
    parser.add_argument("--big-village", type=int, default=1000,
                        help="matters of 绿水村, the village measured (3x a village's share of 100,000 over 300)")
    parser.add_argument("--samples", type=int, default=200, help="requests per kind of page (with --matters)")
    parser.add_argument("--keep", help="keep the database in this folder (with --matters)")
    parser.add_argument("--reuse", action="store_true", help="measure the database --keep holds again (no generating)")
    args = parser.parse_args(argv)
    if args.matters:
        from bench.portal_volume import run_volume
        run_volume(args)
        return
    repeat = args.repeat
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.sqlite3")
        database.upgrade()
        ctx = Context(database, TEST_SETTINGS)
        sync_definitions(ctx)
        seed_demo(ctx, Actor.system())
        started = time.perf_counter()
        walk_demo(ctx)
        print(f"{'walk the demo (15 matters)':48} {(time.perf_counter() - started) * 1000:10.0f} ms")
        client = create_app({"TESTING": True, "SECRET_KEY": "bench"}, context=ctx).test_client()
        for page in PAGES:
            etag = client.get(page).headers["ETag"]
            full = median_ms(lambda page=page: client.get(page), repeat)
            cached = median_ms(lambda page=page, etag=etag: client.get(page, headers={"If-None-Match": etag}), repeat)
            print(f"{page:48} {full:7.2f} ms  304: {cached:5.2f} ms  ({full / cached:4.1f}x)")
        publishing_cost(ctx, repeat)
        database.dispose()


def publishing_cost(ctx, repeat: int) -> None:
    """Completing the same kind of step with and without a publicity point: 两委 deliberation
    (publishes nothing) against the 决议公开 step (one record) of 四议两公开 matters."""
    clerk = Actor("bench", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    plain, publishing = [], []
    fixed = clock.FixedClock(clock.now())
    with clock.use_clock(fixed):
        for _ in range(repeat):
            m = do(ctx, clerk, start_decision(ctx, clerk), "propose", PROPOSE)
            started = time.perf_counter()
            m = do(ctx, clerk, m, "deliberate", DELIBERATE)
            plain.append(time.perf_counter() - started)
            m = do(ctx, clerk, m, "send_plan", SEND_PLAN)
            fixed.advance(timedelta(days=10))
            advance_due_timers(ctx, Actor.system())
            m = do(ctx, clerk, matters.get_matter(ctx, clerk, m.id), "review", REVIEW)
            m = do(ctx, clerk, m, "resolve_rep", RESOLVE)
            m = do(ctx, clerk, m, "draft_resolution_notice", {"resolution_notice": "决议公开"})
            m = do(ctx, reviewer(ctx), m, "review_resolution_notice",
                   {"resolution_notice_review": "approve", "resolution_notice_review_opinion": "与记录一致"})
            started = time.perf_counter()
            do(ctx, clerk, m, "publish_resolution", {"resolution_published_on": "2026-03-20"})
            publishing.append(time.perf_counter() - started)
    a, b = statistics.median(plain) * 1000, statistics.median(publishing) * 1000
    print(f"{'complete a step that publishes nothing':48} {a:7.2f} ms")
    print(f"{'complete a step that publishes a record':48} {b:7.2f} ms  (+{b - a:.2f} ms)")


if __name__ == "__main__":
    main()
