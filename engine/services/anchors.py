"""The public audit anchor: each day's audit-chain head, stored by the timer worker and published.

`anchor_days` stores, for every Beijing calendar day that has ended and has no anchor yet, the
chain's head as it stood at the day's end (its last event's sequence number and hash, and how many
events the day added). The worker calls it on every pass; a day is anchored once (the table's
key), and a worker that was down anchors the days it missed when it comes back, from the same
stored events. The portal publishes the anchors (/public/anchors), the notice board prints the
newest, and `verify_chain` checks every stored anchor against the chain: a history rewritten after
an anchor was published no longer has that hash at that sequence number.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from .. import clock
from ..audit import GENESIS
from ..errors import Conflict
from ..noticeboard import BEIJING
from ..store.board_models import AuditAnchor

MAX_DAYS_PER_PASS = 400         # a long-idle worker catches up over a few passes, not in one transaction


def anchor_days(ctx, now: datetime | None = None) -> list[dict]:
    """Anchor every ended day not anchored yet; the anchors stored now (oldest first)."""
    now = now or clock.now()
    today = now.astimezone(BEIJING).date()
    try:
        with ctx.uow() as uow:
            last = uow.anchors.latest()
            first = _first_day(uow, last, today)
            made = []
            day = first
            while day is not None and day < today and len(made) < MAX_DAYS_PER_PASS:
                made.append(_anchor(uow, day, now))
                day += timedelta(days=1)
            views = [anchor_view(a) for a in made]
            if made:
                uow.commit()
            return views
    except Conflict:
        return []               # another worker anchored the same days first: nothing to do


def list_anchors(ctx, limit: int | None = None) -> list[dict]:
    with ctx.uow(readonly=True) as uow:
        return [anchor_view(a) for a in uow.anchors.newest_first(limit)]


def anchor_view(row: AuditAnchor) -> dict:
    return {"day": row.day.isoformat(), "seq": row.seq, "hash": row.hash, "events_that_day": row.events_that_day,
            "anchored_at": row.anchored_at}


def check_anchors(uow) -> dict | None:
    """The first stored anchor the chain no longer matches ({day, seq, problem}), or None."""
    for anchor in reversed(uow.anchors.newest_first()):
        if anchor.seq == 0:
            continue
        event = uow.anchors.chain_event(anchor.seq)
        if event is None or event.hash != anchor.hash:
            return {"day": anchor.day.isoformat(), "seq": anchor.seq,
                    "problem": f"第 {anchor.seq} 号事件与 {anchor.day.isoformat()} 公布的审计锚点不符：该锚点之前的记录被改动"}
    return None


def _first_day(uow, last: AuditAnchor | None, today: date) -> date | None:
    if last is not None:
        return last.day + timedelta(days=1)
    first_at = uow.anchors.first_event_at()
    if first_at is None:
        return None             # nothing to anchor before the first event
    return datetime.fromisoformat(first_at).astimezone(BEIJING).date()


def _anchor(uow, day: date, now: datetime) -> AuditAnchor:
    start = datetime(day.year, day.month, day.day, tzinfo=BEIJING).astimezone(timezone.utc)
    end = start + timedelta(days=1)
    seq, _ = uow.anchors.head_before(end.isoformat())
    head = uow.anchors.chain_event(seq) if seq else None
    row = AuditAnchor(day=day, seq=seq, hash=head.hash if head is not None else GENESIS,
                      events_that_day=uow.anchors.events_between(start.isoformat(), end.isoformat()),
                      anchored_at=now)
    return uow.anchors.add(row)
