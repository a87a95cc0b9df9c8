"""What a red-line rule reads: a matter as plain, frozen facts.

Built by the services from the stored row, its audit events and its ready steps (never from the
workflow state), so a rule is a pure function over values a test can write down by hand.
Times are aware UTC datetimes; `day()` turns one into the Beijing calendar date people typed
beside it (a contract's 签订日期 is a Beijing date)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8))


def day(at: datetime) -> date:
    """The Beijing date of a UTC time."""
    return at.astimezone(BEIJING).date()


def as_date(value) -> date | None:
    """A typed date field ("2026-03-01") as a date; None if missing or not a date."""
    if isinstance(value, datetime):
        return day(value)
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def as_number(value) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class StepRecord:
    """One completed step: which, when (recorded by the system), by whom, with what data."""
    step: str
    at: datetime
    actor: str = ""
    data: dict = field(default_factory=dict)
    process_key: str = ""
    name: str = ""                 # the step's name as it was done (its id where the record has none)
    actor_name: str = ""           # who did it, as people know them (their display name)

    @property
    def by(self) -> str:
        """Who did the step, in the words a warning's text uses: the name, else the login."""
        return self.actor_name or self.actor


def _is(record: StepRecord, step: str) -> bool:
    if "." in step:
        process, _, step_id = step.partition(".")
        return record.step == step_id and record.process_key == process
    return record.step == step


@dataclass(frozen=True)
class ReadyStep:
    step: str
    name: str
    ready_since: datetime
    due_at: datetime | None = None
    role: str = ""


@dataclass(frozen=True)
class MatterFacts:
    id: int
    process_key: str
    village: str
    township: str
    subject: str
    status: str = "running"
    outcome: str | None = None
    amount: float | None = None
    data: dict = field(default_factory=dict)        # start data + every submitted field (latest)
    params: dict = field(default_factory=dict)      # township parameters copied at start
    created_at: datetime | None = None
    ended_at: datetime | None = None
    created_by: str = ""
    steps: tuple = ()                               # StepRecord, in the order they were done
    ready: tuple = ()                               # ReadyStep
    now: datetime | None = None                     # the time the facts are read at (time limits)

    def last(self, step: str) -> StepRecord | None:
        """The latest completion of a step (a rework loop may have done it several times).
        `process.step` names a step of a called process (major_decision.publish_result)."""
        for record in reversed(self.steps):
            if _is(record, step):
                return record
        return None

    def first(self, step: str) -> StepRecord | None:
        for record in self.steps:
            if _is(record, step):
                return record
        return None

    def done(self, step: str) -> bool:
        return self.last(step) is not None

    def value(self, name: str):
        return self.data.get(name)

    def number(self, name: str) -> float | None:
        return as_number(self.data.get(name))

    def date(self, name: str) -> date | None:
        return as_date(self.data.get(name))

    def after(self, record: StepRecord) -> list[StepRecord]:
        """The steps completed after this one."""
        return [r for r in self.steps if r.at > record.at]

    @property
    def year(self) -> int | None:
        return day(self.created_at).year if self.created_at else None


@dataclass(frozen=True)
class RoleHolder:
    """A user holding a role in a village (for conflicting roles)."""
    username: str
    display_name: str
    role: str
    unit: str


@dataclass(frozen=True)
class RelatedParty:
    """An entry of a village's kinship and interest register (亲属及利益关系登记): a cadre and a
    person or company related to them."""
    village: str
    cadre: str
    party: str
    relation: str


@dataclass(frozen=True)
class OpenObjection:
    """An objection filed online that the 村务监督委员会 never registered."""
    id: int
    matter_id: int
    received_at: datetime
    period_closed: bool          # the publicity step it was filed against is no longer open


@dataclass(frozen=True)
class VillageFacts:
    """Everything cross-matter rules read about one village."""
    code: str
    township: str
    matters: tuple = ()             # MatterFacts
    holders: tuple = ()             # RoleHolder
    related: tuple = ()             # RelatedParty
    objections: tuple = ()          # OpenObjection
    now: datetime | None = None

    def of(self, *process_keys: str) -> list[MatterFacts]:
        return [m for m in self.matters if m.process_key in process_keys]
