"""Repositories of complaints (issue 11): the workspace's, the portal's narrower one, who a matter is
withheld from, and the notification outbox."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select

from .keyset import Key, Ordering
from .repositories import paged
from .complaint_models import (Complaint, ComplaintPhoto, ComplaintReporter, MatterExclusion, OutboxMessage,
                               PublicLookup, SupervisionOrder)


class _Repository:
    def __init__(self, session):
        self.session = session


COMPLAINTS = Ordering("c", (Key("id", Complaint.id, int),))          # newest first (keyset.py)


class ComplaintRepository(_Repository):
    """The workspace's side: cases, their reporters (read by the discipline office only: the
    services decide), 督办单, public intakes waiting to be registered."""

    def add(self, reporter: dict | None = None, **columns) -> Complaint:
        """A case, and its reporter's details (name, phone, address) in their own table."""
        row = Complaint(**columns)
        self.session.add(row)
        self.session.flush()
        if reporter is not None:
            self.session.add(ComplaintReporter(complaint_id=row.id, **reporter))
        return row

    def get(self, complaint_id: int, lock: bool = False) -> Complaint | None:
        query = select(Complaint).where(Complaint.id == complaint_id)
        return self.session.scalar((query.with_for_update() if lock else query)
                                   .execution_options(populate_existing=True))

    def by_matter(self, matter_id: int) -> Complaint | None:
        return self.session.scalar(select(Complaint).where(Complaint.matter_id == matter_id))

    def by_number(self, number: str) -> Complaint | None:
        return self.session.scalar(select(Complaint).where(Complaint.number == number))

    def reporter(self, complaint_id: int) -> ComplaintReporter | None:
        return self.session.get(ComplaintReporter, complaint_id)

    def photos(self, complaint_id: int) -> list[ComplaintPhoto]:
        return list(self.session.scalars(select(ComplaintPhoto).filter_by(complaint_id=complaint_id)
                                         .order_by(ComplaintPhoto.id)))

    def drop_photos(self, complaint_id: int) -> None:
        self.session.execute(delete(ComplaintPhoto).where(ComplaintPhoto.complaint_id == complaint_id))

    def claim_submitted(self, exclude: set[int]) -> Complaint | None:
        """A public intake not registered yet, locked (SKIP LOCKED: two workers never take one)."""
        query = select(Complaint).where(Complaint.matter_id.is_(None), Complaint.status == "submitted")
        if exclude:
            query = query.where(Complaint.id.not_in(exclude))
        return self.session.scalar(query.order_by(Complaint.id).limit(1).with_for_update(skip_locked=True))

    def with_pending_rating(self, exclude: set[int]) -> Complaint | None:
        query = select(Complaint).where(Complaint.pending_rating.is_not(None), Complaint.matter_id.is_not(None))
        if exclude:
            query = query.where(Complaint.id.not_in(exclude))
        return self.session.scalar(query.order_by(Complaint.id).limit(1).with_for_update(skip_locked=True))

    def search(self, villages: set[str] | None, filters: dict, offset: int, limit: int, hidden_from: str | None = None,
               after: str | None = None):
        """Cases, newest first: the page from `offset` or after the cursor `after`, and their total
        (a Count with the next page's cursor)."""
        position = COMPLAINTS.read(after) if after is not None else None
        query = select(Complaint)
        if villages is not None:
            query = query.where(Complaint.village_code.in_(villages))
        for column in ("village_code", "township_code", "status", "category"):
            if filters.get(column):
                query = query.where(getattr(Complaint, column) == filters[column])
        if hidden_from:
            withheld = select(MatterExclusion.matter_id).where(MatterExclusion.username == hidden_from)
            query = query.where(or_(Complaint.matter_id.is_(None), Complaint.matter_id.not_in(withheld)))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        return paged(self.session, query, COMPLAINTS, offset, limit, position, total)

    def received_between(self, villages: set[str] | None, start: datetime | None, end: datetime | None) -> list[Complaint]:
        query = select(Complaint)
        if villages is not None:
            query = query.where(Complaint.village_code.in_(villages))
        if start is not None:
            query = query.where(Complaint.received_at >= start)
        if end is not None:
            query = query.where(Complaint.received_at < end)
        return list(self.session.scalars(query.order_by(Complaint.id)))

    def merged_into(self, complaint_id: int) -> list[Complaint]:
        return list(self.session.scalars(select(Complaint).filter_by(merged_into_id=complaint_id).order_by(Complaint.id)))

    def add_supervision(self, **columns) -> SupervisionOrder:
        row = SupervisionOrder(**columns)
        self.session.add(row)
        self.session.flush()
        return row

    def supervisions(self, complaint_id: int) -> list[SupervisionOrder]:
        return list(self.session.scalars(select(SupervisionOrder).filter_by(complaint_id=complaint_id)
                                         .order_by(SupervisionOrder.id)))

    def supervisions_in(self, villages: set[str] | None, limit: int = 100) -> list[tuple[SupervisionOrder, Complaint]]:
        query = select(SupervisionOrder, Complaint).join(Complaint, Complaint.id == SupervisionOrder.complaint_id)
        if villages is not None:
            query = query.where(Complaint.village_code.in_(villages))
        return list(self.session.execute(query.order_by(SupervisionOrder.id.desc()).limit(limit)).all())


class ExclusionRepository(_Repository):
    """Who may neither see nor act on a matter (a complaint's cadre)."""

    def users(self, matter_id: int) -> set[str]:
        return set(self.session.scalars(select(MatterExclusion.username).filter_by(matter_id=matter_id)))

    def excludes(self, matter_id: int, username: str) -> bool:
        return self.session.get(MatterExclusion, (matter_id, username)) is not None

    def replace(self, matter_id: int, usernames: set[str]) -> None:
        current = self.users(matter_id)
        for name in current - usernames:
            self.session.execute(delete(MatterExclusion).where(MatterExclusion.matter_id == matter_id,
                                                               MatterExclusion.username == name))
        self.session.add_all(MatterExclusion(matter_id=matter_id, username=name) for name in usernames - current)


class OutboxRepository(_Repository):
    def add(self, **columns) -> OutboxMessage:
        row = OutboxMessage(**columns)
        self.session.add(row)
        return row

    def claim_due(self, now: datetime, until: datetime, limit: int) -> list[OutboxMessage]:
        """Messages due and not held by another worker, now held until `until` (SKIP LOCKED)."""
        query = select(OutboxMessage).where(
            OutboxMessage.delivered_at.is_(None), OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
        rows = list(self.session.scalars(query.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)))
        for row in rows:
            row.claimed_until = until
        return rows

    def get(self, message_id: int) -> OutboxMessage | None:
        return self.session.get(OutboxMessage, message_id)

    def for_complaint(self, complaint_id: int) -> list[OutboxMessage]:
        return list(self.session.scalars(select(OutboxMessage).filter_by(complaint_id=complaint_id).order_by(OutboxMessage.id)))

    def counts(self) -> dict[str, int]:
        count = select(func.count()).select_from(OutboxMessage)
        pending = self.session.scalar(count.where(OutboxMessage.delivered_at.is_(None)))
        delivered = self.session.scalar(count.where(OutboxMessage.delivered_at.is_not(None)))
        return {"pending": pending, "delivered": delivered}


class PortalComplaintRepository(_Repository):
    """What the public portal may do with complaints: file one (the reporter and photos written,
    never read back), find one by its 查询码's hash, leave an online rating for the worker, count
    lookups per sender, and read the anonymised cases and the figures."""

    def file(self, values: dict, reporter: dict, photos: list[tuple[str, bytes]], number) -> Complaint:
        """A complaint filed online: its row (numbered by `number(id, year)`), the reporter's
        details where any were given, its photos until the worker registers it."""
        row = Complaint(**values)
        self.session.add(row)
        self.session.flush()
        row.number = number(row.id, row.received_at.year)
        if any(reporter.values()):
            self.session.add(ComplaintReporter(complaint_id=row.id, **{k: v or None for k, v in reporter.items()}))
        self.session.add_all(ComplaintPhoto(complaint_id=row.id, name=name, content=content) for name, content in photos)
        self.session.flush()
        return row

    def by_lookup(self, lookup_hash: str) -> Complaint | None:
        return self.session.scalar(select(Complaint).where(Complaint.lookup_hash == lookup_hash))

    def get(self, complaint_id: int) -> Complaint | None:
        return self.session.get(Complaint, complaint_id)

    def count_filed_from(self, source: str, since: datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(Complaint).where(
            Complaint.source == source, Complaint.received_at >= since))

    def record_lookup(self, source: str, at: datetime) -> None:
        self.session.add(PublicLookup(source=source, at=at))

    def lookups_from(self, source: str, since: datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(PublicLookup).where(
            PublicLookup.source == source, PublicLookup.at >= since))

    def public_cases(self, village: str, limit: int = 50) -> list[Complaint]:
        """Cases whose reporter agreed to publication, registered, not merged away."""
        return list(self.session.scalars(select(Complaint).where(
            Complaint.village_code == village, Complaint.publish_consent.is_(True), Complaint.matter_id.is_not(None),
            Complaint.status.not_in(["merged", "cancelled", "submitted"])).order_by(Complaint.id.desc()).limit(limit)))

    def figures_rows(self, villages: set[str]) -> list[tuple]:
        """(status, answered_at) of every case of these villages: the public counts."""
        return list(self.session.execute(select(Complaint.status, Complaint.answered_at, Complaint.rating).where(
            Complaint.village_code.in_(villages))).all())

    def version(self, village: str | None) -> tuple[int, datetime | None]:
        query = select(func.count(), func.max(Complaint.changed_at))
        if village is not None:
            query = query.where(Complaint.village_code == village)
        return tuple(self.session.execute(query).one())
