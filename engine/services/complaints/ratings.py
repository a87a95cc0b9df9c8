"""Ratings villagers leave online with their 查询码 (the portal writes them on the case row): the
worker records each on the matter's rating step as the system, with 评价方式 查询码在线评价."""
from __future__ import annotations

from ...errors import Conflict, InvalidData, NotFound
from ..matters import complete_step
from .views import RatingApplied

RATING_STEPS = {"rate": "", "rerate": "re"}


def apply_online_ratings(ctx, actor, limit: int | None = None) -> list[RatingApplied]:
    """Record every rating left online on its case's rating step; a RatingApplied each.

    Raises nothing: a rating whose step is gone (the case moved on, or was refused) is reported
    with applied False and dropped, so one stale rating never stops the worker."""
    done, seen = [], set()
    while limit is None or len(done) < limit:
        with ctx.uow() as uow:
            complaint = uow.complaints.with_pending_rating(seen)
            if complaint is None:
                break
            complaint_id = complaint.id
            seen.add(complaint_id)
            pending = dict(complaint.pending_rating)
            step = next((r for r in uow.inbox.ready_for_matter(complaint.matter_id) if r.step_id in RATING_STEPS), None)
            if step is None:                     # no rating waited (any more): nothing to record
                complaint.pending_rating = None
                uow.commit()
                done.append(RatingApplied(complaint.id, applied=False))
                continue
            task_id, prefix = step.task_id, RATING_STEPS[step.step_id]
        data = {f"{prefix}rating": pending.get("rating"), f"{prefix}rating_channel": "online"}
        if pending.get("note"):
            data[f"{prefix}rating_note"] = pending["note"]
        try:
            complete_step(ctx, actor, task_id, data)
            done.append(RatingApplied(complaint_id, applied=True))
        except (Conflict, InvalidData, NotFound):
            done.append(RatingApplied(complaint_id, applied=False))
    return done
