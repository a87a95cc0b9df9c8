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

from datetime import datetime, timedelta

from .. import clock
from ..audit import GENESIS
from ..errors import Conflict
from ..noticeboard import BEIJING
from .operations_views import AnchorMismatch, AnchorView, anchor as anchor_view

MAX_DAYS_PER_PASS = 400         # a long-idle worker catches up over a few passes, not in one transaction


def anchor_days(ctx, now: datetime | None = None) -> list[AnchorView]:
    """Anchor every ended day not anchored yet; the anchors stored now (oldest first).

    A day's anchor is the chain's head at the day's end: the greatest sequence number of the
    events dated up to then (one pass over the events since the last anchor, however many days
    the worker missed)."""
    now = now or clock.now()
    today = now.astimezone(BEIJING).date()
    try:
        with ctx.uow() as uow:
            last = uow.anchors.latest()
            heads, counts = _by_day(uow.anchors.events_after(last.seq if last else 0))
            if last is None and not heads:
                return []                   # nothing to anchor before the first event
            first = last.day + timedelta(days=1) if last else min(heads)
            head = (last.seq, last.hash) if last else (0, GENESIS)
            for day in [d for d in heads if d < first]:         # dated before, appended after: folded in
                head = max(head, heads[day])
            made, day = [], first
            while day < today and len(made) < MAX_DAYS_PER_PASS:
                head = max(head, heads.get(day, head))
                made.append(uow.anchors.add(day=day, seq=head[0], hash=head[1],
                                            events_that_day=counts.get(day, 0), anchored_at=now))
                day += timedelta(days=1)
            views = [anchor_view(a) for a in made]
            if made:
                uow.commit()
            return views
    except Conflict:
        return []               # another worker anchored the same days first: nothing to do


def _by_day(events) -> tuple[dict, dict]:
    """{day: (greatest seq, its hash)} and {day: events} of (seq, at, hash) rows, Beijing days."""
    heads, counts = {}, {}
    for seq, at, hash_ in events:
        day = datetime.fromisoformat(at).astimezone(BEIJING).date()
        counts[day] = counts.get(day, 0) + 1
        if seq > heads.get(day, (0, ""))[0]:
            heads[day] = (seq, hash_)
    return heads, counts


def list_anchors(ctx, limit: int | None = None) -> list[AnchorView]:
    with ctx.uow(readonly=True) as uow:
        return [anchor_view(a) for a in uow.anchors.newest_first(limit)]


def check_anchors(uow) -> AnchorMismatch | None:
    """The first stored anchor the chain no longer matches, or None."""
    for anchor in reversed(uow.anchors.newest_first()):
        if anchor.seq == 0:
            continue
        event = uow.anchors.chain_event(anchor.seq)
        if event is None or event.hash != anchor.hash:
            return AnchorMismatch(day=anchor.day, seq=anchor.seq, problem=f"第 {anchor.seq} 号事件与 "
                                  f"{anchor.day.isoformat()} 公布的审计锚点不符：该锚点之前的记录被改动")
    return None
