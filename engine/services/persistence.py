"""Loading a matter from its row and saving it back with its side tables and audit events."""
from __future__ import annotations

import logging

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from ..expressions import evaluate
from ..runtime import SERIALIZER_VERSION, Matter
from ..store.repositories import search_text
from ..vocabulary import MatterStatus, StepStatus
from ..workdays import BEIJING, WorkingDays, end_of_day
from .complaints.tracking import track as track_complaint
from . import tallies
from .publishing import publish_after_action
from .withholding import sync_withheld

WHOLE_DAYS = {"years", "months", "weeks", "days"}    # an ISO duration without a time part
log = logging.getLogger("xiaowei.services")


def load_matter(ctx, uow, record) -> Matter:
    """The matter of a row: to act on it, the workflow this process saved it from when the row still
    holds exactly that (store/db.ParsedStates), else parsed from the row; to read, always parsed."""
    bundle = ctx.bundles.of_version(uow, record.definition_id)
    workflow = None if uow.readonly else uow.database.workflows.take(record.id, record.state, bundle)
    matter = Matter.resume(bundle, workflow, record.params) if workflow is not None else \
        Matter.load(bundle, record.state, record.params)
    # A publicity period with an online objection not yet handled is held past its end.
    matter.held = uow.public_objections.waiting_tasks(record.id) if bundle.has_objection_intake else ()
    return matter


def save_matter(uow, record, matter: Matter, actor, events: list, now,
                force_status: MatterStatus | None = None, completed=None) -> None:
    """Store the state, rebuild the inbox and the timer columns, append engine events, and write
    what the action published (engine/services/publishing.py). `completed`: the inbox row of the
    step the action completed, if any."""
    previous = record.status
    status = MatterStatus(force_status or matter.status)
    record.state = matter.dump()
    record.serializer_version = SERIALIZER_VERSION
    record.status = status
    record.outcome = matter.outcome() if status == MatterStatus.COMPLETED else None
    record.error = matter.error
    timers = [] if status.ended else matter.waiting_timers()
    record.waiting_timers = [{"element": t.element_id, "name": t.name, "due": t.due.isoformat(), **(
        {"held": True} if t.held else {})} for t in timers]
    due = [t for t in timers if not t.held]          # a held period waits for the committee, not the worker
    record.next_timer_due = due[0].due if due else None
    record.updated_at = now
    record.search_text = search_text(record.subject, record.data)
    ready = [] if status.ended else matter.ready_steps()
    calendar = _calendar_for(uow, now)
    uow.inbox.sync(record.id, [_inbox_item(record, step, now, calendar) for step in ready])
    step_dues = [row.due_at for row in uow.inbox.ready_for_matter(record.id) if row.due_at is not None]
    record.step_due_at = min(step_dues, default=None)         # "overdue now" searches read this
    for name, payload in events:
        uow.audit.append(name, actor.name, record.id, payload, now.isoformat())
        if name == "engine_error":
            _record_incident(uow, record, payload, now)
    if status != previous and status != MatterStatus.RUNNING:
        record.ended_at = now if status.ended else None
        if status == MatterStatus.COMPLETED:
            tallies.matter_completed(uow, record)
        if status != MatterStatus.CANCELLED:
            uow.audit.append(f"matter_{status}", actor.name, record.id,
                             {"outcome": record.outcome, "error": record.error}, now.isoformat())
    publish_after_action(uow, record, matter, actor, now, completed, ready)
    sync_withheld(uow, record, matter.bundle)               # who the matter is about may not see it
    track_complaint(uow, record, matter, actor, events, now, completed)   # a complaint's side table
    uow.saved[record.id] = (record, matter.bundle)          # for the red-line check after the commit
    uow.parsed[record.id] = (record.state, matter.bundle, matter.workflow)   # kept if the unit of work commits
    uow.matters.write(record)
    uow.flush()


def _record_incident(uow, record, payload: dict, now) -> None:
    """An incident for the administrators' list; a matter that fails again (a retry that did not
    help) keeps its one open incident, with the latest failure and one more attempt counted."""
    detail = payload.get("message") or ""
    failure = dict(occurred_at=now, process=payload.get("process"), file=payload.get("file"),
                   element=payload.get("element"), element_name=payload.get("element_name"),
                   detail=detail, reason=payload.get("reason") or detail)
    incident = uow.incidents.open_for(record.id)
    if incident is None:
        uow.incidents.add(matter_id=record.id, process_key=record.process_key, subject=record.subject,
                          village_code=record.village_code, township_code=record.township_code,
                          attempts=1, state="open", **failure)
        return
    incident.attempts += 1
    for column, value in failure.items():
        setattr(incident, column, value)


def _calendar_for(uow, now):
    """The working-day calendar, read only if a deadline counts working days (most do not)."""
    loaded = []

    def calendar():
        if not loaded:
            loaded.append(uow.calendar.calendar({now.year, now.year + 1, now.year + 2}))
        return loaded[0]
    return calendar


def _inbox_item(record, ready, now, calendar) -> dict:
    """The columns of a ready step's inbox row."""
    step = ready.step
    return dict(task_id=ready.task_id, state=StepStatus.READY, matter_id=record.id,
                process_key=step.process_key, step_id=step.id, step_name=step.name, role=ready.role,
                objection_intake=step.objection_intake, village_code=record.village_code,
                township_code=record.township_code, ready_since=now,
                due_at=_due(now, step.deadline, {**record.data, **record.params}, calendar))   # parameters win


def _due(start, deadline: str | None, data: dict, calendar):
    """When a step that became ready at `start` is due: its deadline is an ISO duration, or an
    expression over the matter's parameters and data giving one (days(dibao_review_days)) or giving
    working days (workdays(dibao_first_review_days), counted on the holiday calendar).

    A limit in whole days (weeks, months) runs as the law counts a period (民法典 Art. 201 and 203),
    as days() and working days do: to 24:00 Beijing time of its last day, so "P5D" from Monday
    10:00 is due at the end of Saturday, not at 10:00. A limit with hours is exact."""
    if not deadline:
        return None
    try:
        duration = evaluate(deadline, data)
        if isinstance(duration, WorkingDays):
            return calendar().due(start, duration.count)
        parsed = TimerEventDefinition.parse_iso_duration(duration)
    except Exception:  # noqa: BLE001 - a deadline that cannot be worked out is shown as none
        log.warning("deadline %r could not be evaluated", deadline)
        return None
    # The library's own ISO-duration arithmetic, so step deadlines count months as timers do.
    due = start + TimerEventDefinition.get_timedelta_from_start(parsed, start)
    return end_of_day(due.astimezone(BEIJING).date()) if set(parsed) <= WHOLE_DAYS else due
