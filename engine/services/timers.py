"""The timer worker's use case: advance every matter whose timer is due."""
from __future__ import annotations

import logging

from .. import clock
from ..errors import ExpressionLimit
from ..vocabulary import MatterStatus
from . import objections
from .persistence import load_matter, save_matter
from .views import TimerRun

log = logging.getLogger("xiaowei.worker")


def advance_due_timers(ctx, actor, limit: int | None = None, progress=None,
                       collect: bool = True) -> list[TimerRun]:
    """Fire due timers, one matter per unit of work, until none is due at the engine clock; what
    was done, one TimerRun per matter (with `collect=False` nothing is kept: the worker reports each
    through `progress`, and a backlog of a hundred thousand timers costs no more memory than one).

    Each matter is claimed with FOR UPDATE SKIP LOCKED on PostgreSQL, so several workers can run:
    a matter another worker holds is skipped, and one it has just advanced is no longer due. One
    still due right after (its next timer passed too) waits for the next pass: only those are
    remembered, so the claim's query stays short however long the backlog.

    Raises nothing for a matter that fails while its timer fires: it goes to status error (an
    incident) and the others go on."""
    done, again, count = [], set(), 0
    while limit is None or count < limit:
        with ctx.uow() as uow:
            now = clock.now()
            record = uow.matters.claim_next_due(now, exclude=again)
            if record is None:
                break
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
        if record.next_timer_due is not None and record.next_timer_due <= now:
            again.add(record.id)
        fired = [payload["name"] for name, payload in events if name == "timer_fired"]
        log.info("matter %s: fired %s, now %s", record.id, fired, record.status)
        row = TimerRun(matter_id=record.id, fired=tuple(fired), status=MatterStatus(record.status), late_seconds=late)
        count += 1
        if collect:
            done.append(row)
        if progress:
            progress(row)
    return done
