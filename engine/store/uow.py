"""The unit of work: one transaction per user action, rolled back unless committed.

A read-only unit of work (`readonly=True`) is for answers that change nothing: on SQLite it begins
a deferred transaction (a reader among readers, never queued behind a writer's BEGIN IMMEDIATE), on
PostgreSQL a READ ONLY one; it cannot commit."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..errors import Conflict
from .identity_repositories import TokenRepository, UserRepository, lineage
from .repositories import (AttachmentRepository, AuditRepository, CalendarRepository, DefinitionRepository,
                           IdempotencyRepository,
                           InboxRepository, MatterRepository,
                           OrgRepository, ParameterRepository)


class UnitOfWork:
    def __init__(self, database, readonly: bool = False):
        self.database = database
        self.readonly = readonly

    def __enter__(self) -> "UnitOfWork":
        self.session = self.database.read_sessions() if self.readonly else self.database.sessions()
        self.definitions = DefinitionRepository(self.session)
        self.orgs = OrgRepository(self.session)
        self.parameters = ParameterRepository(self.session)
        self.matters = MatterRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.calendar = CalendarRepository(self.session)
        self.audit = AuditRepository(self.session)
        self.attachments = AttachmentRepository(self.session)
        self.users = UserRepository(self.session)
        self.tokens = TokenRepository(self.session)
        return self

    def __exit__(self, *exc_info) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Commit; a concurrent change to the same rows becomes a Conflict, never an overwrite."""
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        try:
            self.session.commit()
        except (StaleDataError, IntegrityError) as exc:
            self.session.rollback()
            raise Conflict("数据已被他人修改，请刷新后重试") from exc
        except OperationalError as exc:
            self.session.rollback()
            if "lock" in str(exc).lower() or "serializ" in str(exc).lower():
                raise Conflict("数据正被他人修改，请稍后重试") from exc
            raise

    def lineage(self, code: str) -> list[str]:
        """A unit's code and its ancestors' (village, township, county)."""
        return lineage(self.session, code)

    def flush(self) -> None:
        try:
            self.session.flush()
        except StaleDataError as exc:
            raise Conflict("数据已被他人修改，请刷新后重试") from exc
