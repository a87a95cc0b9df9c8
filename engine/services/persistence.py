"""Loading a matter from its row and saving it back with its side tables and audit events."""
from __future__ import annotations

import logging

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..expressions import evaluate
from ..runtime import COMPLETED, SERIALIZER_VERSION, Matter
from ..store.models import InboxItem

ENDED = ("completed", "cancelled")
log = logging.getLogger("xiaowei.services")


def effective_parameters(ctx, uow, township_code: str) -> dict:
    """County defaults overridden by the township's own values."""
    values = {name: p.value for name, p in ctx.parameters.items()}
    values.update({k: v for k, v in uow.parameters.overrides(township_code).items() if k in values})
    return values


def load_matter(ctx, uow, instance) -> Matter:
    bundle = ctx.bundles.get(uow.definitions.get(instance.definition_id))
    return Matter.load(bundle, instance.state)


def save_matter(uow, instance, matter: Matter, actor, events: list, now, force_status: str | None = None) -> None:
    """Store the state, rebuild the inbox and the timer columns, append engine events."""
    previous = instance.status
    instance.state = matter.dump()
    instance.serializer_version = SERIALIZER_VERSION
    instance.status = force_status or matter.status
    instance.outcome = matter.outcome() if instance.status == COMPLETED else None
    instance.error = matter.error
    timers = [] if instance.status in ENDED else matter.waiting_timers()
    instance.waiting_timers = [{"element": t.element_id, "name": t.name, "due": t.due.isoformat()} for t in timers]
    instance.next_timer_due = timers[0].due if timers else None
    instance.updated_at = now
    ready = [] if instance.status in ENDED else matter.ready_steps()
    uow.inbox.sync(instance.id, [_inbox_item(instance, step, now) for step in ready])
    for name, payload in events:
        uow.audit.append(name, actor.name, instance.id, payload, now.isoformat())
    if instance.status != previous and instance.status in ENDED + ("error",):
        instance.ended_at = now if instance.status in ENDED else None
        if instance.status != "cancelled":
            uow.audit.append(f"matter_{instance.status}", actor.name, instance.id,
                             {"outcome": instance.outcome, "error": instance.error}, now.isoformat())
    uow.flush()


def _inbox_item(instance, ready, now) -> InboxItem:
    step = ready.step
    return InboxItem(task_id=ready.task_id, state="ready", instance_id=instance.id,
                     process_key=step.process_key, step_id=step.id, step_name=step.name, role=ready.role,
                     objection_intake=step.objection_intake, village_code=instance.village_code,
                     township_code=instance.township_code, ready_since=now,
                     due_at=_due(now, step.deadline, {**instance.params, **instance.data}))


def _due(start, deadline: str | None, data: dict):
    """When a step that became ready at `start` is due: its deadline is an ISO duration or an
    expression over the matter's parameters and data (days(dibao_review_days))."""
    if not deadline:
        return None
    try:
        duration = evaluate(deadline, data)
        parsed = TimerEventDefinition.parse_iso_duration(duration)
    except Exception:  # noqa: BLE001 - a deadline that cannot be worked out is shown as none
        log.warning("deadline %r could not be evaluated", deadline)
        return None
    # The library's own ISO-duration arithmetic, so step deadlines count months as timers do.
    return start + TimerEventDefinition.get_timedelta_from_start(parsed, start)
