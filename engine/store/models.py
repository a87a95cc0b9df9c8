"""SQLAlchemy models. A matter's workflow state is one JSON text; everything users query has its own column
or side table (the inbox, the next timer due, the searchable business fields), so a list query
never deserializes a workflow."""
from __future__ import annotations

from datetime import date, datetime

from datetime import timezone

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, Numeric, String,
                        Text, TypeDecorator, UniqueConstraint, false, text)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Always an aware UTC datetime in Python. SQLite keeps no time zone, so values are stored
    as UTC and marked UTC again when read; PostgreSQL stores timestamptz."""
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class EncodedJSON(TypeDecorator):
    """A JSON column's value given as JSON text already encoded (bound as is; PostgreSQL still
    casts it to json): for a value the code has just encoded for another purpose."""
    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        return None


class Base(DeclarativeBase):
    type_annotation_map = {dict: JSON, list: JSON, datetime: UTCDateTime}


class OrgUnit(Base):
    """County -> township -> village."""
    __tablename__ = "org_units"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[str] = mapped_column(String(16))            # county | township | village
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("org_units.code"))
    # A township's 试运行村: where its administrators run test matters of a draft (issue 14).
    # Never public, never counted, never swept for red lines, left out of lists unless asked for.
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]


class RoleGrant(Base):
    """A user holds a role in an organisation unit (and so in every unit below it)."""
    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "role", "org_code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(64))
    org_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    granted_by: Mapped[str] = mapped_column(String(64))
    granted_at: Mapped[datetime]


class ApiToken(Base):
    """A bearer token: only its sha256 is stored; expiring and revocable."""
    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))              # api | session
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class LoginThrottle(Base):
    """Failed logins in the current window, counted twice: of one user name from one client
    address (scope "name"; names that do not exist count too), and of one address across every
    name (scope "address", username "*": one password tried on many names). Rows whose window
    has passed are deleted by the next failure."""
    __tablename__ = "login_throttle"
    scope: Mapped[str] = mapped_column(String(8), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[datetime] = mapped_column(index=True)


class TownshipParameter(Base):
    """A township's override of a county default parameter (processes/parameters*.toml)."""
    __tablename__ = "township_parameters"
    township_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)                 # {"value": ...}: JSON scalars and lists alike
    updated_at: Mapped[datetime]
    updated_by: Mapped[str] = mapped_column(String(64))


class TownshipRole(Base):
    """A role a township declares for its own special-list items (乡镇农业农村办...), beside the
    county's registry (processes/roles.toml). Immutable once declared: names cached per process
    never go stale."""
    __tablename__ = "township_roles"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    township_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    level: Mapped[str] = mapped_column(String(16))            # township | village
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class TownshipParameterDefinition(Base):
    """A parameter a township declares for its own special-list items (county ones are in
    processes/parameters*.toml). Its value in force is `value` unless township_parameters holds one."""
    __tablename__ = "township_parameter_definitions"
    township_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(20))
    type: Mapped[str] = mapped_column(String(16))
    bounds: Mapped[dict] = mapped_column(JSON)                # {"min": ..., "max": ...}
    value: Mapped[dict] = mapped_column(JSON)                 # {"value": ...}: the default
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class CalendarDay(Base):
    """A date that breaks the Monday-to-Friday rule: a statutory holiday or a weekend worked
    (调休上班). `year` marks which years' arrangements are loaded (a year with none is counted
    Monday to Friday)."""
    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))             # holiday | workday
    name: Mapped[str] = mapped_column(String(40))


class CalendarYear(Base):
    """A year whose holiday arrangement is loaded, where it came from and who changed it last."""
    __tablename__ = "calendar_years"
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class IdempotencyKey(Base):
    """A client's Idempotency-Key on a start: a retry with the same key gets the same matter
    instead of a second one. Written in the unit of work that creates the matter."""
    __tablename__ = "idempotency_keys"
    actor: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    matter_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]


class DefinitionVersion(Base):
    """One executable version of an item: its BPMN and that of every process it calls."""
    __tablename__ = "definition_versions"
    __table_args__ = (UniqueConstraint("process_key", "bundle_sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str | None] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64))           # of the item's own file
    bundle_sha256: Mapped[str] = mapped_column(String(64))    # of the item and everything it calls
    files: Mapped[dict] = mapped_column(JSON)                 # file name -> BPMN text
    info: Mapped[dict] = mapped_column(JSON)                  # metadata, steps, forms (for reads)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    owner_org: Mapped[str | None] = mapped_column(String(64))   # None: a county item; else the township's special item
    loaded_at: Mapped[datetime]
    # draft -> published -> withdrawn, or superseded when a newer version is published; is_current
    # marks the one published version new matters start on.
    state: Mapped[str] = mapped_column(String(16), default="published", server_default="published")
    created_by: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]
    published_by: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(64))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class MatterRecord(Base):
    """A matter: one run of an item in one village."""
    __tablename__ = "instances"
    __table_args__ = (Index("ix_instances_due", "status", "next_timer_due"),
                      # The searches of /supervise and GET /api/v1/instances at a county's scale (issue 17):
                      # an item over a period, a period, an amount range.
                      Index("ix_instances_process_created", "process_key", "created_at"),
                      Index("ix_instances_created_at", "created_at"),
                      Index("ix_instances_amount", "amount"),
                      # Overdue matters of a township (a county: of its townships) by their earliest due step;
                      # with the id, a capped count is read from the index alone.
                      Index("ix_instances_township_step_due", "township_code", "step_due_at", "id"),
                      # Keyword search (PostgreSQL, pg_trgm): trigrams of the ASCII search text.
                      Index("ix_instances_search_trgm", "search_text", postgresql_using="gin",
                            postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("definition_versions.id"))
    process_key: Mapped[str] = mapped_column(String(64))
    village_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"), index=True)
    township_code: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), index=True)
    outcome: Mapped[str | None] = mapped_column(String(100))
    error: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Numeric(16, 2))   # searchable business field
    data: Mapped[dict] = mapped_column(JSON)                  # start data + every submitted field (latest)
    params: Mapped[dict] = mapped_column(JSON)                # township parameters copied at start
    state: Mapped[str] = mapped_column(Text)                  # spec-less SpiffWorkflow JSON
    serializer_version: Mapped[str] = mapped_column(String(16))
    next_timer_due: Mapped[datetime | None]
    # The earliest due time of its ready steps (None: none has one), kept by every save of the
    # matter: "overdue now" is `step_due_at < now`, one indexed column, not a join to the inbox.
    step_due_at: Mapped[datetime | None]
    # The subject and the data as keyword searches read them: JSON-escaped, so all ASCII (a Chinese
    # character is six characters, \u4fee): a trigram index then serves one-character keywords too.
    search_text: Mapped[str | None] = mapped_column(Text)
    waiting_timers: Mapped[list] = mapped_column(JSON)        # [{element, name, due}] for reads
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    sandbox: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())   # a test run (OrgUnit.sandbox)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    __mapper_args__ = {"version_id_col": version}             # a lost race raises StaleDataError


class InboxItem(Base):
    """A step that became ready: the to-do list of a role in a village. Synchronised with the
    workflow on every save of its matter; rows stay after completion (state `completed`, or
    `closed` when the engine withdrew the step), so a late second completion is told who did it."""
    __tablename__ = "inbox"
    __table_args__ = (Index("ix_inbox_ready", "state", "role", "village_code"),
                      Index("ix_inbox_state_due", "state", "due_at"),     # overdue steps now (考核, metrics)
                      # Overdue steps now per village (the 考核 dashboard): an index-only count over the ready
                      # steps alone (partial: the steps done are most rows). Issue 17: 0.9 s -> 46 ms at 1M.
                      Index("ix_inbox_ready_village_due", "village_code", "due_at",
                            postgresql_where=text("state = 'ready'"), sqlite_where=text("state = 'ready'")))
    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    state: Mapped[str] = mapped_column(String(16))            # ready | completed | closed
    matter_id: Mapped[int] = mapped_column("instance_id", ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    process_key: Mapped[str] = mapped_column(String(64))      # the item the step belongs to
    step_id: Mapped[str] = mapped_column(String(64))
    step_name: Mapped[str] = mapped_column(String(200))
    objection_intake: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(64), index=True)
    village_code: Mapped[str] = mapped_column(String(64), index=True)
    township_code: Mapped[str] = mapped_column(String(64), index=True)
    ready_since: Mapped[datetime]
    due_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None]
    # Of the step's form when it was completed: evidence (file) fields, and those given (考核).
    evidence_fields: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    evidence_given: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Attachment(Base):
    """An uploaded evidence file (minutes, ballots, contracts, invoices, photos). Linked to the
    matter whose step first used it; the bytes live once per sha256 in attachment_blobs."""
    __tablename__ = "attachments"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("attachment_blobs.sha256"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime]
    matter_id: Mapped[int | None] = mapped_column("instance_id", ForeignKey("instances.id"), index=True)


class MatterLink(Base):
    """A matter citing another through a form field of type `matter` (a seal use and its resolution,
    a mid-year decision and the annual authorisation): one row per citing matter and field, the
    latest citation. No foreign keys: either matter may be archived (its id stays), and the link
    with it."""
    __tablename__ = "matter_links"
    __table_args__ = (UniqueConstraint("matter_id", "field", name="uq_matter_links_field"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(Integer)            # the citing matter (the unique index leads with it)
    field: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))               # the step (or "start") whose form cited it
    cited_id: Mapped[int] = mapped_column(Integer, index=True)
    linked_by: Mapped[str] = mapped_column(String(64))
    linked_at: Mapped[datetime]


class AttachmentBlob(Base):
    """File contents, content-addressed: kept in the database so a file and the step that cites it
    commit together, on SQLite and PostgreSQL alike."""
    __tablename__ = "attachment_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class AuditEvent(Base):
    """Append-only, hash-chained. `at` is kept as the exact ISO text that was hashed."""
    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    event: Mapped[str] = mapped_column(String(40))   # not indexed: every read by type also names the matter or seq
    actor: Mapped[str] = mapped_column(String(64))
    matter_id: Mapped[int | None] = mapped_column("instance_id", Integer, index=True)
    payload: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, one row. Locking it serializes appends so that no two events
    claim the same sequence number or the same previous hash."""
    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """One row: the link up to which the chain was last verified (from the beginning, or from the
    checkpoint before, which was), and when the whole chain was last recomputed. A request's
    verification starts here: its cost is the events since, not the millions before (issue 17)."""
    __tablename__ = "audit_checkpoint"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime]
    full_at: Mapped[datetime | None]           # the last verification from the first event


class PublishedRecord(Base):
    """What a publicity point published (engine/disclosure.py), as the public sees it: the fields
    already masked and in words, the documents listed as public. Written in the unit of work of the
    action that published it, with the audit event that records it; the public portal reads only
    these rows and the catalogue, never a matter. A cancelled matter's records are withdrawn (kept
    for audit, no longer shown); `publicity_*` says whether the period it opened is still running."""
    __tablename__ = "published_records"
    __table_args__ = (Index("ix_published_village_section", "village_code", "section", "withdrawn_at"),
                      Index("ix_published_village_changed", "village_code", "changed_at"),
                      # a notice board's period; a printed verification code (a prefix of the hash)
                      Index("ix_published_village_published", "village_code", "published_at"),
                      Index("ix_published_content", "content_sha256"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign key: a record outlives its matter's move to archived_instances (migration 0022).
    matter_id: Mapped[int] = mapped_column(Integer, index=True)
    village_code: Mapped[str] = mapped_column(ForeignKey("org_units.code"))
    township_code: Mapped[str] = mapped_column(String(64))
    process_key: Mapped[str] = mapped_column(String(64))      # the item of the matter
    item_name: Mapped[str] = mapped_column(String(200))
    source_process: Mapped[str] = mapped_column(String(64))   # the process declaring it (a called one, say)
    element: Mapped[str] = mapped_column(String(64))          # the step or end event that published it
    task_id: Mapped[str | None] = mapped_column(String(36))
    role: Mapped[str | None] = mapped_column(String(64))      # who acted (for a joint step: the department)
    section: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str | None] = mapped_column(String(500))
    fields: Mapped[list] = mapped_column(JSON)                # [{label, text, value?, key?, masked?}]
    documents: Mapped[list] = mapped_column(JSON)             # [{id, name, size, content_type, sha256}]
    published_at: Mapped[datetime]
    audit_seq: Mapped[int] = mapped_column(Integer)           # the record_published event
    audit_hash: Mapped[str] = mapped_column(String(64))
    content_sha256: Mapped[str] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None]
    publicity_step: Mapped[str | None] = mapped_column(String(64))     # the objection intake it opens
    publicity_task_id: Mapped[str | None] = mapped_column(String(36))  # set while that period runs
    publicity_ends_at: Mapped[datetime | None]
    publicity_held_at: Mapped[datetime | None]                 # past its end, an online objection waiting
    changed_at: Mapped[datetime]                              # any change the portal shows (its ETags)


class PublicObjection(Base):
    """An objection a villager filed on the portal during a publicity period. The name and phone
    are optional and only the 村务监督委员会 of the matter sees them; the committee registers the
    objection by completing the period's objection intake step."""
    __tablename__ = "public_objections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("published_records.id", ondelete="CASCADE"), index=True)
    matter_id: Mapped[int] = mapped_column(Integer, index=True)        # no foreign key: see PublishedRecord
    task_id: Mapped[str] = mapped_column(String(36), index=True)
    text: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    source: Mapped[str] = mapped_column(String(64), index=True)   # a keyed hash of the sender's address
    received_at: Mapped[datetime]
    audit_seq: Mapped[int] = mapped_column(Integer)
    registered_at: Mapped[datetime | None]
    registered_by: Mapped[str | None] = mapped_column(String(64))
    # Or dismissed by the committee, with its reason (not an objection to this notice: spam,
    # another matter...). Until one or the other, the period is held past its end.
    dismissed_at: Mapped[datetime | None]
    dismissed_by: Mapped[str | None] = mapped_column(String(64))
    dismissal_reason: Mapped[str | None] = mapped_column(Text)
