"""The worker's share of complaints, run after the timers on every poll: register what villagers
filed on the portal, record the ratings they left online, deliver the notification outbox."""
from __future__ import annotations

import logging

from ...identity import Actor
from ...notify_adapters import adapter_for
from ..notifications import deliver_due
from .intake import register_submitted
from .ratings import apply_online_ratings
from .views import ComplaintJobs

log = logging.getLogger("xiaowei.worker")


def run_complaint_jobs(ctx, adapter=None) -> ComplaintJobs:
    """Register, record the ratings, deliver; what was done (the CLI prints it). Raises what
    deliver_due raises (register_submitted and apply_online_ratings raise nothing of a case)."""
    system = Actor.system()
    registered = register_submitted(ctx, system)
    rated = apply_online_ratings(ctx, system)
    delivered = deliver_due(ctx, adapter or adapter_for(ctx.settings))
    if registered or rated or delivered.sent or delivered.failed:
        log.info("complaints: %s registered, %s ratings recorded, %s notifications sent, %s failed",
                 len(registered), len(rated), delivered.sent, delivered.failed)
    return ComplaintJobs(registered=tuple(registered), rated=tuple(rated), sent=delivered.sent, failed=delivered.failed)
