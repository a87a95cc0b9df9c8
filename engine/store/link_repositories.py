"""Matters citing matters (models.MatterLink)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from .models import MatterLink


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
