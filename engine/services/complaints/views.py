"""Frozen views of complaint cases: what the complaint services answer (issue 18, item 4: typed boundaries).

As engine/services/views.py for matters: built inside the unit of work from the rows read, immutable
afterwards, holding no ORM row. The API schemas dump them by attribute, the pages read `c.status`;
where JSON is needed (the CLI), the boundary uses `dataclasses.asdict`.

A case as a list shows it (`ComplaintSummary`) and on its page (`ComplaintDetail`, with its 督办单
`SupervisionOrderView`, its merges `ComplaintLink` and the reporter `ReporterView` for the
discipline office); a case just entered (`FiledComplaint`, with its 查询码) or merged
(`MergedComplaint`); what the worker did (`Registration`, `RatingApplied`, `ComplaintJobs`); the
figures (`ComplaintStatistics` of `ComplaintFigures`)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ...vocabulary import COMPLAINT_CATEGORIES, COMPLAINT_CHANNELS, HANDLER_LEVELS, RATINGS, ComplaintStatus


@dataclass(frozen=True, slots=True)
class CaseRef:
    """Another case named by an answer: its id and 编号."""
    id: int
    number: str | None


@dataclass(frozen=True, slots=True)
class ComplaintLink(CaseRef):
    """A case merged with this one (either way), with its matter for the history page."""
    matter_id: int | None


@dataclass(frozen=True, slots=True)
class ComplaintSummary:
    """A case as a list shows it."""
    id: int
    number: str | None
    village: str
    village_name: str
    township: str
    category: str
    category_name: str
    channel: str
    channel_name: str
    status: ComplaintStatus
    status_name: str
    handler_level: str | None
    handler_name: str | None
    rating: str | None
    rating_name: str | None
    supervisions: int                  # 督办单 issued on it
    matter_id: int | None              # its complaint_handling matter (None until registered)
    received_at: datetime
    answer_due: datetime | None
    concluded: bool                    # 办结 for the closure rate (closed, rejected with notice, merged)


@dataclass(frozen=True, slots=True)
class SupervisionOrderView:
    """A 督办单: the unit above told the handler to finish by a new limit."""
    number: str
    overdue_step: str
    handler_role: str
    issuer_role: str
    issuer_org: str
    previous_due: datetime | None
    new_due: datetime | None
    issued_at: datetime
    matter_id: int


@dataclass(frozen=True, slots=True)
class SupervisionOrderEntry(SupervisionOrderView):
    """A 督办单 of the discipline offices' list, with the case it was issued on."""
    complaint: ComplaintSummary


@dataclass(frozen=True, slots=True)
class ReporterView:
    """Who reported a case (the discipline office only); empty strings or None where not given."""
    name: str | None
    phone: str | None
    address: str | None


@dataclass(frozen=True, slots=True)
class ComplaintDetail(ComplaintSummary):
    """A case's page: its handling, 督办单 and merges; the reporter only for the discipline offices."""
    content: str
    concerned_matter: str | None
    about_cadre: bool
    publish_consent: bool
    public_summary: str | None
    answer: str | None
    handler_unit: str | None
    accept_due: datetime | None
    accepted_at: datetime | None
    answered_at: datetime | None
    rated_at: datetime | None
    closed_at: datetime | None
    outcome: str | None
    reopened: bool
    reviewed: bool
    created_by: str
    registered_at: datetime | None
    created_by_name: str
    merged_into: ComplaintLink | None
    merged: tuple[ComplaintLink, ...]
    supervision_orders: tuple[SupervisionOrderView, ...]
    reporter_visible: bool
    reporter: ReporterView | None


@dataclass(frozen=True, slots=True)
class FiledComplaint:
    """A case just entered, with its 查询码 (shown this once: it is stored hashed)."""
    id: int
    number: str | None
    status: ComplaintStatus
    village: str
    category: str
    matter_id: int | None
    received_at: datetime
    lookup_code: str


@dataclass(frozen=True, slots=True)
class MergedComplaint:
    """The duplicate after 并案, and the main case it went into."""
    id: int
    number: str | None
    status: ComplaintStatus
    merged_into: CaseRef


@dataclass(frozen=True, slots=True)
class Registration:
    """A complaint filed on the portal the worker took up: registered (its matter started) or refused."""
    complaint: int
    registered: bool
    matter_id: int | None = None


@dataclass(frozen=True, slots=True)
class RatingApplied:
    """A rating left online: recorded on its case's rating step, or dropped (no rating step waited)."""
    complaint: int
    applied: bool


@dataclass(frozen=True, slots=True)
class ComplaintJobs:
    """One pass of the worker's complaint jobs: what it registered and rated, the notifications it sent."""
    registered: tuple[Registration, ...]
    rated: tuple[RatingApplied, ...]
    sent: int
    failed: int


@dataclass(frozen=True, slots=True)
class CategoryCount:
    category: str
    name: str
    count: int


@dataclass(frozen=True, slots=True)
class ComplaintFigures:
    """The figures of a set of cases (percentages with one decimal; None of nothing)."""
    received: int
    answered: int
    on_time: int
    overdue: int
    closed: int
    closure_rate: float | None         # 办结率, percent
    rated: int
    satisfied: int
    satisfaction: float | None         # percent of rated cases
    supervisions: int
    reopened: int
    repeat: int
    categories: tuple[CategoryCount, ...]   # most frequent first


@dataclass(frozen=True, slots=True)
class UnitFigures(ComplaintFigures):
    """The figures of one village or township."""
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class StatisticsScope:
    code: str | None                   # None: everything in the actor's reach
    name: str
    level: str | None


@dataclass(frozen=True, slots=True)
class StatisticsPeriod:
    """[start, end) of receipt; None: open (the API names them from and to)."""
    start: datetime | None
    end: datetime | None


@dataclass(frozen=True, slots=True)
class ComplaintStatistics:
    scope: StatisticsScope
    period: StatisticsPeriod
    generated_at: datetime
    totals: ComplaintFigures
    group_level: str                   # village or township: what by_unit lists
    group_level_name: str
    by_unit: tuple[UnitFigures, ...]


# -- builders -----------------------------------------------------------------------------------
def complaint_summary(complaint, names: dict) -> ComplaintSummary:
    """The summary of a case row; `names`: {unit code: name} holding its village."""
    return ComplaintSummary(*_summary_values(complaint, names))


def _summary_values(complaint, names: dict) -> tuple:
    """ComplaintSummary's fields of a case row, in their order (ComplaintDetail extends them)."""
    status = ComplaintStatus(complaint.status)
    return (complaint.id, complaint.number, complaint.village_code,
            names.get(complaint.village_code, complaint.village_code), complaint.township_code, complaint.category,
            COMPLAINT_CATEGORIES.get(complaint.category, complaint.category), complaint.channel,
            COMPLAINT_CHANNELS.get(complaint.channel, complaint.channel), status, status.label,
            complaint.handler_level, HANDLER_LEVELS.get(complaint.handler_level) if complaint.handler_level else None,
            complaint.rating, RATINGS.get(complaint.rating) if complaint.rating else None, complaint.supervisions,
            complaint.matter_id, complaint.received_at, complaint.answer_due, status.concluded)


def supervision_order(order, cls: type = SupervisionOrderView, **extra) -> SupervisionOrderView:
    """The 督办单 of a supervision row; as `cls` (a subclass) with the fields it adds."""
    return cls(number=order.number, overdue_step=order.overdue_step, handler_role=order.handler_role,
               issuer_role=order.issuer_role, issuer_org=order.issuer_org, previous_due=order.previous_due,
               new_due=order.new_due, issued_at=order.issued_at, matter_id=order.matter_id, **extra)


def link(complaint) -> ComplaintLink:
    return ComplaintLink(id=complaint.id, number=complaint.number, matter_id=complaint.matter_id)


def reporter(row) -> ReporterView:
    return ReporterView(name=row.name, phone=row.phone, address=row.address)


def complaint_detail(complaint, names: dict, *, created_by_name: str, main, merged, orders, reporter_visible: bool,
                     reporter_row) -> ComplaintDetail:
    """A case's page from its row, the main case it went into (a row or None), the rows merged into
    it, its supervision rows and its reporter row (None: not shown, or none)."""
    return ComplaintDetail(
        *_summary_values(complaint, names), content=complaint.content, concerned_matter=complaint.concerned_matter,
        about_cadre=complaint.about_cadre, publish_consent=complaint.publish_consent,
        public_summary=complaint.public_summary, answer=complaint.answer, handler_unit=complaint.handler_unit,
        accept_due=complaint.accept_due, accepted_at=complaint.accepted_at, answered_at=complaint.answered_at,
        rated_at=complaint.rated_at, closed_at=complaint.closed_at, outcome=complaint.outcome,
        reopened=complaint.reopened, reviewed=complaint.reviewed, created_by=complaint.created_by,
        registered_at=complaint.registered_at, created_by_name=created_by_name,
        merged_into=link(main) if main is not None else None, merged=tuple(link(c) for c in merged),
        supervision_orders=tuple(supervision_order(o) for o in orders), reporter_visible=reporter_visible,
        reporter=reporter(reporter_row) if reporter_row is not None else None)


def filed(complaint, lookup_code: str) -> FiledComplaint:
    return FiledComplaint(id=complaint.id, number=complaint.number, status=ComplaintStatus(complaint.status),
                          village=complaint.village_code, category=complaint.category, matter_id=complaint.matter_id,
                          received_at=complaint.received_at, lookup_code=lookup_code)


def merged(duplicate, main) -> MergedComplaint:
    return MergedComplaint(id=duplicate.id, number=duplicate.number, status=ComplaintStatus(duplicate.status),
                           merged_into=CaseRef(id=main.id, number=main.number))
