"""bench_portal.py --matters N: the portal at a county's volume (see bench_portal.py's docstring).

The data is made fast and in bulk: the walked demo's 15 matters of 绿水村 (each with its published
records: projects, results, assets, decisions) are copied N times with plain INSERTs in a few
transactions, over a county of villages, each copy with a new matter id, village and publication
time, its records' content hashes recomputed and one `record_published` event per record appended
to the audit chain with the chain's own hash function (so /public/verify finds them all valid).
A matter row holds no workflow state (the portal never reads one); everything the portal reads is
what the engine would have written.
"""
from __future__ import annotations

import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import func, insert, select

from api import create_app
from api.public.caching import RenderedPages
from engine.audit import event_hash
from engine.disclosure import content_hash, verify_code
from engine.services import Actor, Context, anchors
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
from engine.services.demo_walk import walk_demo
from engine.store import Database
from engine.store.models import AuditEvent, AuditHead, MatterRecord, OrgUnit, PublishedRecord
from tests.settings import TEST_SETTINGS

BATCH = 5000
YEARS = 3
BIG = "lushui_village"


class _Row:
    """Attribute access over a dict, for content_hash (which reads a record's attributes)."""

    def __init__(self, values: dict):
        self.__dict__.update(values)


def run_volume(args) -> None:
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="xiaowei-volume-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "volume.sqlite3"
    if args.reuse and path.exists():
        database = Database(f"sqlite:///{path}")
        database.upgrade()
        ctx = Context(database, TEST_SETTINGS)
        with ctx.uow(readonly=True) as uow:
            print(f"reusing {path}: {uow.session.scalar(select(func.count()).select_from(MatterRecord)):,} matters, "
                  f"{uow.session.scalar(select(func.count()).select_from(PublishedRecord)):,} published records")
        measure(ctx, args.samples)
        database.dispose()
        return
    if path.exists():
        path.unlink()
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    ctx = Context(database, TEST_SETTINGS)
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system(), with_users=False)
    started = time.perf_counter()
    walk_demo(ctx)
    print(f"{'walk the demo (the templates)':52} {time.perf_counter() - started:8.1f} s")
    started = time.perf_counter()
    totals = generate(database, args.matters, args.villages, args.big_village)
    print(f"{'bulk insert':52} {time.perf_counter() - started:8.1f} s   "
          f"{totals['matters']:,} matters, {totals['records']:,} published records, {totals['events']:,} audit events, "
          f"{totals['villages']} villages; {path.stat().st_size / 1e6:,.0f} MB")
    started = time.perf_counter()
    anchors.anchor_days(ctx)
    print(f"{'daily anchors (first run: every day since the first event)':52} {time.perf_counter() - started:8.1f} s")
    measure(ctx, args.samples)
    database.dispose()
    if not args.keep:
        path.unlink()


# -- the data ----------------------------------------------------------------------------------------
def generate(database: Database, count: int, village_count: int, big: int) -> dict:
    engine = database.engine
    with engine.begin() as connection:
        templates = _templates(connection)
        villages = _villages(connection, village_count)
        next_matter = (connection.scalar(select(func.max(MatterRecord.id))) or 0) + 1
        head = connection.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    seq, prev = head
    rng = random.Random(20261130)
    now = datetime.now(timezone.utc)
    span = timedelta(days=365 * YEARS).total_seconds()
    records = events = 0
    village_of = [(BIG, "qingshan_town")] * min(big, count) + [villages[i % len(villages)]
                                                               for i in range(max(0, count - big))]
    for start in range(0, count, BATCH):
        matters, rows, chain = [], [], []
        for n in range(start, min(count, start + BATCH)):
            matter_id = next_matter + n
            template = templates[n % len(templates)]
            village, township = village_of[n]
            at = now - timedelta(seconds=rng.random() * span)
            matters.append({**template["matter"], "id": matter_id, "village_code": village, "township_code": township,
                            "created_at": at, "updated_at": at, "ended_at": at if template["matter"]["ended_at"] else None})
            for k, record in enumerate(template["records"]):
                published = at + timedelta(hours=6 * k)
                row = {**record, "id": None, "matter_id": matter_id, "village_code": village, "township_code": township,
                       "published_at": published, "changed_at": published, "publicity_task_id": None,
                       "publicity_ends_at": None, "publicity_held_at": None, "withdrawn_at": None}
                row["content_sha256"] = content_hash(_Row(row))
                seq += 1
                payload = {"record_id": None, "section": row["section"], "stage": row["stage"], "title": row["title"],
                           "element": row["element"], "process": row["source_process"], "content_sha256": row["content_sha256"]}
                rows.append(row)
                chain.append({"seq": seq, "at": published.isoformat(), "payload": payload})
        with engine.begin() as connection:
            connection.execute(insert(MatterRecord.__table__), matters)
            first_id = (connection.scalar(select(func.max(PublishedRecord.id))) or 0) + 1
            for offset, row in enumerate(rows):
                row["id"] = first_id + offset
                chain[offset]["payload"]["record_id"] = row["id"]
            for row, link in zip(rows, chain, strict=True):
                link["hash"] = event_hash(link["seq"], link["at"], "record_published", "bench", row["matter_id"],
                                          link["payload"], prev)
                link["prev"], prev = prev, link["hash"]
                row["audit_seq"], row["audit_hash"] = link["seq"], link["hash"]
            connection.execute(insert(PublishedRecord.__table__), rows)
            connection.execute(insert(AuditEvent.__table__), [
                {"seq": link["seq"], "at": link["at"], "event": "record_published", "actor": "bench",
                 "instance_id": row["matter_id"], "payload": link["payload"], "prev_hash": link["prev"], "hash": link["hash"]}
                for row, link in zip(rows, chain, strict=True)])
            connection.execute(AuditHead.__table__.update().where(AuditHead.id == 1).values(seq=seq, hash=prev))
        records += len(rows)
        events += len(chain)
    return {"matters": count, "records": records, "events": events, "villages": len(villages)}


def _templates(connection) -> list[dict]:
    """The walked demo's matters of 绿水村 that published something, each with its records."""
    matter_columns = [c for c in MatterRecord.__table__.columns]
    record_columns = [c for c in PublishedRecord.__table__.columns]
    found = []
    for matter in connection.execute(select(*matter_columns).where(MatterRecord.village_code == BIG)).mappings():
        records = [dict(r) for r in connection.execute(select(*record_columns).where(
            PublishedRecord.matter_id == matter["id"], PublishedRecord.withdrawn_at.is_(None))
            .order_by(PublishedRecord.id)).mappings()]
        if records:
            found.append({"matter": {**dict(matter), "state": "{}", "waiting_timers": [], "next_timer_due": None},
                          "records": records})
    return found


def _villages(connection, count: int) -> list[tuple[str, str]]:
    """(village, township) of a county of `count` villages: the demo's three and the rest in
    townships of 15."""
    existing = {row.code for row in connection.execute(select(OrgUnit.code))}
    units, villages = [], []
    for i in range(max(0, count - 3)):
        township = f"bench_town_{i // 15:03d}"
        if i % 15 == 0 and township not in existing:
            units.append({"code": township, "name": f"测试{i // 15 + 1}镇", "level": "township", "parent_code": "demo_county"})
        code = f"bench_village_{i:04d}"
        if code not in existing:
            units.append({"code": code, "name": f"测试{i // 15 + 1}镇{i % 15 + 1}村", "level": "village",
                          "parent_code": township})
        villages.append((code, township))
    if units:
        connection.execute(insert(OrgUnit.__table__), units)
    return villages + [("lushui_village", "qingshan_town"), ("taohua_village", "qingshan_town"),
                       ("hongqi_village", "baiyun_town")]


# -- the measurement --------------------------------------------------------------------------------
def measure(ctx, samples: int) -> None:
    """Each kind of page asked `samples` times by visitors with nothing cached: rendered every time
    (the app's cache of rendered pages off), then as served (that cache on: the first visitor's
    page is rendered, the next ones get it), and the 304 answer to a revalidation."""
    cold = create_app({"TESTING": True, "SECRET_KEY": "bench"}, context=ctx)
    cold.extensions["public_rendered"] = RenderedPages(0)
    served = create_app({"TESTING": True, "SECRET_KEY": "bench"}, context=ctx).test_client()
    client = cold.test_client()
    rng = random.Random(7)
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        big_matters = list(session.scalars(select(PublishedRecord.matter_id).where(
            PublishedRecord.village_code == BIG, PublishedRecord.section == "project").distinct().limit(5000)))
        result_matters = list(session.scalars(select(PublishedRecord.matter_id).where(
            PublishedRecord.village_code == BIG, PublishedRecord.section == "service_result").distinct().limit(5000)))
        codes = [verify_code(h) for h in session.scalars(select(PublishedRecord.content_sha256).where(
            PublishedRecord.id % 97 == 0).limit(5000))]
        other = [code for code in session.scalars(select(OrgUnit.code).where(OrgUnit.level == "village"))]
        month = func.strftime("%Y-%m", PublishedRecord.published_at).label("month")
        busiest = session.execute(select(month, func.count()).where(PublishedRecord.village_code == BIG)
                                  .group_by(month).order_by(func.count().desc()).limit(1)).one()[0]
    pages = {
        "/public (directory)": lambda: "/public",
        "/public?q= (search)": lambda: "/public?q=" + rng.choice(["绿水", "测试3", "5村"]),
        "village overview": lambda: f"/public/{BIG}",
        "village search, many found": lambda: f"/public/{BIG}/search?q=" + rng.choice(["公示", "结果", "审核"]),
        "village search, none found": lambda: f"/public/{BIG}/search?q=" + rng.choice(["没有这个词", "火箭 发射"]),
        "projects, page 1": lambda: f"/public/{BIG}/projects",
        "projects, a deep page": lambda: f"/public/{BIG}/projects?page={rng.randint(2, 20)}",
        "one project's stages": lambda: f"/public/{BIG}/projects/{rng.choice(big_matters)}",
        "results, page 1": lambda: f"/public/{BIG}/results",
        "one result": lambda: f"/public/{BIG}/results/{rng.choice(result_matters)}",
        "asset register": lambda: f"/public/{BIG}/assets",
        "affairs, page 1": lambda: f"/public/{BIG}/affairs",
        "publicity": lambda: f"/public/{BIG}/publicity",
        "power list item": lambda: f"/public/{BIG}/power-list/dibao",
        "board, busiest month": lambda: f"/public/{BIG}/board/{busiest}",
        "verify a code": lambda: f"/public/verify/{rng.choice(codes)}",
        "anchors": lambda: "/public/anchors",
        "another village": lambda: f"/public/{rng.choice(other)}",
        "JSON: results": lambda: f"/public/api/{BIG}/results",
        "JSON: board": lambda: f"/public/api/{BIG}/board/{busiest}",
    }
    print(f"\n{'':32} {'rendered every time':>26}   {'as served':>17}   {'304':>6}")
    print(f"{'page (no ETag sent)':32} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}   {'p50 ms':>8} {'p95 ms':>8}   {'p95 ms':>6}")
    worst = worst_served = 0.0
    for name, url in pages.items():
        addresses = [url() for _ in range(samples)]
        times, revalidated = _timed(client, addresses), []
        for address in addresses[:30]:
            tag = client.get(address).headers["ETag"]
            started = time.perf_counter()
            again = client.get(address, headers={"If-None-Match": tag})
            revalidated.append((time.perf_counter() - started) * 1000)
            assert again.status_code == 304, address
        as_served = _timed(served, addresses)
        worst, worst_served = max(worst, _p95(times)), max(worst_served, _p95(as_served))
        print(f"{name:32} {statistics.median(times):8.1f} {_p95(times):8.1f} {max(times):8.1f}   "
              f"{statistics.median(as_served):8.1f} {_p95(as_served):8.1f}   {_p95(revalidated):6.1f}")
    print(f"\nworst p95: rendered every time {worst:.1f} ms, as served {worst_served:.1f} ms "
          f"(the goal: 50 ms)")


def _timed(client, addresses: list[str]) -> list[float]:
    times = []
    for address in addresses:
        started = time.perf_counter()
        response = client.get(address)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (address, response.status_code)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
