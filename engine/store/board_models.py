"""The public audit anchor (issue 10, part 4): each day's audit-chain head, as published.

Once a day the timer worker stores the chain's head as it stood at the end of the previous day
(Beijing time): the last event of that day, its sequence number and hash. The portal publishes
every anchor, the notice board prints the latest, and a mirror or a printed sheet keeps them: a
chain rewritten afterwards no longer has that hash at that sequence number."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class AuditAnchor(Base):
    __tablename__ = "audit_anchors"
    day: Mapped[date] = mapped_column(Date, primary_key=True)          # a Beijing calendar day
    seq: Mapped[int] = mapped_column(Integer)                          # the day's last event (0: none yet)
    hash: Mapped[str] = mapped_column(String(64))                      # its hash (the chain's head then)
    events_that_day: Mapped[int] = mapped_column(Integer)
    anchored_at: Mapped[datetime]
