"""Tables of villagers' complaints (issue 11): the case side table, the reporter apart, 督办单, who a
matter is withheld from, the notification outbox and the public lookup throttle.

A case is a matter of the item complaint_handling like any other (its steps, deadlines, timers and
audit events are the engine's); `complaints` is its side table, written in the unit of work of each
action on the matter, so lists, the public lookup and the statistics never deserialize a workflow.
`matter_id` has no foreign key: a closed matter may be archived out of `instances`, its case stays.
The reporter's name and phone live in `complaint_reporters`, read only by the discipline office.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class Complaint(Base):
    """A villager's complaint or request: what the public lookup, the lists and the statistics read."""
    __tablename__ = "complaints"
    __table_args__ = (Index("ix_complaints_village_received", "village_code", "received_at"),
                      Index("ix_complaints_township_received", "township_code", "received_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str | None] = mapped_column(String(32), unique=True)     # 诉求编号, e.g. SQ2026-000012
    lookup_hash: Mapped[str] = mapped_column(String(64), unique=True)       # sha256 of the 查询码
    village_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    township_code: Mapped[str] = mapped_column(String(64))
    county_code: Mapped[str] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    concerned_matter: Mapped[str | None] = mapped_column(String(200))
    about_cadre: Mapped[bool] = mapped_column(Boolean, default=False)
    publish_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    public_summary: Mapped[str | None] = mapped_column(Text)                 # written at 受理, without personal data
    status: Mapped[str] = mapped_column(String(16), index=True)              # vocabulary.ComplaintStatus
    matter_id: Mapped[int | None] = mapped_column(Integer, index=True)
    handler_level: Mapped[str | None] = mapped_column(String(16))            # village | township | county
    handler_unit: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[datetime]
    registered_at: Mapped[datetime | None]       # when its matter started (public intakes: by the worker)
    accept_due: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]
    answer_due: Mapped[datetime | None]          # the running handling step's due time
    answered_at: Mapped[datetime | None]
    answered_late: Mapped[bool] = mapped_column(Boolean, default=False)
    answer: Mapped[str | None] = mapped_column(Text)
    public_answer: Mapped[str | None] = mapped_column(Text)   # the answer scrubbed: what the portal may show
    rating: Mapped[str | None] = mapped_column(String(16))                   # satisfied | dissatisfied
    rated_at: Mapped[datetime | None]
    pending_rating: Mapped[dict | None] = mapped_column(JSON)                # an online rating the worker applies
    reopened: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    supervisions: Mapped[int] = mapped_column(Integer, default=0)            # 督办单 issued
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(100))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("complaints.id"))
    source: Mapped[str] = mapped_column(String(64), index=True)              # keyed hash of a public sender
    created_by: Mapped[str] = mapped_column(String(64))                      # a user name, or "public"
    changed_at: Mapped[datetime]


class ComplaintReporter(Base):
    """Who reported, kept apart from the case: only the handling discipline office reads it."""
    __tablename__ = "complaint_reporters"
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))


class ComplaintPhoto(Base):
    """A photo sent with a public complaint, held until the worker registers the case (its matter's
    attachments are made from it then: the portal writes no attachment itself)."""
    __tablename__ = "complaint_photos"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class SupervisionOrder(Base):
    """督办单: issued by the timer worker when a handling step runs past its limit, by the level
    above the unit handling the case, with the new limit; recorded in the matter's audit chain."""
    __tablename__ = "supervision_orders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaints.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(Integer, index=True)
    overdue_step: Mapped[str] = mapped_column(String(200))
    handler_role: Mapped[str] = mapped_column(String(64))
    issuer_role: Mapped[str] = mapped_column(String(64))
    issuer_org: Mapped[str] = mapped_column(String(64))
    previous_due: Mapped[datetime | None]
    new_due: Mapped[datetime | None]
    issued_at: Mapped[datetime]
    audit_seq: Mapped[int] = mapped_column(Integer)


class MatterExclusion(Base):
    """A user who may neither see a matter nor act on it (the cadre a complaint is about): from
    the fields a definition declares `withheld_from`, or every village cadre until one is named."""
    __tablename__ = "matter_exclusions"
    # No foreign key: it outlives the matter's move to archived_instances (migration 0022).
    matter_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)


class OutboxMessage(Base):
    """A notification, written in the unit of work of the event it tells of, delivered by the worker
    (engine/services/notifications.py). `key` is the idempotency key the receiver sees: a message
    retried after a crash between sending and recording is the same message."""
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_due", "delivered_at", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    event: Mapped[str] = mapped_column(String(32))          # new | assigned | overdue | answered | closed ...
    complaint_id: Mapped[int | None] = mapped_column(Integer, index=True)
    recipient: Mapped[dict] = mapped_column(JSON)           # {"kind": "role", "role", "org"} | {"kind": "reporter"}
    text: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_until: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class PublicLookup(Base):
    """A 查询码 lookup or rating from the portal, by a keyed hash of the sender's address (throttle)."""
    __tablename__ = "public_lookups"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(index=True)
