"""归档: matters closed long ago leave the hot tables; supervisors still read them, their history
and attachments; the audit chain still verifies; SQLite never gives their ids again."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from engine import clock
from engine.errors import Forbidden, NotFound
from engine.identity import Grant
from engine.services import Actor, archives, attachments, audit, flowcharts, matters
from tests.integration.helpers import PDF

SYSTEM = Actor.system()
SUPERVISOR = Actor("discipline", frozenset([Grant("TOWNSHIP_DISCIPLINE", "qingshan_town")]))
CLERK = Actor("clerk2", frozenset([Grant("APPLICANT", "lushui_village")]))


def a_matter(ctx, clerk, subject: str) -> dict:
    return matters.start_matter(ctx, clerk, "major_decision", "lushui_village", subject, {"summary": subject})


def test_archiving_moves_closed_matters_and_keeps_history_and_chain(ctx, clerk, database):
    closed = a_matter(ctx, clerk, "早已撤销的事项")
    closed = matters.cancel_matter(ctx, SYSTEM, closed.id, "重复发起")
    running = a_matter(ctx, clerk, "仍在办理")
    history = matters.matter_history(ctx, SYSTEM, closed.id)
    head = audit.verify_chain(ctx, SYSTEM)

    with pytest.raises(Forbidden):
        archives.archive_closed_matters(ctx, SUPERVISOR, clock.now())
    totals = archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    assert totals.instances == 1 and totals.inbox >= 1

    with database.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM instances WHERE id = :i"), {"i": closed.id}) == 0
        assert conn.scalar(text("SELECT count(*) FROM inbox WHERE instance_id = :i"), {"i": closed.id}) == 0
        assert conn.scalar(text("SELECT count(*) FROM archived_instances WHERE id = :i"), {"i": closed.id}) == 1
        assert conn.scalar(text("SELECT count(*) FROM instances WHERE id = :i"), {"i": running.id}) == 1

    archived = matters.get_matter(ctx, SUPERVISOR, closed.id)
    assert archived.status == "cancelled" and archived.archived_at is not None
    assert archived.subject == "早已撤销的事项" and archived.ready_steps == ()
    assert archived.public_objections is None and archived.links is None      # not read from the archive
    assert matters.matter_history(ctx, SUPERVISOR, closed.id) == history
    assert flowcharts.matter_flowchart_source(ctx, SUPERVISOR, closed.id).states
    with pytest.raises(NotFound):
        matters.get_matter(ctx, CLERK, closed.id)
    with pytest.raises(NotFound):                      # nothing acts on an archived matter
        matters.cancel_matter(ctx, SYSTEM, closed.id, "再撤销")

    after = audit.verify_chain(ctx, SYSTEM)
    assert after.ok and after.events == head.events + 1       # + the matters_archived event
    assert archives.archive_closed_matters(ctx, SYSTEM, clock.now()).instances == 0


def test_attachments_of_an_archived_matter_stay_downloadable(ctx, clerk):
    from tests.integration.helpers import PROPOSE, do, start_decision
    matter = do(ctx, clerk, start_decision(ctx, clerk, "有附件的事项"), "propose", PROPOSE)
    scan = attachments.upload_attachment(ctx, clerk, "会议记录.pdf", PDF + b"minutes")
    with ctx.uow() as uow:                  # linked as a step citing it would link it
        uow.attachments.get(scan.id).matter_id = matter.id
        uow.commit()
    matters.cancel_matter(ctx, SYSTEM, matter.id, "测试归档")
    archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    meta, content = attachments.download_attachment(ctx, SUPERVISOR, scan.id)
    assert content == PDF + b"minutes" and meta.matter_id == matter.id
    assert [a.id for a in matters.get_matter(ctx, SUPERVISOR, matter.id).attachments] == [scan.id]
    with pytest.raises(NotFound):
        attachments.download_attachment(ctx, CLERK, scan.id)


def test_a_new_matter_never_takes_an_archived_matters_id(ctx, clerk):
    newest = a_matter(ctx, clerk, "最新的事项")
    matters.cancel_matter(ctx, SYSTEM, newest.id, "撤销")
    archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    fresh = matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "新事项", {"summary": "新"})
    assert fresh.id > newest.id
    assert matters.get_matter(ctx, SUPERVISOR, newest.id).subject == "最新的事项"


def test_the_date_must_be_in_the_past_and_aware(ctx):
    from engine.errors import InvalidData
    for bad in (datetime(2020, 1, 1), datetime.now(timezone.utc) + timedelta(days=1)):
        with pytest.raises(InvalidData):
            archives.archive_closed_matters(ctx, SYSTEM, bad)


def test_archived_matters_stay_published(ctx):
    """Archiving moves a closed matter out of the working tables, not off the portal: its records
    (a 低保 household's long-term notice, a project's stages) and their objections stay public."""
    from engine.services.demo import seed_demo
    from engine.services.demo_walk import walk_demo

    seed_demo(ctx, SYSTEM)
    walk_demo(ctx)
    with ctx.portal_uow(readonly=True) as portal:
        shown = {section: len(portal.records.in_section("lushui_village", section))
                 for section in ("project", "service_result", "asset", "village_affairs")}
    with database_rows(ctx) as count:
        records_before = count("SELECT count(*) FROM published_records")
    with clock.use_clock(clock.FixedClock(clock.now() + timedelta(minutes=1))):
        moved = archives.archive_closed_matters(ctx, SYSTEM, clock.now() - timedelta(seconds=1))
    assert moved.instances > 0
    with database_rows(ctx) as count:
        assert count("SELECT count(*) FROM published_records") == records_before
        assert count("SELECT count(*) FROM published_records WHERE matter_id IN (SELECT id FROM archived_instances)") > 0
    with ctx.portal_uow(readonly=True) as portal:
        assert {section: len(portal.records.in_section("lushui_village", section)) for section in shown} == shown


class database_rows:
    """`with database_rows(ctx) as count: count(sql)`: one read-only unit of work."""

    def __init__(self, ctx):
        self.uow = ctx.uow(readonly=True)

    def __enter__(self):
        uow = self.uow.__enter__()
        return lambda sql: uow.session.scalar(text(sql))

    def __exit__(self, *exc):
        return self.uow.__exit__(*exc)


def test_migration_0022_keeps_every_record_and_objection(tmp_path):
    """Dropping the foreign keys recreates three tables on SQLite; with foreign keys left on, the
    DROP of the old published_records would cascade into public_objections. Rows before = after."""
    from alembic import command

    from engine.store.db import Database, _alembic_config

    database = Database(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    config = _alembic_config()
    config.attributes["connection_engine"] = database.engine
    command.upgrade(config, "0021")
    rows = {
        "org_units": "INSERT INTO org_units (code, name, level, sandbox) VALUES ('v', '村', 'village', 0)",
        "published_records": (
            "INSERT INTO published_records (id, matter_id, village_code, township_code, process_key, item_name, "
            "source_process, element, section, stage, title, subject, fields, documents, published_at, audit_seq, "
            "audit_hash, content_sha256, changed_at) VALUES (1, 7, 'v', 't', 'k', '项', 'k', 'e', 'project', '立项', "
            "'题', '项', '[]', '[]', '2026-01-01 00:00:00', 1, 'h', 'c', '2026-01-01 00:00:00')"),
        "public_objections": (
            "INSERT INTO public_objections (id, record_id, matter_id, task_id, text, received_at, source, audit_seq) "
            "VALUES (1, 1, 7, 't', '有异议', '2026-01-01 00:00:00', 'portal', 2)"),
        "matter_exclusions": "INSERT INTO matter_exclusions (matter_id, username) VALUES (7, 'cadre')",
    }
    with database.engine.connect() as connection:
        # rows of a matter already archived (its instances row gone), as archiving leaves them
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        with connection.begin():
            columns = {t: {c["name"] for c in inspect(connection).get_columns(t)} for t in rows}
            for sql in rows.values():
                connection.exec_driver_sql(sql)
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    command.upgrade(config, "head")
    with database.engine.connect() as connection:
        for table in ("published_records", "public_objections", "matter_exclusions"):
            assert connection.scalar(text(f"SELECT count(*) FROM {table}")) == 1, table
            assert not [fk for fk in inspect(connection).get_foreign_keys(table) if fk["referred_table"] == "instances"]
        assert {c["name"] for c in inspect(connection).get_columns("published_records")} == columns["published_records"]
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    database.dispose()
