"""The supervisors' dashboard (考核) at scale. Run: .venv/bin/python bench/bench_dashboard.py [--matters N]

Walks the demo (15 matters through the real services), sweeps the red lines, then copies its
matters with SQL until there are N (instances, to-do rows, their audit events and published
records, ids and task ids shifted; the copies keep their village and created_at, so every copy
falls in the walked period), counts the 考核 tallies again (the copies bypassed the services that
keep them) and times GET /dashboard for the month and the year, and
GET /api/v1/statistics, as the township discipline committee: median and p95 of --repeat calls.
The copied audit events are not a valid chain (the dashboard does not verify it). SQLite in a
temporary directory; compare with the bound of issue 12 (p95 <= 200 ms at 100,000 matters).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from api import create_app  # noqa: E402
from engine import clock  # noqa: E402
from engine.services import Actor, Context, redlines, tallies  # noqa: E402
from engine.services.definitions import sync_definitions  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.services.demo_walk import walk_demo  # noqa: E402
from engine.store import Database  # noqa: E402
from tests.browser.web import WebClient  # noqa: E402
from tests.settings import TEST_SETTINGS  # noqa: E402

INSPECTOR = "township_discipline.qingshan_town"


def columns(conn, table: str) -> list[str]:
    return [row[1] for row in conn.execute(text(f"PRAGMA table_info({table})"))]


def copy_matters(database, target: int) -> int:
    """Copy the matters (and what hangs off them) onto themselves, doubling each round, up to
    about `target`; the count."""
    with database.engine.begin() as conn:
        tables = {name: columns(conn, name) for name in ("instances", "inbox", "audit_events", "published_records")}
        while True:
            count, top = conn.execute(text("SELECT count(*), max(id) FROM instances")).one()
            if count >= target:
                return count
            take = min(count, target - count)           # the last round copies only what is missing
            seq_top = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar()
            pub_top = conn.execute(text("SELECT coalesce(max(id), 0) FROM published_records")).scalar()
            last = conn.execute(text("SELECT id FROM instances ORDER BY id LIMIT 1 OFFSET :n"), {"n": take - 1}).scalar()

            def copy(table, changes, where, last=last):
                names = tables[table]
                conn.execute(text(f"INSERT INTO {table} ({', '.join(names)}) SELECT "
                                  f"{', '.join(changes.get(c, c) for c in names)} FROM {table} WHERE {where}"),
                             {"last": last})
            copy("instances", {"id": f"id + {top}"}, "id <= :last")
            copy("inbox", {"task_id": "lower(hex(randomblob(16)))", "instance_id": f"instance_id + {top}"},
                 "instance_id <= :last")
            copy("audit_events", {"seq": f"seq + {seq_top}", "instance_id": f"instance_id + {top}"},
                 "instance_id <= :last")
            copy("published_records", {"id": f"id + {pub_top}", "matter_id": f"matter_id + {top}"},
                 "matter_id <= :last")


def timed(client, url: str, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{folder}/bench.sqlite3")
        database.upgrade()
        ctx = Context(database, TEST_SETTINGS)
        sync_definitions(ctx)
        seed_demo(ctx, Actor.system())
        walk_demo(ctx)
        redlines.sweep(ctx, Actor.system())
        started = time.perf_counter()
        count = copy_matters(database, options.matters)
        print(f"{count} matters ({time.perf_counter() - started:.0f} s to copy)")
        started = time.perf_counter()
        rows = tallies.rebuild(ctx, Actor.system()).rows       # the copies bypassed the services
        print(f"tallies rebuilt: {rows} rows ({time.perf_counter() - started:.1f} s)")
        now = clock.now()
        app = create_app({"TESTING": True, "SECRET_KEY": "bench"}, context=ctx)
        web = WebClient(app)
        assert web.login(INSPECTOR).status_code == 302
        token = app.test_client().post("/api/v1/auth/token", json={"username": INSPECTOR, "password": "xiaowei-demo"})
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token.get_json()['token']}"
        pages = {"/dashboard (this month)": (web, "/dashboard"),
                 "/dashboard (this year)": (web, f"/dashboard?period=year&year={now.year}"),
                 "/api/v1/statistics (this year)": (api, f"/api/v1/statistics?period=year&year={now.year}")}
        for name, (client, url) in pages.items():
            median, p95 = timed(client, url, options.repeat)
            print(f"{name:36} median {median:8.1f} ms   p95 {p95:8.1f} ms")
        database.dispose()


if __name__ == "__main__":
    main()
