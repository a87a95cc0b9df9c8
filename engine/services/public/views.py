"""Frozen views of what the portal shows (issue 18, item 4: typed boundaries), as engine/services/views.py
is for the workspace: the portal's services answer these, built inside the portal's unit of work from
the rows it reads, and holding no row.

A published record's fields (`RecordView.fields`) stay mappings, exactly as they were masked and put
in words at publication (engine/disclosure.py): the payload is published data, not a structure of
the portal's, and nothing here looks into it. The same goes for the words an asset register keeps
under the item's own labels, and for a township's telephones and values.

The pages read the views by attribute; the JSON answers and the answer digests turn them into plain
data with `dataclasses.asdict`, which gives the same keys the loose dicts had.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from ...definitions import list_metadata
from ...disclosure import SECTIONS, verify_code

View = TypeVar("View")


# -- where: a village, its township and county ---------------------------------------------------
@dataclass(frozen=True, slots=True)
class UnitRef:
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Place:
    """A village with the township and county it belongs to."""
    code: str
    name: str
    township: UnitRef | None
    county: UnitRef | None


def place_view(unit, township, county) -> Place:
    """The place of a village's unit row, with its township's and county's rows (or None)."""
    return Place(unit.code, unit.name, UnitRef(township.code, township.name) if township else None,
                 UnitRef(county.code, county.name) if county else None)


# -- the catalogue: the directory, a village's power list ----------------------------------------
@dataclass(frozen=True, slots=True)
class DirectoryNode:
    """A county, township or village of the directory, with the units under it."""
    code: str
    name: str
    level: str
    children: tuple[DirectoryNode, ...]


@dataclass(frozen=True, slots=True)
class VillageMatch:
    """A village found by a search, with its township's name."""
    code: str
    name: str
    township: str


@dataclass(frozen=True, slots=True)
class Directory:
    counties: tuple[DirectoryNode, ...]
    query: str
    matches: tuple[VillageMatch, ...]


@dataclass(frozen=True, slots=True)
class PowerItemSummary:
    """An item of the power list (权力清单) as the list shows it."""
    key: str
    name: str
    category: str | None
    special: bool                 # a township's own item
    list_code: str | None
    policy_basis: str | None
    executing_body: str | None
    supervising_body: str | None
    time_limit: str | None
    publicity: str | None


@dataclass(frozen=True, slots=True)
class PowerGroup:
    category: str | None
    items: tuple[PowerItemSummary, ...]


@dataclass(frozen=True, slots=True)
class PowerList:
    village: Place
    groups: tuple[PowerGroup, ...]


@dataclass(frozen=True, slots=True)
class PowerStep:
    name: str
    role: str                     # the role's name
    time_limit: str | None        # in words
    supervision: bool             # a supervision point (监督点)
    objection_intake: bool


@dataclass(frozen=True, slots=True)
class CalledItem:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class PublicationWords:
    """What a publicity point of an item publishes, in words."""
    where: str
    section: str
    stage: str
    title: str
    opens_objections: bool
    long_term: bool
    fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PowerItem(PowerItemSummary):
    """An item's page: the summary with its steps, outcomes, called items and publications."""
    steps: tuple[PowerStep, ...]
    outcomes: tuple[str, ...]
    calls: tuple[CalledItem, ...]
    publications: tuple[PublicationWords, ...]


@dataclass(frozen=True, slots=True)
class PowerItemPage:
    village: Place
    item: PowerItem


@dataclass(frozen=True, slots=True)
class FlowchartSource:
    """What an item's official flowchart is drawn from (the drawing is the web layer's)."""
    bpmn: bytes
    process_id: str
    parameters: dict[str, Any]    # the township's values in force
    process_names: dict[str, str]
    etag: str
    role_names: dict[str, str]


def power_summary(version, cls: type[View] = PowerItemSummary, **extra) -> View:
    """The list's view of a catalogue version row; as `cls` (PowerItem) with the fields it adds."""
    return cls(key=version.process_key, name=version.name, category=version.category,
               special=version.owner_org is not None, **list_metadata(version.info), **extra)


# -- published records ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Publicity:
    """A notice's publicity period: open while its intake step is ready; `held` once past its end
    with an objection filed online that the 村务监督委员会 has not handled."""
    open: bool
    ends_at: datetime | None
    held: bool


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """A file a record lists as public."""
    id: str
    name: str
    size: int


@dataclass(frozen=True, slots=True)
class RecordView:
    """A published record as the portal shows it."""
    id: int
    matter_id: int
    item: str
    item_name: str
    section: str
    section_name: str
    stage: str
    title: str
    role_name: str | None
    subject: str | None
    fields: tuple[dict[str, Any], ...]   # label, text, masked (and a list's table): as published, masked
    documents: tuple[DocumentRef, ...]
    published_at: datetime
    code: str                     # the verification code
    audit_seq: int | None
    audit_hash: str | None
    publicity: Publicity | None


@dataclass(frozen=True, slots=True)
class BoardEntry(RecordView):
    """A record on the notice board, with where its code is checked."""
    verify_path: str


def record_view(ctx, row) -> RecordView:
    """The view of a published record row."""
    return RecordView(**_record_values(ctx, row))


def board_entry(ctx, row) -> BoardEntry:
    values = _record_values(ctx, row)
    return BoardEntry(**values, verify_path=f"/public/verify/{values['code']}")


def _record_values(ctx, row) -> dict:
    role = ctx.role(row.role)
    return {"id": row.id, "matter_id": row.matter_id, "item": row.process_key, "item_name": row.item_name,
            "section": row.section, "section_name": SECTIONS.get(row.section, row.section), "stage": row.stage,
            "title": row.title, "role_name": role.name if role else None, "subject": row.subject,
            "fields": tuple({"label": f["label"], "text": f["text"], "masked": bool(f.get("masked")),
                             **({"table": f["table"]} if f.get("table") else {})} for f in row.fields),
            "documents": tuple(DocumentRef(d["id"], d["name"], d["size"]) for d in row.documents),
            "published_at": row.published_at, "code": verify_code(row.content_sha256), "audit_seq": row.audit_seq,
            "audit_hash": row.audit_hash, "publicity": publicity_view(row) if row.publicity_step else None}


def publicity_view(row) -> Publicity:
    open_ = row.publicity_task_id is not None
    return Publicity(open=open_, ends_at=row.publicity_ends_at, held=open_ and row.publicity_held_at is not None)


@dataclass(frozen=True, slots=True)
class MatterGroup:
    """A matter's records in a section (a project's stages), with the values their keys carry (the
    latest record wins) and a headline; `records` is None where a list shows only the headline."""
    matter_id: int
    item: str
    item_name: str
    subject: str
    keys: dict[str, Any]          # the definitions' keys (engine/disclosure.py KEYS) -> the published text
    key_labels: dict[str, str]    # the same keys -> the item's own labels
    amount: Any
    stages: tuple[str, ...]
    latest_at: datetime
    records: tuple[RecordView, ...] | None


@dataclass(frozen=True, slots=True)
class PublishedMatter(MatterGroup):
    """One matter's page in a section."""
    village: Place
    section: str
    section_name: str


@dataclass(frozen=True, slots=True)
class Overview:
    village: Place
    counts: dict[str, int]        # section -> records
    recent: tuple[RecordView, ...]
    open_publicity: int


@dataclass(frozen=True, slots=True)
class Section:
    village: Place
    section: str
    section_name: str
    page: int
    pages: int
    total: int
    matters: tuple[MatterGroup, ...]


@dataclass(frozen=True, slots=True)
class SectionHits:
    """The matters of one section a search found."""
    section: str
    section_name: str
    matters: tuple[MatterGroup, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """A search of a village's published records: what was asked, how many matters name it, and
    the first of them (SEARCH_LIMIT), by section."""
    village: Place
    query: str
    total: int
    shown: int
    sections: tuple[SectionHits, ...]


@dataclass(frozen=True, slots=True)
class AssetFact:
    label: str
    text: Any


@dataclass(frozen=True, slots=True)
class AssetDeal:
    """A lease, contract-out or disposal of an asset: its terms under the item's own words."""
    matter_id: int
    item_name: str
    terms: dict[str, Any]
    stage: str
    published_at: datetime


@dataclass(frozen=True, slots=True)
class AssetEntry:
    asset: str | None
    facts: tuple[AssetFact, ...]
    deals: tuple[AssetDeal, ...]


@dataclass(frozen=True, slots=True)
class AssetRegister:
    village: Place
    assets: tuple[AssetEntry, ...]
    page: int
    pages: int
    total: int


@dataclass(frozen=True, slots=True)
class OpenPublicity:
    """Every publicity period running in a village, each with its notice."""
    village: Place
    periods: tuple[RecordView, ...]


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What a public file is served as."""
    name: str
    content_type: str
    size: int
    sha256: str


# -- the notice board, verification codes, anchors ------------------------------------------------
@dataclass(frozen=True, slots=True)
class AnchorView:
    """A daily anchor of the audit chain."""
    day: str                      # ISO date
    seq: int
    hash: str
    events_that_day: int


def anchor_view(row) -> AnchorView | None:
    if row is None:
        return None
    return AnchorView(day=row.day.isoformat(), seq=row.seq, hash=row.hash, events_that_day=row.events_that_day)


@dataclass(frozen=True, slots=True)
class Anchors:
    anchors: tuple[AnchorView, ...]


@dataclass(frozen=True, slots=True)
class BoardPeriod:
    code: str                     # 2026-11 or 2026-Q4
    name: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class BoardGroup:
    """The entries of a part under one timing and heading."""
    timing: str
    timing_name: str
    heading: str
    entries: tuple[BoardEntry, ...]


@dataclass(frozen=True, slots=True)
class BoardPart:
    key: str                      # 党务, 村务, 财务
    name: str
    groups: tuple[BoardGroup, ...]


@dataclass(frozen=True, slots=True)
class Board:
    """A village's notice board for a period: its parts, and every entry in the board's order."""
    village: Place
    period: BoardPeriod
    parts: tuple[BoardPart, ...]
    entries: tuple[BoardEntry, ...]
    count: int
    telephones: dict[str, Any]
    anchor: AnchorView | None
    part_names: dict[str, str]


@dataclass(frozen=True, slots=True)
class AuditEventText:
    """A record's audit event with its canonical text for `sha256sum` (None: withheld)."""
    seq: int
    at: str
    hash: str
    prev: str
    text: str | None


@dataclass(frozen=True, slots=True)
class LaterRecord:
    """The record that published the same notice anew."""
    code: str
    published_at: datetime
    record_id: int


@dataclass(frozen=True, slots=True)
class Verification:
    """The answer for a verification code: the code as shown and whether it checks out
    (`status` unknown: no record has it, and that is all there is)."""
    code: str
    status: str                   # current, superseded, withdrawn, altered, unknown
    status_name: str
    ok: bool


@dataclass(frozen=True, slots=True)
class VerifiedRecord(Verification):
    """The answer for a code a record has: the record now, its hashes, its audit event and anchor."""
    village: Place
    record: RecordView | None     # None once withdrawn: no longer published
    section: str
    section_name: str
    published_at: datetime
    changed_at: datetime | None
    withdrawn_at: datetime | None
    content_sha256: str
    recorded_sha256: str
    content: str | None           # the hashed text, while it is what was recorded
    event: AuditEventText | None
    chain_ok: bool
    anchor: AnchorView | None
    later: LaterRecord | None


# -- complaints (群众诉求) and objections filed online -----------------------------------------------
@dataclass(frozen=True, slots=True)
class FiledComplaint:
    """The answer to a complaint filed online: its number and the 查询码 to follow it with."""
    number: str
    lookup_code: str
    received_at: datetime
    village: Place


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    what: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ComplaintCase:
    """A case as the holder of its 查询码 sees it: nothing of the complaint's words or its reporter."""
    number: str
    village: Place
    category: str
    category_name: str
    received_at: datetime
    status: str
    status_name: str
    merged_into: str | None
    handler_name: str | None
    answer: str | None
    answered_at: datetime | None
    answer_due: datetime | None
    rating: str | None
    rating_name: str | None
    rating_pending: bool
    may_rate: bool
    outcome: str | None
    timeline: tuple[TimelineEntry, ...]


@dataclass(frozen=True, slots=True)
class PublicCase:
    """A case its reporter agreed to publish, anonymised."""
    number: str
    category_name: str
    received_at: datetime
    status_name: str
    concluded: bool
    summary: str
    handler_name: str | None
    answer: str | None
    answered_at: datetime | None
    rating_name: str | None


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    received: int
    answered: int
    closed: int
    closure_rate: float | None    # percent
    satisfaction: float | None    # percent


@dataclass(frozen=True, slots=True)
class PublicCases:
    village: Place
    cases: tuple[PublicCase, ...]
    figures: ComplaintFigures
    township_figures: ComplaintFigures | None
    categories: dict[str, str]


@dataclass(frozen=True, slots=True)
class FiledObjection:
    """The answer to an objection filed online."""
    id: int
    received_at: datetime
    title: str
    ends_at: datetime | None
