"""Every list, search, detail, history and dashboard query at a county's scale, on PostgreSQL.

Run: .venv/bin/python bench/bench_scale.py --database postgresql+psycopg://postgres@127.0.0.1/xw_scale
                                           [--matters 100000] [--repeat 30] [--reuse]

Builds the database by cloning real rows (issue 17): the demo walked through the real services
(matters of every kind and state, their steps, audit events) over a county of 300 villages, then
its matters copied onto themselves with SQL, doubling each round, until there are --matters:
each copy gets a new id, one of the 300 villages (and its township), its times moved back by up to
three years (created, updated, ended, next timer, the steps' ready, due and completed times) and new
step ids. Copies keep the data and the workflow state of their template. The tallies are counted
again afterwards (the copies bypassed the services that keep them) and the tables analysed.
The copied audit events are not a valid chain (the chain's verification is measured elsewhere).
--reuse measures a database built before (same --matters) without building it again.

Then each query runs --repeat times through the services a page calls, as the people who ask it
(a village's clerk, a township's discipline committee, the county's), and its p50 and p95 are
printed. Deep pages: a page halfway down the county's matters (by number, and by start time),
and down a township's to-do list, read by OFFSET (through the repository: the services take page
numbers only within the first 1,000 rows) and by cursor (the service with `after`, as the API's
next_cursor and the pages' 下一页 read it). The target of issue 17: p95 <= 20 ms for every list
and search at 1,000,000 matters, the dashboard <= 200 ms.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text  # noqa: E402

from engine import clock  # noqa: E402
from engine.services import Actor, Context, identity, matters, tallies  # noqa: E402
from engine.services import statistics as assessment  # noqa: E402
from engine.services.definitions import sync_definitions  # noqa: E402
from engine.services.demo import seed_demo  # noqa: E402
from engine.services.demo_walk import walk_demo  # noqa: E402
from engine.services.orgs import add_unit  # noqa: E402
from engine.store import Database  # noqa: E402
from tests.settings import TEST_SETTINGS  # noqa: E402

VILLAGES_PER_TOWNSHIP = 150
TOWNSHIPS = ("qingshan_town", "baiyun_town")
SPREAD_DAYS = 3 * 365
SHIFTED = {"instances": ("created_at", "updated_at", "ended_at", "next_timer_due", "step_due_at"),
           "inbox": ("ready_since", "due_at", "completed_at")}


def build(ctx, target: int) -> None:
    system = Actor.system()
    sync_definitions(ctx)
    seed_demo(ctx, system)
    villages = []
    for township in TOWNSHIPS:
        for n in range(VILLAGES_PER_TOWNSHIP):
            code = f"{township.removesuffix('_town')}_v{n:03d}"
            add_unit(ctx, system, code, f"{township[:2]}{n}村", "village", township)
            villages.append((code, township))
    walk_demo(ctx)
    began = time.perf_counter()
    count = copy_matters(ctx.database, villages, target)
    print(f"{count:,} matters copied in {time.perf_counter() - began:.0f} s")
    began = time.perf_counter()
    tallies.rebuild(ctx, system)
    with ctx.database.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    print(f"tallies rebuilt and tables analysed in {time.perf_counter() - began:.0f} s")


def copy_matters(database, villages: list[tuple[str, str]], target: int) -> int:
    """Double the matters (with their steps and events) until there are `target`."""
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TEMP TABLE bench_villages (n int PRIMARY KEY, code text, township text)"))
        conn.execute(text("INSERT INTO bench_villages VALUES (:n, :code, :township)"),
                     [{"n": n, "code": c, "township": t} for n, (c, t) in enumerate(villages)])
        names = {t: [r[0] for r in conn.execute(text(
            "SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position"),
            {"t": t})] for t in ("instances", "inbox", "audit_events")}
        places = len(villages)
        while True:
            count, top = conn.execute(text("SELECT count(*), max(id) FROM instances")).one()
            if count >= target:
                return count
            take = min(count, target - count)
            last = conn.execute(text("SELECT id FROM instances ORDER BY id LIMIT 1 OFFSET :n"), {"n": take - 1}).scalar()
            seq_top = conn.execute(text("SELECT max(seq) FROM audit_events")).scalar()
            # Per copy: its village (by its new id) and how many days back it moves.
            place = f"(SELECT code FROM bench_villages WHERE n = (src.id + {top}) % {places})"
            township = f"(SELECT township FROM bench_villages WHERE n = (src.id + {top}) % {places})"
            back = f"make_interval(days => ((src.id + {top}) * 37) % {SPREAD_DAYS})"
            shift = {c: f"{c} - {back}" for c in SHIFTED["instances"]}
            conn.execute(text(_copy("instances", names["instances"], {
                "id": f"id + {top}", "village_code": place, "township_code": township, **shift}, "id <= :last")),
                {"last": last})
            back = f"make_interval(days => ((src.instance_id + {top}) * 37) % {SPREAD_DAYS})"
            conn.execute(text(_copy("inbox", names["inbox"], {
                "task_id": "md5(random()::text || clock_timestamp()::text)", "instance_id": f"instance_id + {top}",
                "village_code": f"(SELECT code FROM bench_villages WHERE n = (src.instance_id + {top}) % {places})",
                "township_code": f"(SELECT township FROM bench_villages WHERE n = (src.instance_id + {top}) % {places})",
                **{c: f"{c} - {back}" for c in SHIFTED["inbox"]}}, "instance_id <= :last")), {"last": last})
            conn.execute(text(_copy("audit_events", names["audit_events"], {
                "seq": f"seq + {seq_top}", "instance_id": f"instance_id + {top}"}, "instance_id <= :last")),
                {"last": last})
            conn.execute(text("UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_events)"))
            print(f"  {count + take:,} matters")


def _copy(table: str, names: list[str], changes: dict, where: str) -> str:
    return (f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(changes.get(c, c) for c in names)} "
            f"FROM {table} AS src WHERE {where}")


def timed(fn, repeat: int) -> tuple[float, float]:
    fn()                                   # the first call pays for caches and plans
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def queries(ctx) -> dict:
    def actor(username: str) -> Actor:
        token = identity.login(ctx, username, "xiaowei-demo").token
        return identity.actor_for_token(ctx, token)
    clerk = actor("village_committee.lushui_village")
    township = actor("township_discipline.qingshan_town")
    county = actor("county_discipline.demo_county")
    with ctx.uow(readonly=True) as uow:
        newest = uow.session.execute(text("SELECT max(id) FROM instances")).scalar()
        some_item = uow.session.execute(text("SELECT process_key FROM instances WHERE id = :i"), {"i": newest}).scalar()
    now = clock.now()
    year_ago = now - timedelta(days=365)
    month = {"created_from": now - timedelta(days=60), "created_before": now - timedelta(days=30)}

    def listing(who, **filters):
        return lambda: matters.list_matters(ctx, who, filters, 1, 20)
    deep = deep_pages(ctx, county, township, now - timedelta(days=30 * 365))     # every copy (they go back decades)
    return {
        "tasks: a village clerk's to-do, page 1": lambda: matters.list_tasks(ctx, clerk, None, None, 1, 20),
        "tasks: the county's, page 1": lambda: matters.list_tasks(ctx, county, None, None, 1, 20),
        "tasks: a township's discipline committee, page 1": lambda: matters.list_tasks(ctx, township, None, None, 1, 20),
        "matters: county, newest, page 1": listing(county),
        "matters: county, running": listing(county, status="running"),
        "matters: township, running": listing(township, status="running"),
        "matters: county, item + a month": listing(county, process_key=some_item, **month),
        "matters: county, amount 10k-50k": listing(county, amount_min=10000, amount_max=50000),
        "matters: county, overdue now": listing(county, overdue=True),
        "matters: township, overdue now": listing(township, overdue=True),
        "matters: county, keyword in 1 of 8 matters": listing(county, keyword="修"),
        "matters: county, keyword in none": listing(county, keyword="无此关键词"),
        "matters: county, a matter's number": listing(county, keyword=f"#{newest}"),
        "matters: county, page 50 (deepest by number)": lambda: matters.list_matters(ctx, county, {}, 50, 20),
        "matters: county, started this year": listing(county, created_from=year_ago),
        **deep,
        "a matter": lambda: matters.get_matter(ctx, county, newest),
        "a matter's history": lambda: matters.matter_history(ctx, county, newest),
        "dashboard: township, this year": lambda: assessment.statistics(ctx, township, "year", now.year),
        "dashboard: county, this year": lambda: assessment.statistics(ctx, county, "year", now.year),
    }


def deep_pages(ctx, county: Actor, township: Actor, since) -> dict:
    """A page halfway down the county's matters (by number; started `since`, by start time) and
    down a township discipline committee's to-do list, read as OFFSET reads it (the
    repository given the offset: the services refuse page numbers past keyset.MAX_OFFSET rows) and
    by cursor (the service, after the cursor of the row before it)."""
    def matters_at(who, filters: dict, matching: str, values: dict):
        columns = matters._search_columns(filters)
        with ctx.uow(readonly=True) as uow:
            depth = uow.session.execute(text(matching), values).scalar() // 2
            _, before = uow.matters.search(columns, uow.orgs.scope(who.units()), depth - 1, 1, hidden_from=who.name)

        def by_offset():
            with ctx.uow(readonly=True) as uow:
                uow.matters.search(columns, uow.orgs.scope(who.units()), depth, 20, hidden_from=who.name)
        return depth, by_offset, lambda: matters.list_matters(ctx, who, filters, 1, 20, before.next_cursor)

    def reach(uow, who):                         # as matters.list_tasks works it out
        by_unit: dict[str, set[str]] = {}
        for grant in who.grants:
            by_unit.setdefault(grant.org, set()).add(grant.role)
        return [(roles, uow.orgs.scope({unit})) for unit, roles in by_unit.items()]

    def tasks_at(who):
        with ctx.uow(readonly=True) as uow:
            depth = uow.session.execute(text(
                "SELECT count(*) FROM inbox WHERE state = 'ready' AND role = ANY(:roles) AND township_code = ANY(:units)"),
                {"roles": [g.role for g in who.grants], "units": [g.org for g in who.grants]}).scalar() // 2
            _, before = uow.inbox.search(reach(uow, who), None, None, depth - 1, 1, hidden_from=who.name)

        def by_offset():
            with ctx.uow(readonly=True) as uow:
                uow.inbox.search(reach(uow, who), None, None, depth, 20, hidden_from=who.name)
        return depth, by_offset, lambda: matters.list_tasks(ctx, who, None, None, 1, 20, before.next_cursor)

    pages = {}
    for name, (depth, by_offset, by_cursor) in {
            "matters: county": matters_at(county, {}, "SELECT count(*) FROM instances WHERE NOT sandbox", {}),
            "matters: county, by start time": matters_at(
                county, {"created_from": since},
                "SELECT count(*) FROM instances WHERE NOT sandbox AND created_at >= :t", {"t": since}),
            "tasks: township discipline": tasks_at(township)}.items():
        pages[f"{name}, row {depth:,} by OFFSET"] = by_offset
        pages[f"{name}, row {depth:,} by cursor"] = by_cursor
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="an empty PostgreSQL database (URL)")
    parser.add_argument("--matters", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--reuse", action="store_true", help="measure a database built before")
    args = parser.parse_args()
    database = Database(args.database)
    database.upgrade()
    ctx = Context(database, TEST_SETTINGS)
    if not args.reuse:
        build(ctx, args.matters)
    with database.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM instances")).scalar()
        events = conn.execute(text("SELECT count(*) FROM audit_events")).scalar()
        steps = conn.execute(text("SELECT count(*) FROM inbox")).scalar()
        size = conn.execute(text("SELECT pg_size_pretty(pg_database_size(current_database()))")).scalar()
    print(f"{total:,} matters, {steps:,} inbox rows, {events:,} audit events, {size}")
    print(f"{'query':56} {'p50 ms':>8} {'p95 ms':>8}")
    for name, fn in queries(ctx).items():
        p50, p95 = timed(fn, args.repeat)
        print(f"{name:56} {p50:8.1f} {p95:8.1f}")
    database.dispose()


if __name__ == "__main__":
    main()
