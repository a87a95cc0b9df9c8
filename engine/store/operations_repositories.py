"""Repositories of operations: worker heartbeats, incidents, the archive of closed matters."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, select

from ..vocabulary import MatterStatus
from .keyset import Key, Ordering
from .repositories import paged
from .models import Attachment, IdempotencyKey, InboxItem, MatterRecord
from .operations_models import ArchivedAttachment, ArchivedInboxItem, ArchivedMatter, Incident, WorkerHeartbeat


INCIDENTS = Ordering("i", (Key("occurred_at", Incident.occurred_at, datetime), Key("id", Incident.id, int)))


class HeartbeatRepository:
    def __init__(self, session):
        self.session = session

    def beat(self, worker_id: str, host: str, pid: int, now: datetime) -> None:
        row = self.session.get(WorkerHeartbeat, worker_id)
        if row is None:
            row = WorkerHeartbeat(worker_id=worker_id, host=host, pid=pid, started_at=now)
            self.session.add(row)
        row.last_beat_at = now

    def leave(self, worker_id: str) -> None:
        self.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker_id == worker_id))

    def forget_older_than(self, moment: datetime) -> None:
        """Rows of workers long gone (killed, so they never said goodbye)."""
        self.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_beat_at < moment))

    def latest(self) -> WorkerHeartbeat | None:
        return self.session.scalar(select(WorkerHeartbeat).order_by(WorkerHeartbeat.last_beat_at.desc()).limit(1))

    def alive_since(self, moment: datetime) -> list[WorkerHeartbeat]:
        return list(self.session.scalars(select(WorkerHeartbeat).where(WorkerHeartbeat.last_beat_at >= moment)
                                         .order_by(WorkerHeartbeat.worker_id)))


class IncidentRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **columns) -> Incident:
        incident = Incident(**columns)
        self.session.add(incident)
        self.session.flush()
        return incident

    def open_for(self, matter_id: int) -> Incident | None:
        return self.session.scalar(select(Incident).filter_by(matter_id=matter_id, state="open"))

    def for_matter(self, matter_id: int) -> list[Incident]:
        return list(self.session.scalars(select(Incident).filter_by(matter_id=matter_id).order_by(Incident.id)))

    def search(self, state: str | None, villages: set[str] | None, offset: int, limit: int, after: str | None = None):
        """Incidents, newest first: the page from `offset` or after the cursor `after`, and their
        total (a Count with the next page's cursor)."""
        position = INCIDENTS.read(after) if after is not None else None
        query = select(Incident)
        if state:
            query = query.where(Incident.state == state)
        if villages is not None:
            query = query.where(Incident.village_code.in_(villages))
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        return paged(self.session, query, INCIDENTS, offset, limit, position, total)

    def count_open(self) -> int:
        return self.session.scalar(select(func.count()).select_from(Incident).where(Incident.state == "open"))


class ArchiveRepository:
    """Closed matters moved out of the hot tables, and the reads that still reach them."""

    def __init__(self, session):
        self.session = session

    def get(self, matter_id: int) -> ArchivedMatter | None:
        return self.session.get(ArchivedMatter, matter_id)

    def attachment(self, attachment_id: str) -> ArchivedAttachment | None:
        return self.session.get(ArchivedAttachment, attachment_id)

    def attachments_for(self, matter_id: int) -> list[ArchivedAttachment]:
        return list(self.session.scalars(select(ArchivedAttachment).filter_by(matter_id=matter_id)
                                         .order_by(ArchivedAttachment.uploaded_at)))

    def highest_id(self) -> int:
        return self.session.scalar(select(func.max(ArchivedMatter.id))) or 0

    def closed_before(self, cutoff: datetime, limit: int) -> list[int]:
        """Hot matters that ended (completed or cancelled) before `cutoff`, oldest first."""
        return list(self.session.scalars(
            select(MatterRecord.id).where(MatterRecord.status.in_((MatterStatus.COMPLETED, MatterStatus.CANCELLED)),
                                          MatterRecord.ended_at < cutoff)
            .order_by(MatterRecord.ended_at, MatterRecord.id).limit(limit).with_for_update(skip_locked=True)))

    def move(self, matter_ids: list[int], actor: str, now: datetime) -> dict:
        """Copy the matters, their to-do rows and their evidence links into the archive and delete
        them from the hot tables (blobs stay where they are: they are shared by content).
        Idempotency keys of their starts are dropped: nobody retries a start of years ago."""
        stamp = {"archived_at": now, "archived_by": actor}
        moved = {}
        for hot, archived, key in ((MatterRecord, ArchivedMatter, MatterRecord.id),
                                   (InboxItem, ArchivedInboxItem, InboxItem.matter_id),
                                   (Attachment, ArchivedAttachment, Attachment.matter_id)):
            rows = [{**_columns(row), **stamp} for row in self.session.scalars(select(hot).where(key.in_(matter_ids)))]
            if rows:
                self.session.execute(insert(archived), rows)
            moved[hot.__tablename__] = len(rows)
        self.session.execute(delete(IdempotencyKey).where(IdempotencyKey.matter_id.in_(matter_ids)))
        self.session.execute(delete(InboxItem).where(InboxItem.matter_id.in_(matter_ids)))
        self.session.execute(delete(Attachment).where(Attachment.matter_id.in_(matter_ids)))
        self.session.execute(delete(MatterRecord).where(MatterRecord.id.in_(matter_ids))
                             .execution_options(synchronize_session=False))
        self.session.flush()
        return moved


def _columns(row) -> dict:
    """A mapped row as {attribute name: value} (attribute names, not column names: matter_id)."""
    return {attr.key: getattr(row, attr.key) for attr in row.__mapper__.column_attrs}
