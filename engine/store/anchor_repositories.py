"""Daily audit anchors and the few reads of the chain the public may make: the event a published
record comes from (its payload is the record's own public content) and the chain's head at a time."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from .board_models import AuditAnchor
from .models import AuditEvent


class AnchorRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **columns) -> AuditAnchor:
        row = AuditAnchor(**columns)
        self.session.add(row)
        self.session.flush()
        return row

    def latest(self) -> AuditAnchor | None:
        return self.session.scalar(select(AuditAnchor).order_by(AuditAnchor.day.desc()).limit(1))

    def get(self, day: date) -> AuditAnchor | None:
        return self.session.get(AuditAnchor, day)

    def newest_first(self, limit: int | None = None) -> list[AuditAnchor]:
        query = select(AuditAnchor).order_by(AuditAnchor.day.desc())
        return list(self.session.scalars(query.limit(limit) if limit else query))

    def covering(self, seq: int) -> AuditAnchor | None:
        """The first anchor whose head is at or past event `seq`: it vouches for that event."""
        return self.session.scalar(select(AuditAnchor).where(AuditAnchor.seq >= seq)
                                   .order_by(AuditAnchor.day).limit(1))

    def version(self) -> tuple[int, date | None]:
        return tuple(self.session.execute(select(func.count(), func.max(AuditAnchor.day))).one())

    # -- reading the chain ---------------------------------------------------------------------
    def chain_event(self, seq: int) -> AuditEvent | None:
        return self.session.get(AuditEvent, seq)

    def record_event(self, seq: int) -> AuditEvent | None:
        """Event `seq` if it is a `record_published` event (whose payload is public), else None."""
        return self.session.scalar(select(AuditEvent).where(AuditEvent.seq == seq,
                                                            AuditEvent.event == "record_published"))

    def events_after(self, seq: int) -> list[tuple[int, str, str]]:
        """(seq, at, hash) of every event after `seq`, in order: one pass anchors many days."""
        return [tuple(row) for row in self.session.execute(
            select(AuditEvent.seq, AuditEvent.at, AuditEvent.hash).where(AuditEvent.seq > seq).order_by(AuditEvent.seq))]


class PublicAnchors:
    """What the portal may read of the chain: the anchors, and `record_published` events only."""

    def __init__(self, session):
        self._anchors = AnchorRepository(session)

    def newest_first(self, limit: int | None = None) -> list[AuditAnchor]:
        return self._anchors.newest_first(limit)

    def latest(self) -> AuditAnchor | None:
        return self._anchors.latest()

    def covering(self, seq: int) -> AuditAnchor | None:
        return self._anchors.covering(seq)

    def version(self) -> tuple[int, date | None]:
        return self._anchors.version()

    def record_event(self, seq: int) -> AuditEvent | None:
        return self._anchors.record_event(seq)
