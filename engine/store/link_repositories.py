"""Matters citing matters (models.MatterLink)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from ..vocabulary import MatterStatus
from .models import MatterLink, MatterRecord


class MatterLinkRepository:
    def __init__(self, session):
        self.session = session

    def cite(self, matter_id: int, field: str, step: str, cited_id: int, actor: str, now: datetime) -> None:
        """The field's citation, replacing the one it had (a form filled again in a loop cites anew)."""
        link = self.session.scalar(select(MatterLink).filter_by(matter_id=matter_id, field=field))
        if link is None:
            self.session.add(MatterLink(matter_id=matter_id, field=field, step=step, cited_id=cited_id,
                                        linked_by=actor, linked_at=now))
        else:
            link.step, link.cited_id, link.linked_by, link.linked_at = step, cited_id, actor, now

    def of(self, matter_id: int) -> list[MatterLink]:
        """Every link from or to the matter, oldest first."""
        return list(self.session.scalars(
            select(MatterLink).where(or_(MatterLink.matter_id == matter_id, MatterLink.cited_id == matter_id))
            .order_by(MatterLink.linked_at, MatterLink.id)))

    def claims(self, cited_id: int, field: str, except_id: int) -> list[tuple[int, dict]]:
        """(id, data) of the other matters citing `cited_id` through `field` that still stand (not
        cancelled): what they draw on a limit they share."""
        return [tuple(row) for row in self.session.execute(
            select(MatterRecord.id, MatterRecord.data).join(MatterLink, MatterLink.matter_id == MatterRecord.id)
            .where(MatterLink.cited_id == cited_id, MatterLink.field == field, MatterRecord.id != except_id,
                   MatterRecord.status != MatterStatus.CANCELLED).order_by(MatterRecord.id))]
