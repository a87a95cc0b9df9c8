"""Frozen views of what the county's operators and supervisors keep besides matters and items: the
audit chain's verification (audit.py) and its daily anchors (anchors.py), archiving (archives.py),
backups (backups.py), the working-day calendar (calendar.py) and the villages' kinship registers
(registers.py) (issue 18, item 4: typed boundaries).

A module of its own, next to those services, rather than more classes in views.py (the matter
family) or definition_views.py / people_views.py: these are run from the command line and the
supervisors' pages, change with the store's operations, and are read by no matter page; each family's
fields are edited next to its services. A backup's manifest stays the document the backup file holds
(a dict, as written into the file and read back from it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class ChainCheck:
    """The audit chain verified from its checkpoint (or from the first event): the first broken link named."""
    ok: bool
    events: int
    last_hash: str
    broken_seq: int | None
    problem: str | None
    from_seq: int                 # verified from the event after this one (the checkpoint; 0: the first)
    checkpoint_at: datetime | None
    full_at: datetime | None      # when the whole chain was last recomputed
    anchors: int                  # published daily anchors checked against the chain


@dataclass(frozen=True, slots=True)
class AnchorMismatch:
    """The first published anchor the chain no longer matches: the records before it were changed."""
    day: date
    seq: int
    problem: str


@dataclass(frozen=True, slots=True)
class AnchorView:
    """A day's audit anchor: the chain's head at the day's end (Beijing time), as published."""
    day: str                      # ISO date
    seq: int
    hash: str
    events_that_day: int
    anchored_at: datetime


@dataclass(frozen=True, slots=True)
class ArchiveTotals:
    """What `xiaowei archive` moved out of the hot tables."""
    instances: int
    inbox: int
    attachments: int
    batches: int


@dataclass(frozen=True, slots=True)
class BackupTaken:
    """A backup written: its manifest (the document in the file), the file's size and sha256, the seconds taken."""
    manifest: dict[str, Any]
    size: int
    sha256: str
    seconds: float


@dataclass(frozen=True, slots=True)
class RestoreReport:
    """A backup restored: what it held, the attachments checked, the schema migrated, the chain verified."""
    created_at: str
    database: str                 # sqlite or postgresql
    row_counts: dict[str, int]
    audit_head: dict[str, Any]
    attachments_checked: int
    schema_upgraded: bool
    chain: ChainCheck
    seconds: float


@dataclass(frozen=True, slots=True)
class CalendarDay:
    date: date
    name: str


@dataclass(frozen=True, slots=True)
class CalendarYear:
    """A year's statutory holidays and adjusted working days (调休上班), and who set them."""
    year: int
    source: str
    updated_by: str
    updated_at: datetime
    holidays: tuple[CalendarDay, ...]
    workdays: tuple[CalendarDay, ...]


@dataclass(frozen=True, slots=True)
class RelatedParty:
    """An entry of a village's kinship and interest register (亲属及利益关系登记)."""
    id: int
    village: str
    cadre: str
    party: str                    # a person or a company
    relation: str
    added_by: str
    added_at: datetime


def calendar_year(year, updated_by, updated_at) -> CalendarYear:
    """`year` (an engine.workdays arrangement) as stored, with who stored it when."""
    return CalendarYear(year=year.year, source=year.source, updated_by=updated_by, updated_at=updated_at,
                        holidays=tuple(CalendarDay(d, n) for d, n in year.holidays),
                        workdays=tuple(CalendarDay(d, n) for d, n in year.workdays))


def anchor(row) -> AnchorView:
    return AnchorView(day=row.day.isoformat(), seq=row.seq, hash=row.hash, events_that_day=row.events_that_day,
                      anchored_at=row.anchored_at)


def related_party(row) -> RelatedParty:
    return RelatedParty(id=row.id, village=row.village_code, cadre=row.cadre, party=row.party, relation=row.relation,
                        added_by=row.added_by, added_at=row.added_at)
