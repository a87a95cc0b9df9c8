"""Tables of operations (issue 19): timer-worker heartbeats, incidents, and the archive.

The archive tables mirror the hot ones (`instances`, `inbox`, `attachments`) column for column, plus
when and by whom a row was archived; tests/unit/test_archive_tables.py fails when a hot table gains a
column its archive lacks. They live in the same database, so a backup, a restore and a supervisor's
read cover them with nothing more to configure; the hot tables stay as small as the matters still
in hand. Audit events are never archived: the chain is one sequence and stays in `audit_events`.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, Numeric, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from .models import Base


class WorkerHeartbeat(Base):
    """A timer worker's last poll: /readyz is ready only while some worker beat recently."""
    __tablename__ = "worker_heartbeats"
    worker_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    last_beat_at: Mapped[datetime] = mapped_column(index=True)


class Incident(Base):
    """A matter the engine could not run on (status `error`): where, why, when, and how it ended.
    Written in the unit of work that saved the matter as failed; resolved by a retry that runs
    through, or a cancellation. No foreign key: it outlives the matter's move to the archive."""
    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_state_township", "state", "township_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(Integer, index=True)
    process_key: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    village_code: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(String(64))
    process: Mapped[str | None] = mapped_column(String(64))       # the (called) process that failed
    file: Mapped[str | None] = mapped_column(String(300))
    element: Mapped[str | None] = mapped_column(String(64))
    element_name: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)                      # in Chinese, for the administrator
    detail: Mapped[str] = mapped_column(Text)                      # the engine's own words
    occurred_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=1)      # failures, the first one included
    state: Mapped[str] = mapped_column(String(16))                 # open | retried | cancelled
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)           # the administrator's reason


class ArchivedMatter(Base):
    """A closed matter moved out of `instances` by `xiaowei archive` (same columns)."""
    __tablename__ = "archived_instances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    village_code: Mapped[str] = mapped_column(String(64), index=True)
    township_code: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Numeric(16, 2))
    data: Mapped[dict]
    params: Mapped[dict]
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    next_timer_due: Mapped[datetime | None]
    step_due_at: Mapped[datetime | None]
    search_text: Mapped[str | None] = mapped_column(Text)
    waiting_timers: Mapped[list]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None] = mapped_column(index=True)
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    version: Mapped[int] = mapped_column(Integer)
    archived_at: Mapped[datetime]
    archived_by: Mapped[str] = mapped_column(String(64))


class ArchivedInboxItem(Base):
    __tablename__ = "archived_inbox"
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))
    matter_id: Mapped[int] = mapped_column("instance_id", ForeignKey("archived_instances.id"), index=True)
    process_key: Mapped[str] = mapped_column(String(64))
    step_id: Mapped[str] = mapped_column(String(64))
    step_name: Mapped[str] = mapped_column(String(200))
    objection_intake: Mapped[bool] = mapped_column(Boolean)
    role: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(String(64))
    township_code: Mapped[str] = mapped_column(String(64))
    ready_since: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None]
    evidence_fields: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    evidence_given: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    archived_at: Mapped[datetime]
    archived_by: Mapped[str] = mapped_column(String(64))


class ArchivedAttachment(Base):
    """An archived matter's evidence file; the bytes stay in attachment_blobs (content-addressed,
    possibly shared with a matter still in hand)."""
    __tablename__ = "archived_attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
    matter_id: Mapped[int | None] = mapped_column("instance_id", ForeignKey("archived_instances.id"), index=True)
    archived_at: Mapped[datetime]
    archived_by: Mapped[str] = mapped_column(String(64))
