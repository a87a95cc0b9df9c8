"""The notification outbox: messages are written in the unit of work of the event they tell of
(so none is lost when the action commits, and none exists when it rolls back), and the worker
delivers them through an adapter (engine/notify_adapters.py) with retries and back-off.

Delivery is at least once with an idempotency key per message: a worker holds a message for a
lease while sending it, records the delivery afterwards, and a message whose worker died before
recording is sent again after the lease, under the same key. A receiver that keeps the keys it has
seen (a webhook gateway does) so gets every message exactly once."""
from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from .. import clock
from ..notify_adapters import DeliveryFailed
from .views import Deliveries

log = logging.getLogger("xiaowei.notify")
LEASE = timedelta(minutes=5)           # a message held by a worker that died is retried after this
BATCH = 20
MAX_BACKOFF = timedelta(hours=1)


def enqueue(uow, event: str, recipient: dict, text: str, payload: dict, now, complaint_id: int | None = None) -> None:
    """Write a message in the caller's unit of work."""
    uow.outbox.add(key=uuid.uuid4().hex, event=event, complaint_id=complaint_id, recipient=recipient, text=text,
                   payload=payload, created_at=now, next_attempt_at=now, attempts=0)


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most an hour: never given up (never lost),
    however many attempts failed (the power is capped before it can outgrow a timedelta)."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_BACKOFF)


def deliver_due(ctx, adapter, limit: int | None = None) -> Deliveries:
    """Send what is due until nothing is, or `limit` messages were tried: how many were sent, how many failed."""
    sent = failed = 0
    while limit is None or sent + failed < limit:
        batch = _claim(ctx, BATCH if limit is None else min(BATCH, limit - sent - failed))
        if not batch:
            break
        for message in batch:
            try:
                adapter.send(message)
            except DeliveryFailed as exc:
                failed += 1
                _failed(ctx, message["id"], str(exc))
                continue
            except Exception as exc:  # noqa: BLE001 - an adapter's own fault: the message waits, the batch goes on
                log.exception("notification adapter %s failed on %s", type(adapter).__name__, message["key"])
                failed += 1
                _failed(ctx, message["id"], f"{type(exc).__name__}: {exc}")
                continue
            sent += 1
            _delivered(ctx, message["id"])
    return Deliveries(sent=sent, failed=failed)


def _claim(ctx, limit: int) -> list[dict]:
    """Messages due, held for the lease, as the adapter sees them (the reporter's phone is read
    now, from where it is kept, and never copied into the outbox)."""
    with ctx.uow() as uow:
        now = clock.now()
        rows = uow.outbox.claim_due(now, now + LEASE, limit)
        messages = [_message(uow, row) for row in rows]
        uow.commit()
        return messages


def _message(uow, row) -> dict:
    recipient = dict(row.recipient)
    if recipient.get("kind") == "reporter" and row.complaint_id is not None:
        reporter = uow.complaints.reporter(row.complaint_id)
        recipient["phone"] = reporter.phone if reporter else None
    return {"id": row.id, "key": row.key, "event": row.event, "recipient": recipient, "text": row.text,
            "payload": row.payload, "created_at": row.created_at.isoformat(), "attempt": row.attempts + 1}


def _delivered(ctx, message_id: int) -> None:
    with ctx.uow() as uow:
        row = uow.outbox.get(message_id)
        if row.delivered_at is None:
            row.delivered_at, row.claimed_until, row.attempts = clock.now(), None, row.attempts + 1
            row.last_error = None
        uow.commit()


def _failed(ctx, message_id: int, reason: str) -> None:
    with ctx.uow() as uow:
        row = uow.outbox.get(message_id)
        now = clock.now()
        row.attempts += 1
        row.claimed_until, row.last_error = None, reason[:500]
        row.next_attempt_at = now + backoff(row.attempts)
        log.warning("notification %s not delivered (attempt %s): %s", row.key, row.attempts, reason)
        uow.commit()
