"""The unit of work: one transaction per user action, rolled back unless committed.

A read-only unit of work (`readonly=True`) is for answers that change nothing: on SQLite it begins
a deferred transaction (a reader among readers, never queued behind a writer's BEGIN IMMEDIATE), on
PostgreSQL a READ ONLY one; it cannot commit.

An optimistic unit of work (`optimistic=True`) reads before it takes SQLite's one write lock and
takes it at its first write (or locking read): what it read may have changed by then, so it is only
for an action whose every write that depends on its reads is guarded by a version or a state in
its WHERE clause, and whose caller does it again, in turn, when a guard says it lost the race
(LostRace). A step completion is such an action; its reads and SpiffWorkflow's run then happen
while another process writes (issue 17). On PostgreSQL it is a unit of work like any: the row
locks it reads with are the guards."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .. import committed
from ..errors import Conflict
from .identity_repositories import TokenRepository, UserRepository, lineage
from .publication_repositories import PortalRecordRepository, PublicationRepository, PublicObjectionRepository
from .repositories import (AttachmentRepository, AuditRepository, CalendarRepository, DefinitionRepository,
                           IdempotencyRepository, InboxRepository, MatterRepository, OrgRepository,
                           ParameterRepository, PublicOrgs, TownshipRoleRepository)
from .operations_repositories import ArchiveRepository, HeartbeatRepository, IncidentRepository
from .warning_repositories import RedlineFactsRepository, SweepRepository, WarningRepository
from .complaint_repositories import (ComplaintRepository, ExclusionRepository, OutboxRepository,
                                     PortalComplaintRepository)
from .anchor_repositories import AnchorRepository, PublicAnchors
from .tally_repositories import TallyRepository
from .link_repositories import MatterLinkRepository


class _Transaction:
    """One session, rolled back unless committed."""

    def __init__(self, database, readonly: bool = False, optimistic: bool = False):
        self.database = database
        self.readonly = readonly
        self.optimistic = optimistic and not readonly
        self.saved: dict = {}          # matter id -> (row, bundle) of the matters this unit of work saved
        self.parsed: dict = {}         # matter id -> (state text, bundle, workflow) to keep once committed

    def _session(self):
        if self.readonly:
            return self.database.read_sessions()
        return self.database.late_sessions() if self.optimistic else self.database.sessions()

    def __exit__(self, *exc_info) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Commit; a concurrent change to the same rows becomes a Conflict, never an overwrite."""
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            self.audit.write_pending()
            self.session.commit()
        except (StaleDataError, IntegrityError) as exc:
            self.session.rollback()
            raise Conflict("数据已被他人修改，请刷新后重试") from exc
        except OperationalError as exc:
            self.session.rollback()
            if "lock" in str(exc).lower() or "serializ" in str(exc).lower():
                raise Conflict("数据正被他人修改，请稍后重试") from exc
            raise
        finally:
            self.audit.transaction_ended()
        for matter_id, (text, bundle, workflow) in self.parsed.items():
            self.database.workflows.put(matter_id, text, bundle, workflow)   # what is stored is what it holds
        self.parsed.clear()
        warned = getattr(getattr(self, "matters", None), "warned", {})
        committed.announce(self.audit.appended, {matter_id: committed.Saved(record, bundle, warned.get(matter_id))
                                                 for matter_id, (record, bundle) in self.saved.items()},
                           self.database.engine)

    def rollback(self) -> None:
        """Undo everything since the last commit and go on in a new transaction (the events appended
        since are dropped with it: a commit after this announces none of them)."""
        self.session.rollback()
        self.audit.transaction_ended()
        self.audit.appended.clear()
        self.saved.clear()
        self.parsed.clear()

    def bundle_key(self, version_id: int) -> tuple[str, str] | None:
        """(item key, bundle hash) of a definition version: its content never changes under its id,
        so it is kept per database once read from a committed row (not from a version this unit
        of work stored: that one may yet be rolled back and its id given to another)."""
        known = self.database.bundle_keys.get(version_id)
        if known is None:
            version = self.definitions.get(version_id)
            if version is None:
                return None
            known = (version.process_key, version.bundle_sha256)
            if not self.definitions.stored:
                self.database.bundle_keys[version_id] = known
        return known

    def lineage(self, code: str) -> list[str]:
        """A unit's code and its ancestors' (village, township, county). Units are added, never
        moved or deleted, so a chain read up to the county stays true: it is kept per database
        (every scope check of every request asks it), unless this unit of work added units itself
        (they may yet be rolled back)."""
        known = self.database.lineages.get(code)
        if known is not None:
            return list(known)
        codes = lineage(self.session, code)
        top = self.orgs.get(codes[-1]) if codes else None
        if top is not None and top.parent_code is None and not self.orgs.added:
            self.database.lineages[code] = tuple(codes)
        return codes


class UnitOfWork(_Transaction):
    def __enter__(self) -> "UnitOfWork":
        self.session = self._session()
        self.definitions = DefinitionRepository(self.session)
        self.orgs = OrgRepository(self.session)
        self.parameters = ParameterRepository(self.session)
        self.township_roles = TownshipRoleRepository(self.session)
        self.matters = MatterRepository(self.session)
        self.inbox = InboxRepository(self.session, new_matters=self.matters.added)
        self.idempotency = IdempotencyRepository(self.session)
        self.calendar = CalendarRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.heartbeats = HeartbeatRepository(self.session)
        self.incidents = IncidentRepository(self.session)
        self.archive = ArchiveRepository(self.session)
        self.attachments = AttachmentRepository(self.session)
        self.users = UserRepository(self.session)
        self.tokens = TokenRepository(self.session)
        self.publications = PublicationRepository(self.session)
        self.public_objections = PublicObjectionRepository(self.session)
        self.warnings = WarningRepository(self.session)              # red lines (issue 12)
        self.redline_facts = RedlineFactsRepository(self.session)
        self.sweeps = SweepRepository(self.session)
        self.tallies = TallyRepository(self.session)               # 考核 counts per village and month
        self.complaints = ComplaintRepository(self.session)        # issue 11
        self.exclusions = ExclusionRepository(self.session)
        self.outbox = OutboxRepository(self.session)
        self.anchors = AnchorRepository(self.session)
        self.links = MatterLinkRepository(self.session)              # matters citing matters (issue 13)
        return self

    def flush(self) -> None:
        try:
            self.session.flush()
            self.audit.write_pending()
        except StaleDataError as exc:
            raise Conflict("数据已被他人修改，请刷新后重试") from exc


class PublicDocuments:
    """Attachments by id and their bytes: nothing else of the attachment store (which files may be
    read is the portal service's decision: only those a published record lists)."""

    def __init__(self, session):
        self._attachments = AttachmentRepository(session)

    def get(self, attachment_id: str):
        return self._attachments.get(attachment_id)

    def content(self, sha256: str) -> bytes:
        return self._attachments.content(sha256)


class PortalUnitOfWork(_Transaction):
    """What the public portal may touch, and nothing more: published records, the organisation
    units, the catalogue (current definition versions), the documents records list, objections
    filed online and the audit chain to record them. No matters, no inbox, no users: nothing
    private is reachable from /public by construction (tests/unit/test_layering.py)."""

    def __enter__(self) -> "PortalUnitOfWork":
        self.session = self._session()
        self.records = PortalRecordRepository(self.session)
        self.orgs = PublicOrgs(self.session)           # no 试运行村 (sandbox) in public
        self.catalogue = DefinitionRepository(self.session)
        self.documents = PublicDocuments(self.session)
        self.objections = PublicObjectionRepository(self.session)
        self.audit = AuditRepository(self.session)
        # The township's rules are public (time limits, telephones on its flowcharts).
        self.parameters = ParameterRepository(self.session)
        self.township_roles = TownshipRoleRepository(self.session)    # the lanes' names on its charts
        # Complaints filed online, their 查询码 lookups, the anonymised cases (never a reporter read).
        self.complaints = PortalComplaintRepository(self.session)
        # The daily anchors of the audit chain and the events published records come from (public).
        self.anchors = PublicAnchors(self.session)
        return self
