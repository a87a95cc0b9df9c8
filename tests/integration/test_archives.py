"""归档: matters closed long ago leave the hot tables; supervisors still read them, their history
and attachments; the audit chain still verifies; SQLite never gives their ids again."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text

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
    closed = matters.cancel_matter(ctx, SYSTEM, closed["id"], "重复发起")
    running = a_matter(ctx, clerk, "仍在办理")
    history = matters.matter_history(ctx, SYSTEM, closed["id"])
    head = audit.verify_chain(ctx, SYSTEM)

    with pytest.raises(Forbidden):
        archives.archive_closed_matters(ctx, SUPERVISOR, clock.now())
    totals = archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    assert totals["instances"] == 1 and totals["inbox"] >= 1

    with database.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM instances WHERE id = :i"), {"i": closed["id"]}) == 0
        assert conn.scalar(text("SELECT count(*) FROM inbox WHERE instance_id = :i"), {"i": closed["id"]}) == 0
        assert conn.scalar(text("SELECT count(*) FROM archived_instances WHERE id = :i"), {"i": closed["id"]}) == 1
        assert conn.scalar(text("SELECT count(*) FROM instances WHERE id = :i"), {"i": running["id"]}) == 1

    archived = matters.get_matter(ctx, SUPERVISOR, closed["id"])
    assert archived["status"] == "cancelled" and archived["archived_at"] is not None
    assert archived["subject"] == "早已撤销的事项" and archived["ready_steps"] == []
    assert matters.matter_history(ctx, SUPERVISOR, closed["id"]) == history
    assert flowcharts.matter_flowchart_source(ctx, SUPERVISOR, closed["id"])["states"]
    with pytest.raises(NotFound):
        matters.get_matter(ctx, CLERK, closed["id"])
    with pytest.raises(NotFound):                      # nothing acts on an archived matter
        matters.cancel_matter(ctx, SYSTEM, closed["id"], "再撤销")

    after = audit.verify_chain(ctx, SYSTEM)
    assert after["ok"] and after["events"] == head["events"] + 1       # + the matters_archived event
    assert archives.archive_closed_matters(ctx, SYSTEM, clock.now())["instances"] == 0


def test_attachments_of_an_archived_matter_stay_downloadable(ctx, clerk):
    from tests.integration.helpers import PROPOSE, do, start_decision
    matter = do(ctx, clerk, start_decision(ctx, clerk, "有附件的事项"), "propose", PROPOSE)
    scan = attachments.upload_attachment(ctx, clerk, "会议记录.pdf", PDF + b"minutes")
    with ctx.uow() as uow:                  # linked as a step citing it would link it
        uow.attachments.get(scan["id"]).matter_id = matter["id"]
        uow.commit()
    matters.cancel_matter(ctx, SYSTEM, matter["id"], "测试归档")
    archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    meta, content = attachments.download_attachment(ctx, SUPERVISOR, scan["id"])
    assert content == PDF + b"minutes" and meta["matter_id"] == matter["id"]
    assert [a["id"] for a in matters.get_matter(ctx, SUPERVISOR, matter["id"])["attachments"]] == [scan["id"]]
    with pytest.raises(NotFound):
        attachments.download_attachment(ctx, CLERK, scan["id"])


def test_a_new_matter_never_takes_an_archived_matters_id(ctx, clerk):
    newest = a_matter(ctx, clerk, "最新的事项")
    matters.cancel_matter(ctx, SYSTEM, newest["id"], "撤销")
    archives.archive_closed_matters(ctx, SYSTEM, clock.now())
    fresh = matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "新事项", {"summary": "新"})
    assert fresh["id"] > newest["id"]
    assert matters.get_matter(ctx, SUPERVISOR, newest["id"])["subject"] == "最新的事项"


def test_the_date_must_be_in_the_past_and_aware(ctx):
    from engine.errors import InvalidData
    for bad in (datetime(2020, 1, 1), datetime.now(timezone.utc) + timedelta(days=1)):
        with pytest.raises(InvalidData):
            archives.archive_closed_matters(ctx, SYSTEM, bad)
