"""The worker's share of complaints on every poll, in two parts around the timers: before them,
register what villagers filed on the portal and record the ratings they left online; after them,
deliver the notification outbox (with what the timers just said)."""
from __future__ import annotations

import logging

from ...identity import Actor
from ...notify_adapters import adapter_for
from ..notifications import deliver_due
from .intake import register_submitted
from .ratings import apply_online_ratings
from .views import ComplaintJobs

log = logging.getLogger("xiaowei.worker")


def take_in(ctx) -> ComplaintJobs:
    """Register the complaints filed online and record the ratings left online. Run before the
    timers: a rating left before its period ended must reach its step before the period's timer
    fires, which would close the case as not rated and drop the rating. Raises nothing of a case."""
    system = Actor.system()
    registered = register_submitted(ctx, system)
    rated = apply_online_ratings(ctx, system)
    if registered or rated:
        log.info("complaints: %s registered, %s ratings recorded", len(registered), len(rated))
    return ComplaintJobs(registered=tuple(registered), rated=tuple(rated), sent=0, failed=0)


def deliver(ctx, adapter=None) -> ComplaintJobs:
    """Send the notifications due (a failed one is tried again later, never lost)."""
    delivered = deliver_due(ctx, adapter or adapter_for(ctx.settings))
    if delivered.sent or delivered.failed:
        log.info("notifications: %s sent, %s failed", delivered.sent, delivered.failed)
    return ComplaintJobs(registered=(), rated=(), sent=delivered.sent, failed=delivered.failed)


def run_complaint_jobs(ctx, adapter=None) -> ComplaintJobs:
    """Both parts at once, where no timer runs between them."""
    taken, sent = take_in(ctx), deliver(ctx, adapter)
    return ComplaintJobs(registered=taken.registered, rated=taken.rated, sent=sent.sent, failed=sent.failed)
