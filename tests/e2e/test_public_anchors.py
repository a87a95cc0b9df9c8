"""The public audit anchor, on SQLite and PostgreSQL: the worker stores each ended day's chain head
once (catching up on days it missed), the portal and `xiaowei audit anchors` publish them, every
public entry shows the hash of its event, anyone can check an entry with sha256sum's arithmetic,
and a chain rewritten after an anchor was published fails verification at that anchor."""
from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner
from sqlalchemy import select

from api import create_app
from api.cli import cli
from engine import clock
from engine.audit import event_hash
from engine.services import Actor, anchors, audit
from engine.services.demo_answers import DIBAO_WANG
from engine.services.demo_walk import Scene
from engine.store.board_models import AuditAnchor
from engine.store.models import AuditEvent, AuditHead
from tests.e2e.public_helpers import walk_one

BEIJING = timezone(timedelta(hours=8))


def test_each_ended_day_is_anchored_once_with_the_heads_hash(ctx):
    walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"), days_ago=3)
    now = clock.now()
    made = anchors.anchor_days(ctx, now)
    today = now.astimezone(BEIJING).date()
    assert made and made[-1].day == (today - timedelta(days=1)).isoformat(), "up to yesterday, never today"
    assert anchors.anchor_days(ctx, now) == [], "a day is anchored once"
    with ctx.uow(readonly=True) as uow:
        for anchor in made:
            end = datetime.fromisoformat(anchor.day).replace(tzinfo=BEIJING) + timedelta(days=1)
            before = [e for e in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq))
                      if datetime.fromisoformat(e.at) < end]
            assert anchor.seq == max(e.seq for e in before) and anchor.hash == uow.session.get(
                AuditEvent, anchor.seq).hash
    # The next day, the worker adds that day only.
    later = anchors.anchor_days(ctx, now + timedelta(days=1))
    assert [a.day for a in later] == [today.isoformat()]
    assert audit.verify_chain(ctx, Actor.system()).ok and audit.verify_chain(ctx, Actor.system()).anchors == len(made) + 1


def test_a_chain_rewritten_after_its_anchor_fails_verification(ctx):
    walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"), days_ago=3)
    anchors.anchor_days(ctx)
    with ctx.uow() as uow:
        anchor = uow.session.scalars(select(AuditAnchor).order_by(AuditAnchor.day.desc())).first()
        # Rewrite history consistently: change an early event and recompute every hash after it,
        # head included. The chain alone now verifies; the published anchor does not.
        events = list(uow.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
        prev = events[0].prev_hash
        for event in events:
            if event.seq == 2:
                event.payload = {**event.payload, "rewritten": True}
            event.prev_hash = prev
            event.hash = event_hash(event.seq, event.at, event.event, event.actor, event.matter_id, event.payload, prev)
            prev = event.hash
        uow.session.get(AuditHead, 1).hash = prev
        uow.session.commit()
    report = audit.verify_chain(ctx, Actor.system())
    assert report.ok is False and report.broken_seq <= anchor.seq and "锚点" in report.problem


def test_the_portal_publishes_the_anchors_and_each_entry_its_events_hash(ctx):
    matter = walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"), days_ago=3)
    anchors.anchor_days(ctx)
    client = create_app({"TESTING": True, "SECRET_KEY": "anchors"}, context=ctx).test_client()
    listed = client.get("/public/api/anchors").json["anchors"]
    assert listed and listed == sorted(listed, key=lambda a: a["day"], reverse=True)
    page = client.get("/public/anchors")
    assert page.status_code == 200 and listed[0]["hash"] in page.get_data(as_text=True) and "sha256sum" in page.get_data(as_text=True)
    assert client.get("/public/anchors", headers={"If-None-Match": page.headers["ETag"]}).status_code == 304
    (record,) = [r for m in client.get("/public/api/lushui_village/results").json["matters"] if m["matter_id"] == matter.id
                 for r in m["records"]]
    shown = client.get(f"/public/lushui_village/results/{matter.id}").get_data(as_text=True)
    assert record["audit_hash"] in shown and f"#{record['audit_seq']}" in shown

    # What the README tells anyone to do, with sha256 only: the content hashes to the code, the
    # event hashes to the hash the entry shows and carries the content's hash, and an anchor covers it.
    answer = client.get(f"/public/api/verify/{record['code']}").json
    content = hashlib.sha256(answer["content"].encode("utf-8")).hexdigest()
    assert content.startswith(record["code"].replace("-", "")) and content == answer["content_sha256"]
    event = hashlib.sha256(answer["event"]["text"].encode("utf-8")).hexdigest()
    assert event == record["audit_hash"] == answer["event"]["hash"] and content in answer["event"]["text"]
    assert answer["anchor"] is None or answer["anchor"]["seq"] >= record["audit_seq"]


def test_the_worker_anchors_and_the_cli_lists(ctx, tmp_path, monkeypatch):
    if not ctx.database.url.startswith("sqlite"):
        return                      # the CLI reads XIAOWEI_DATABASE_URL: once, on SQLite, is enough
    walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"), days_ago=3)
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", ctx.database.url)
    tomorrow = (clock.now() + timedelta(days=1)).isoformat()
    run = CliRunner().invoke(cli, ["worker", "--once", "--now", tomorrow])
    assert run.exit_code == 0 and "audit anchor" in run.output, run.output
    listed = CliRunner().invoke(cli, ["audit", "anchors"])
    assert listed.exit_code == 0
    with ctx.uow(readonly=True) as uow:
        rows = [(row.day.isoformat(), row.hash) for row in uow.session.scalars(select(AuditAnchor))]
    assert rows and all(day in listed.output and hash_ in listed.output for day, hash_ in rows)
