"""Frozen views of stored rows: what the services answer (issue 18, item 4: typed boundaries).

A view is built inside the unit of work from the rows it reads and is immutable afterwards: it holds
no ORM row, so nothing a caller does with it reaches the database, and a field added or renamed is
one edit here that a type checker and the tests follow. The API schemas serialize views by attribute
(marshmallow reads attributes as it reads keys); the pages read them by attribute (Jinja's `m.status`).
Where JSON is needed from a view, the boundary says so with `dataclasses.asdict`.

The core family: a matter (`MatterSummary` in lists, `MatterView` after an action), a step
(`StepView`), an audit event (`EventView`); and the answers that add to them, each its own class
(`StartedMatter`, `MatterDetail`, `InboxStep`, `TaskDetail`, `PreviewMatter`, `PreviewStep`).
The workers' and the command line's answers are views too (`TimerRun`, `Deliveries`, `TalliesRebuilt`),
and 考核 (`AssessmentReport` of `UnitAssessment`s).
Beside them: incidents, warnings, the objections filed online that a matter's and a step's pages
hold (`PublicObjectionView`, `ObjectionWithContact`), and what a red-line run did (`RuleCounts`,
`SweepTotals`). The complaint cases have their own module, engine/services/complaints/views.py.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, TypeVar

from ..vocabulary import MatterStatus, Severity, StepStatus, WarningStatus, matter_status_label
from .attachment_views import AttachmentView

View = TypeVar("View")


def role_name(ctx, code: str) -> str:
    role = ctx.role(code)
    return role.name if role else code


@dataclass(frozen=True, slots=True)
class TimerView:
    """A timer the matter waits on (a publicity period, a time limit)."""
    element: str
    name: str | None
    due: str                      # ISO-8601 UTC, as stored
    held: bool = False            # a publicity period held past its end for an online objection


@dataclass(frozen=True, slots=True)
class StepView:
    """A step of a matter as the to-do list holds it: ready, completed or closed."""
    id: str                       # the task id
    matter_id: int
    process_key: str              # the item the step belongs to (a called item's own key)
    step_id: str
    name: str
    objection_intake: bool
    role: str
    role_name: str
    village: str
    township: str
    ready_since: datetime
    due_at: datetime | None
    claimed_by: str | None
    state: StepStatus
    completed_by: str | None
    completed_at: datetime | None


@dataclass(frozen=True, slots=True)
class InboxStep(StepView):
    """A step of a to-do list, with the objections filed online waiting on it (an intake step)."""
    public_objections_waiting: int


@dataclass(frozen=True, slots=True)
class ToDoPage:
    """我的待办's page: a page of ready steps, the list's total, how many of the whole list are past
    their time limit, the subjects of the page's matters by number, and how many warnings assigned
    to a unit the actor answers for wait for its answer (交办预警)."""
    steps: tuple[InboxStep, ...]
    total: int                    # a Count: exact or capped, with the next page's cursor
    overdue: int                  # a Count too, over the whole list
    subjects: dict[int, str]
    warnings_to_answer: int = 0


@dataclass(frozen=True, slots=True)
class PreviewStep(StepView):
    """A ready step of a test matter (试运行) with its form, for the preview page."""
    form: tuple[dict, ...]


@dataclass(frozen=True, slots=True)
class MatterSummary:
    """A matter as a list shows it."""
    id: int
    process_key: str
    village: str
    township: str
    subject: str
    status: MatterStatus
    status_name: str
    outcome: str | None
    amount: float | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    next_timer_due: datetime | None
    sandbox: bool


@dataclass(frozen=True, slots=True)
class MatterView(MatterSummary):
    """A matter with its data, its ready steps and the timers it waits on: the answer to an action."""
    version_id: int
    data: dict[str, Any]
    params: dict[str, Any]
    error: str | None
    ready_steps: tuple[StepView, ...]
    waiting_timers: tuple[TimerView, ...]
    archived_at: datetime | None           # set once `xiaowei archive` moved it


@dataclass(frozen=True, slots=True)
class StartedMatter(MatterView):
    """The answer to a start: `replayed` when an earlier request with the same idempotency key
    started it (the matter that one started, not a second one)."""
    replayed: bool


@dataclass(frozen=True, slots=True)
class MatterLinkView:
    """Another matter this one cites (or that cites this one), through the citing matter's `field`
    (engine/services/links.py)."""
    matter_id: int
    subject: str
    process_key: str
    process_name: str
    status: MatterStatus
    status_name: str
    field: str
    field_label: str
    linked_at: datetime


@dataclass(frozen=True, slots=True)
class MatterLinks:
    """The matters a matter cites and those citing it, each only if the reader may see it."""
    cites: tuple[MatterLinkView, ...]
    cited_by: tuple[MatterLinkView, ...]


@dataclass(frozen=True, slots=True)
class MatterDetail(MatterView):
    """A matter's page: the matter with its evidence files, the objections filed online and its
    links to other matters (an archived matter: its files only)."""
    attachments: tuple[AttachmentView, ...]
    public_objections: tuple[PublicObjectionView, ...] | None = None
    links: MatterLinks | None = None


@dataclass(frozen=True, slots=True)
class PreviewMatter(MatterView):
    """A test matter after a step, with the test user who did it (试运行·角色)."""
    done_by: str


@dataclass(frozen=True, slots=True)
class PublicObjectionView:
    """An objection a villager filed on the public portal during a publicity period, as the workspace
    shows it (engine/services/objections.py): who may not know the objector gets this, without
    name and phone (the fields are absent, not empty: the API leaves them out)."""
    id: int
    text: str
    received_at: datetime
    task_id: str                  # the objection-intake step it waits on
    registered_at: datetime | None
    registered_by: str | None
    audit_seq: int | None
    dismissed_at: datetime | None
    dismissed_by: str | None
    dismissal_reason: str | None  # why the committee did not take it up (不予受理)


@dataclass(frozen=True, slots=True)
class ObjectionWithContact(PublicObjectionView):
    """An objection with the objector's name and phone (None: not given), for the intake step's role
    and the supervisors, who may need to ask back."""
    name: str | None
    phone: str | None


@dataclass(frozen=True, slots=True)
class StepObjections:
    """The objections filed online on an intake step, and the step's form values prefilled from those
    still waiting (empty for a step that takes no objections)."""
    public_objections: tuple[PublicObjectionView, ...]
    suggested_data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ObjectionDismissed:
    """The answer to 不予受理: the objection, its matter afterwards, and whether a period held for it
    passed just now."""
    objection: ObjectionWithContact
    matter_id: int
    status: MatterStatus
    period_passed: bool


@dataclass(frozen=True, slots=True)
class TaskDetail(StepView):
    """A step's page: the step with its form (bounds worked out), its matter, the data so far and
    whether the actor may act on it."""
    form: tuple[dict, ...]
    matter: MatterSummary
    data: dict[str, Any]
    policy_basis: str | None
    attachments: tuple[AttachmentView, ...]
    may_act: bool
    public_objections: tuple[PublicObjectionView, ...]
    suggested_data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class EventView:
    """An audit event, as hashed into the chain."""
    seq: int
    at: str                       # the exact ISO text that was hashed
    event: str
    actor: str
    matter_id: int | None
    payload: dict[str, Any]
    hash: str
    prev_hash: str


@dataclass(frozen=True, slots=True)
class IncidentView:
    """A matter the engine could not run on (engine/services/incidents.py): where, why, and what was done about it."""
    id: int
    matter_id: int
    process_key: str
    subject: str
    village: str
    township: str
    process: str | None           # the (called) process that failed
    file: str | None
    element: str | None           # the BPMN element that failed
    element_name: str | None
    reason: str                   # why, in Chinese
    detail: str                   # the engine's own message
    occurred_at: datetime
    attempts: int
    state: str                    # open, retried or cancelled
    state_name: str
    resolved_by: str | None
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class WarningHistoryEntry:
    """One entry of a warning's 督办 history: who did what, when, and what they said."""
    at: str                       # ISO-8601, as recorded
    actor: str
    action: str                   # raised, updated, reopened, cleared, dismissed, assigned, answered, ...
    action_name: str
    note: str
    details: dict[str, Any]       # what the action recorded besides (reason; unit and due; late; accepted; to...)


@dataclass(frozen=True, slots=True)
class WarningView:
    """A red-line warning (预警) as a list shows it (engine/services/warnings.py)."""
    id: int
    rule: str                     # R1..R22 of processes/redlines.toml
    rule_name: str
    check: str
    severity: Severity
    severity_name: str
    status: WarningStatus
    status_name: str
    village: str
    township: str
    matters: tuple[int, ...]      # the matters it names
    text: str
    evidence: dict[str, Any]
    first_seen_at: datetime
    last_seen_at: datetime
    cleared_at: datetime | None
    assigned_unit: str | None
    assigned_due: datetime | None
    overdue: bool                 # 交办 past its deadline
    escalation_level: int


@dataclass(frozen=True, slots=True)
class WarningDetail(WarningView):
    """A warning's page, and the answer to an action on it: with its rule's description and its history."""
    history: tuple[WarningHistoryEntry, ...]
    rule_description: str
    field_labels: dict[str, str]  # form field -> its label, for evidence that names a field
    actions: tuple[str, ...]      # what the reader may do to it now: assigned, answered, verified, returned, closed, dismissed


@dataclass(frozen=True, slots=True)
class TimerRun:
    """What the timer worker did to one matter (engine/services/timers.py)."""
    matter_id: int
    fired: tuple[str, ...]        # the names of the timers that fired
    status: MatterStatus          # the matter's, after
    late_seconds: float           # how long after its due time the timer was fired (the workers' lag)


@dataclass(frozen=True, slots=True)
class Deliveries:
    """What a round of the notification outbox did (engine/services/notifications.py)."""
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class TalliesRebuilt:
    """The 考核 tallies counted again (engine/services/tallies.py): the rows written."""
    rows: int


@dataclass(frozen=True, slots=True)
class AssessmentPeriod:
    kind: str                     # month, quarter or year
    year: int
    number: int
    name: str                     # 2026年第4季度
    start: datetime               # [start, end) in UTC of the Beijing period
    end: datetime


@dataclass(frozen=True, slots=True)
class UnitAssessment:
    """A village's (or a township's totals') 考核 figures for a period (engine/services/statistics.py).
    `by_item`, `warnings` and `rates` are keyed as the data is: by item, by severity (then open and
    closed), by the weights' names of processes/assessment.toml."""
    code: str
    name: str
    level: str                    # village or township
    township: str | None
    matters: int
    completed: int
    by_item: dict[str, int]
    steps_due: int                # steps completed in the period that had a time limit
    steps_on_time: int            # ... of them completed within it
    steps_late_open: int          # steps not done whose time limit fell in the period: late, counted as due
    overdue_now: int
    published: int
    publicity_flagged: int
    evidence_fields: int
    evidence_filled: int
    complaints: int
    complaints_closed: int
    warnings: dict[str, dict[str, int]]
    warning_points: int
    rates: dict[str, float | None]
    score: float | None


@dataclass(frozen=True, slots=True)
class AssessmentReport:
    """考核 of a period: the villages' figures and rates, their townships' totals, the weights."""
    period: AssessmentPeriod
    weights: dict[str, float]
    villages: tuple[UnitAssessment, ...]
    townships: tuple[UnitAssessment, ...]


@dataclass(frozen=True, slots=True)
class RuleCounts:
    """What one run of the red lines did to the warnings (engine/services/redlines.py)."""
    raised: int
    updated: int
    cleared: int                  # lifted, or marked cleared while its 督办 goes on


@dataclass(frozen=True, slots=True)
class SweepTotals:
    """A sweep of every rule over every village (or some), as recorded on its sweep row."""
    villages: int
    matters: int
    raised: int
    updated: int
    cleared: int
    escalated: int                # overdue 交办 sent a level up


def extended(view, cls: type[View], **extra) -> View:
    """`view` as its subclass `cls`, with the fields that class adds (a shallow copy: nested views stay views)."""
    return cls(**{f.name: getattr(view, f.name) for f in fields(view)}, **extra)


def _summary_values(record) -> tuple:
    """MatterSummary's fields of a matter row, in their order (positional: the step path builds one per step)."""
    return (record.id, record.process_key, record.village_code, record.township_code, record.subject,
            MatterStatus(record.status), matter_status_label(record.status), record.outcome,
            float(record.amount) if record.amount is not None else None, record.created_by, record.created_at,
            record.updated_at, record.ended_at, record.next_timer_due, bool(getattr(record, "sandbox", False)))


def matter_summary(ctx, record) -> MatterSummary:
    return MatterSummary(*_summary_values(record))


def matter(ctx, record, ready_items, cls: type[View] = MatterView, *, reads: frozenset | None, **extra) -> View:
    """The matter of `record` with `ready_items` (inbox rows) as its ready steps; as `cls` (a
    subclass of MatterView) with the fields it adds.

    `params` holds the township parameters in force at the start that the item reads (`reads`: its
    bundle's, engine/definitions.Bundle.reads), the ones that decide its path, bounds and deadlines;
    a township has some 200, and every answer to a step carrying them all was a third of its bytes
    (issue 17). `reads=None` keeps them all: the dossier's flowchart words a township's telephones."""
    params = record.params if reads is None else {k: v for k, v in record.params.items() if k in reads}
    return cls(*_summary_values(record), version_id=record.definition_id, data=record.data, params=params,
               error=record.error, ready_steps=tuple(task_summary(ctx, item) for item in ready_items),
               waiting_timers=tuple(timer(t) for t in record.waiting_timers or ()),
               archived_at=getattr(record, "archived_at", None), **extra)


def timer(stored: dict) -> TimerView:
    return TimerView(stored["element"], stored.get("name"), stored["due"], bool(stored.get("held")))


def task_summary(ctx, item, cls: type[View] = StepView, **extra) -> View:
    """The step of `item` (an inbox row); as `cls` (a subclass of StepView) with the fields it adds."""
    return cls(id=item.task_id, matter_id=item.matter_id, process_key=item.process_key, step_id=item.step_id,
               name=item.step_name, objection_intake=bool(item.objection_intake), role=item.role,
               role_name=role_name(ctx, item.role), village=item.village_code, township=item.township_code,
               ready_since=item.ready_since, due_at=item.due_at, claimed_by=item.claimed_by,
               state=StepStatus(item.state), completed_by=item.completed_by, completed_at=item.completed_at, **extra)


def public_objection(row, contact: bool) -> PublicObjectionView:
    """The objection of a public_objections row; with the objector's name and phone when `contact`."""
    values = dict(id=row.id, text=row.text, received_at=row.received_at, task_id=row.task_id,
                  registered_at=row.registered_at, registered_by=row.registered_by, audit_seq=row.audit_seq,
                  dismissed_at=row.dismissed_at, dismissed_by=row.dismissed_by, dismissal_reason=row.dismissal_reason)
    return ObjectionWithContact(**values, name=row.name, phone=row.phone) if contact else PublicObjectionView(**values)


def event(row) -> EventView:
    return EventView(seq=row.seq, at=row.at, event=row.event, actor=row.actor, matter_id=row.matter_id,
                     payload=row.payload, hash=row.hash, prev_hash=row.prev_hash)
