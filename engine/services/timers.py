"""The timer worker's use case: advance every matter whose timer is due."""
from __future__ import annotations

import logging

from .. import clock
from ..errors import ExpressionLimit
from . import objections
from .persistence import load_matter, save_matter

log = logging.getLogger("xiaowei.worker")


def advance_due_timers(ctx, actor, limit: int | None = None, progress=None) -> list[dict]:
    """Fire due timers, one matter per unit of work, until none is due at the engine clock.

    Each matter is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers can run:
    a matter another worker holds is skipped, and one it has just advanced is no longer due."""
    done, seen = [], set()
    while limit is None or len(done) < limit:
        with ctx.uow() as uow:
            now = clock.now()
            record = uow.matters.claim_next_due(now, exclude=seen)
            if record is None:
                break
            seen.add(record.id)
            late = (now - record.next_timer_due).total_seconds()    # the workers' lag, for the metrics
            matter = load_matter(ctx, uow, record)
            try:
                events = matter.fire_due_timers()
            except ExpressionLimit as exc:
                # No one to refuse: the matter, as it was before the timer, becomes an incident.
                matter = load_matter(ctx, uow, record)
                matter.error = f"{exc.message}：{'；'.join(exc.errors.values())}"
                events = [("engine_error", {"element": None, "reason": matter.error, "message": matter.error})]
            events += objections.held_events(uow, record, matter, now)     # a period an objection holds
            save_matter(uow, record, matter, actor, events=events, now=now)
            uow.commit()
        fired = [payload["name"] for name, payload in events if name == "timer_fired"]
        log.info("matter %s: fired %s, now %s", record.id, fired, record.status)
        done.append({"matter_id": record.id, "fired": fired, "status": record.status, "late_seconds": late})
        if progress:
            progress(done[-1])
    return done
