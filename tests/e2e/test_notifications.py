"""The notification outbox delivered to a local webhook receiver exactly once (SQLite and
PostgreSQL): by `xiaowei worker --once` processes, a first one and, after it has exited, a second
one (a restart) that sends nothing again; a worker that dies between sending a message and
recording it (the receiver has it, the outbox does not know) is followed by one that sends it again
under the same idempotency key, which the receiver recognises: every message reaches it exactly
once. A receiver that fails is retried with back-off, and nothing is lost meanwhile."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from engine import clock
from engine.identity import Grant
from engine.notify_adapters import WebhookAdapter
from engine.services import Actor, Context, notifications
from engine.services.views import Deliveries
from engine.services.complaints import intake
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
from engine.store.complaint_models import OutboxMessage
from tests.settings import TEST_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
XIAOWEI = ROOT / ".venv" / "bin" / "xiaowei"
CLERK = Actor("clerk", frozenset({Grant("REPORTING_CLERK", "lushui_village")}))
FORM = {"category": "finance", "content": "保洁费收支没有公开明细", "channel": "phone"}


class Receiver:
    """A webhook gateway on 127.0.0.1: keeps every request, and the keys it has processed (a second
    request with a key it has seen is acknowledged and not processed again)."""

    def __init__(self, fail_first: int = 0):
        self.requests, self.processed, self.fail_first, self.signed = [], {}, fail_first, []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):                                       # noqa: N802 - http.server's name
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                body = json.loads(raw)
                receiver.signed.append((raw, self.headers.get("X-Xiaowei-Signature")))
                key = self.headers["Idempotency-Key"]
                receiver.requests.append((key, body))
                if len(receiver.requests) <= receiver.fail_first:
                    self.send_response(503)
                else:
                    receiver.processed.setdefault(key, body)
                    self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def ctx(database):
    context = Context(database, TEST_SETTINGS)
    sync_definitions(context)
    seed_demo(context, Actor.system(), with_users=False)
    return context


def outbox(ctx) -> list[OutboxMessage]:
    with ctx.uow() as uow:
        rows = list(uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        uow.session.expunge_all()
    return rows


def worker_process(database, receiver) -> subprocess.CompletedProcess:
    """One `xiaowei worker --once`: a process of its own, as systemd would start it."""
    env = {**os.environ, "XIAOWEI_DATABASE_URL": database.url, "XIAOWEI_NOTIFY_WEBHOOK_URL": receiver.url,
           "XIAOWEI_ENV": "test"}
    return subprocess.run([str(XIAOWEI), "worker", "--once"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_every_message_reaches_the_receiver_once_across_a_worker_restart(ctx, database, receiver):
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM, {"name": "李桂香", "phone": "13900001111"})
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM)
    ctx.database.dispose()                  # the worker processes use the database on their own
    messages = outbox(ctx)
    assert len(messages) == 3               # two to the 乡镇纪委, one to the reporter who left a phone
    first = worker_process(database, receiver)
    assert first.returncode == 0, first.stderr
    assert "3 notifications sent" in first.stdout
    second = worker_process(database, receiver)      # the worker restarted: nothing is due any more
    assert second.returncode == 0 and "0 notifications sent" in second.stdout
    keys = [key for key, _ in receiver.requests]
    assert sorted(keys) == sorted(m.key for m in messages) and len(set(keys)) == 3
    assert all(m.delivered_at is not None and m.attempts == 1 for m in outbox(ctx))
    reporter = next(body for _, body in receiver.requests if body["recipient"]["kind"] == "reporter")
    assert reporter["recipient"]["phone"] == "13900001111" and reporter["event"] == "new"
    role = next(body for _, body in receiver.requests if body["recipient"]["kind"] == "role")
    assert role["recipient"] == {"kind": "role", "role": "TOWNSHIP_DISCIPLINE", "org": "qingshan_town",
                                 "org_name": "青山镇", "users": []}
    assert "待受理" in role["text"]


class Crash(BaseException):
    """The worker process dying (not an error any code handles)."""


def test_a_worker_dying_after_sending_is_followed_by_the_same_message_once(ctx, receiver, monkeypatch):
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM, {"phone": "13900001111"})
    webhook = WebhookAdapter(receiver.url)
    at = clock.FixedClock(clock.now())
    recorded = notifications._delivered

    def die_after_the_first(context, message_id):
        raise Crash()
    with clock.use_clock(at):
        monkeypatch.setattr(notifications, "_delivered", die_after_the_first)
        with pytest.raises(Crash):
            notifications.deliver_due(ctx, webhook)
        monkeypatch.setattr(notifications, "_delivered", recorded)
        assert len(receiver.requests) == 1                    # sent, never recorded
        assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=0, failed=0)   # both held by the dead worker
        at.advance(notifications.LEASE + timedelta(seconds=1))  # its hold runs out
        assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=2, failed=0)
        assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=0, failed=0)
    keys = [key for key, _ in receiver.requests]
    assert len(keys) == 3 and len(set(keys)) == 2 and keys.count(keys[0]) == 2   # sent again under the same key
    assert set(receiver.processed) == {m.key for m in outbox(ctx)}           # each processed exactly once
    assert all(m.delivered_at is not None for m in outbox(ctx))


def test_a_failing_receiver_is_retried_with_back_off_and_nothing_is_lost(ctx):
    failing = Receiver(fail_first=2)
    try:
        intake.file_complaint(ctx, CLERK, "lushui_village", FORM)
        webhook, at = WebhookAdapter(failing.url), clock.FixedClock(clock.now())
        with clock.use_clock(at):
            assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=0, failed=1)
            (row,) = outbox(ctx)
            assert row.attempts == 1 and row.delivered_at is None and row.last_error == "HTTP 503"
            assert row.next_attempt_at == at.now() + timedelta(minutes=1)
            assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=0, failed=0)     # not yet due
            at.advance(timedelta(minutes=1))
            assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=0, failed=1)
            assert outbox(ctx)[0].next_attempt_at == at.now() + timedelta(minutes=2)
            at.advance(timedelta(minutes=2))
            assert notifications.deliver_due(ctx, webhook) == Deliveries(sent=1, failed=0)
        (row,) = outbox(ctx)
        assert row.delivered_at is not None and row.attempts == 3 and len(failing.processed) == 1
    finally:
        failing.close()
    assert notifications.backoff(30) == timedelta(hours=1)
    assert notifications.backoff(10_000) == timedelta(hours=1)       # a gateway down for weeks: still retried


class NotHttp:
    """A gateway that answers with something other than HTTP."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/hook"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                connection.recv(65536)
                connection.sendall(b"SMTP ready\r\n")


class Broken:
    """An adapter with a fault of its own on its first message."""

    def __init__(self):
        self.sent = []

    def send(self, message):
        if not self.sent:
            self.sent.append(None)
            raise RuntimeError("gateway adapter bug")
        self.sent.append(message["key"])


def test_a_gateway_that_is_not_http_or_an_adapter_fault_fails_the_message_not_the_worker(ctx):
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM)
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM)
    gateway = NotHttp()
    try:
        assert notifications.deliver_due(ctx, WebhookAdapter(gateway.url, timeout=5)) == Deliveries(sent=0, failed=2)
    finally:
        gateway.server.close()
    assert all(m.delivered_at is None and "BadStatusLine" in m.last_error for m in outbox(ctx))
    with clock.use_clock(clock.FixedClock(clock.now() + timedelta(minutes=2))):
        broken = Broken()
        assert notifications.deliver_due(ctx, broken) == Deliveries(sent=1, failed=1)   # the batch went on
    rows = outbox(ctx)
    assert sum(m.delivered_at is not None for m in rows) == 1
    (waiting,) = [m for m in rows if m.delivered_at is None]
    assert waiting.last_error == "RuntimeError: gateway adapter bug" and waiting.attempts == 2


def test_the_webhook_signs_the_body_with_the_shared_secret(ctx, receiver):
    import hashlib
    import hmac
    intake.file_complaint(ctx, CLERK, "lushui_village", FORM)
    assert notifications.deliver_due(ctx, WebhookAdapter(receiver.url, secret="s3cret")) == Deliveries(sent=1, failed=0)
    ((raw, signature),) = receiver.signed
    assert signature == "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
