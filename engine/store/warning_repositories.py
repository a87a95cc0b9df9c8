"""Repositories of supervision: warnings, the facts the red-line rules read, kinship registers and
sweeps."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import defer, object_session

from ..vocabulary import StepStatus, WarningStatus
from .keyset import Key, Ordering
from .repositories import paged
from .models import AuditEvent, InboxItem, MatterLink, MatterRecord, PublicObjection, PublishedRecord, RoleGrant, User
from .warning_models import RedlineSweep, RelatedPartyRecord, WarningMatter, WarningRecord, live_warning_naming

CHUNK = 500
WARNINGS = Ordering("w", (Key("first_seen_at", WarningRecord.first_seen_at, datetime),   # newest first
                          Key("id", WarningRecord.id, int)))


def bound_engine(events):
    """The database engine committed events (engine/committed.Committed) were written through."""
    bind = getattr(events, "bind", None)
    if bind is not None or not events:
        return bind
    session = object_session(events[0])
    return session.get_bind() if session is not None else None


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


class WarningRepository:
    def __init__(self, session):
        self.session = session

    def by_keys(self, keys: list[str]) -> dict[str, WarningRecord]:
        found = {}
        for start in range(0, len(keys), CHUNK):
            rows = self.session.scalars(select(WarningRecord).where(WarningRecord.key.in_(keys[start:start + CHUNK])))
            found.update({row.key: row for row in rows})
        return found

    def get(self, warning_id: int, lock: bool = False) -> WarningRecord | None:
        query = select(WarningRecord).where(WarningRecord.id == warning_id)
        return self.session.scalar((query.with_for_update() if lock else query)
                                   .execution_options(populate_existing=True))

    def awaiting_answer(self, units: set[str]) -> int:
        """How many warnings assigned to one of `units` wait for its answer."""
        return self.session.scalar(select(func.count()).select_from(WarningRecord).where(
            WarningRecord.assigned_unit.in_(units), WarningRecord.status == WarningStatus.ASSIGNED)) if units else 0

    def add(self, **columns) -> WarningRecord:
        row = WarningRecord(**columns)
        self.session.add(row)
        self.session.flush()
        self.session.add_all(WarningMatter(warning_id=row.id, matter_id=m) for m in row.matter_ids)
        return row

    def naming(self, matter_ids: list[int]) -> list[WarningRecord]:
        """Warnings that name any of these matters."""
        ids = set()
        for chunk in _chunks(list(matter_ids)):
            ids |= set(self.session.scalars(select(WarningMatter.warning_id).where(WarningMatter.matter_id.in_(chunk))))
        return [row for chunk in _chunks(sorted(ids))
                for row in self.session.scalars(select(WarningRecord).where(WarningRecord.id.in_(chunk)))]

    def of_village(self, village: str) -> list[WarningRecord]:
        return list(self.session.scalars(select(WarningRecord).where(WarningRecord.village_code == village)))

    def overdue_assignments(self, now: datetime, statuses: tuple) -> list[WarningRecord]:
        return list(self.session.scalars(select(WarningRecord).where(
            WarningRecord.status.in_(statuses), WarningRecord.assigned_due.is_not(None),
            WarningRecord.assigned_due < now).order_by(WarningRecord.id)))

    def _filtered(self, filters: dict, villages: set[str] | None, units: set[str] = frozenset()):
        query = select(WarningRecord)
        if villages is not None and units:
            query = query.where(or_(WarningRecord.village_code.in_(villages), WarningRecord.assigned_unit.in_(units)))
        elif villages is not None:
            query = query.where(WarningRecord.village_code.in_(villages))
        for column, name in (("status", "status"), ("severity", "severity"), ("rule_code", "rule"),
                             ("village_code", "village"), ("township_code", "township"),
                             ("assigned_unit", "assigned_unit")):
            value = filters.get(name)
            if isinstance(value, (list, tuple, set)):
                query = query.where(getattr(WarningRecord, column).in_(list(value)))
            elif value:
                query = query.where(getattr(WarningRecord, column) == value)
        if filters.get("matter_id") is not None:
            query = query.where(WarningRecord.id.in_(select(WarningMatter.warning_id).where(
                WarningMatter.matter_id == filters["matter_id"])))
        if filters.get("seen_from") is not None:
            query = query.where(WarningRecord.first_seen_at >= filters["seen_from"])
        if filters.get("seen_before") is not None:
            query = query.where(WarningRecord.first_seen_at < filters["seen_before"])
        if filters.get("overdue_at") is not None:
            query = query.where(WarningRecord.assigned_due < filters["overdue_at"])
        return query

    def search(self, filters: dict, villages: set[str] | None, offset: int, limit: int, after: str | None = None,
               units: set[str] = frozenset()):
        """Warnings, newest first, of `villages` (None: all) or assigned to one of `units`: the page
        from `offset` or after the cursor `after`, and their total (a Count with the next page's cursor)."""
        position = WARNINGS.read(after) if after is not None else None
        query = self._filtered(filters, villages, units)
        total = self.session.scalar(select(func.count()).select_from(query.subquery()))
        return paged(self.session, query, WARNINGS, offset, limit, position, total)

    def counts(self, villages: set[str] | None, since: datetime, before: datetime) -> list[tuple]:
        """(village, severity, status, count) of warnings first seen in [since, before)."""
        query = select(WarningRecord.village_code, WarningRecord.severity, WarningRecord.status, func.count()).where(
            WarningRecord.first_seen_at >= since, WarningRecord.first_seen_at < before)
        if villages is not None:
            query = query.where(WarningRecord.village_code.in_(villages))
        return list(self.session.execute(query.group_by(WarningRecord.village_code, WarningRecord.severity,
                                                        WarningRecord.status)))


class RedlineFactsRepository:
    """The rows the rules' facts are built from: matters, their completed steps (audit events),
    their ready steps, the village's role holders, its kinship register, objections never
    registered."""

    def __init__(self, session):
        self.session = session

    def villages_with_matters(self) -> list[str]:
        return list(self.session.scalars(select(MatterRecord.village_code).where(MatterRecord.sandbox.is_(False))
                                         .distinct().order_by(MatterRecord.village_code)))

    def matters_of_village(self, village: str) -> list[MatterRecord]:
        return list(self.session.scalars(select(MatterRecord).options(defer(MatterRecord.state))
                                         .where(MatterRecord.village_code == village, MatterRecord.sandbox.is_(False))
                                         .order_by(MatterRecord.id)))

    def sketches(self, ids: list[int]) -> list[tuple]:
        """(id, definition id, village, status, earliest due step, parameters, named by a live
        warning) of the matters that are not test runs: what tells whether any rule could find
        something on them after an event (engine/redlines/watches.py), in one indexed read."""
        m = MatterRecord
        return [tuple(row) for chunk in _chunks(sorted(ids)) for row in self.session.execute(
            select(m.id, m.definition_id, m.village_code, m.status, m.step_due_at, m.params, live_warning_naming(m.id))
            .where(m.id.in_(chunk), m.sandbox.is_(False)))]

    def matters(self, ids: list[int]) -> list[MatterRecord]:
        """The matters (the rules read their data and times, never the workflow state); a test run
        (试运行, sandbox) is never one: the red lines are about real villages."""
        return [row for chunk in _chunks(sorted(ids))
                for row in self.session.scalars(select(MatterRecord).options(defer(MatterRecord.state))
                                                .where(MatterRecord.id.in_(chunk), MatterRecord.sandbox.is_(False)))]

    def cited(self, ids: list[int]) -> list[MatterRecord]:
        """The matters these cite (matter_links), test runs left out."""
        cited = select(MatterLink.cited_id).where(MatterLink.matter_id.in_(sorted(ids)))
        return list(self.session.scalars(select(MatterRecord).options(defer(MatterRecord.state)).where(
            MatterRecord.id.in_(cited), MatterRecord.sandbox.is_(False)).order_by(MatterRecord.id)))

    def peers(self, village: str, process_keys: set[str], since: datetime, limit: int = 2000) -> list[MatterRecord]:
        """Matters of these items in the village created since then (what cross-matter rules read
        after one event)."""
        return list(self.session.scalars(select(MatterRecord).options(defer(MatterRecord.state)).where(
            MatterRecord.village_code == village, MatterRecord.process_key.in_(process_keys),
            MatterRecord.created_at >= since, MatterRecord.sandbox.is_(False)).order_by(MatterRecord.id.desc()).limit(limit)))

    def completed_steps(self, matter_ids: list[int]) -> list[tuple[AuditEvent, str | None]]:
        """(event, the display name of who did it: None when no user has that login) of each step
        completed in these matters, in the order they happened."""
        return [tuple(row) for chunk in _chunks(sorted(matter_ids)) for row in self.session.execute(
            select(AuditEvent, User.display_name).outerjoin(User, User.username == AuditEvent.actor)
            .where(AuditEvent.matter_id.in_(chunk), AuditEvent.event == "step_completed")
            .order_by(AuditEvent.seq))]

    def ready_steps(self, matter_ids: list[int]) -> list[InboxItem]:
        return [row for chunk in _chunks(sorted(matter_ids)) for row in self.session.scalars(
            select(InboxItem).where(InboxItem.matter_id.in_(chunk), InboxItem.state == StepStatus.READY))]

    def holders(self, village: str) -> list[tuple]:
        """(username, display name, role) of grants made in the village itself."""
        return list(self.session.execute(select(User.username, User.display_name, RoleGrant.role)
                                         .join(RoleGrant, RoleGrant.user_id == User.id)
                                         .where(RoleGrant.org_code == village, User.active.is_(True))))

    def unregistered_objections(self, matter_ids: list[int]) -> list[tuple]:
        """(objection, period closed?) for objections filed online and never registered."""
        found = []
        for chunk in _chunks(sorted(matter_ids)):
            rows = list(self.session.scalars(select(PublicObjection).where(
                PublicObjection.matter_id.in_(chunk), PublicObjection.registered_at.is_(None))))
            if not rows:
                continue
            open_tasks = set(self.session.scalars(select(InboxItem.task_id).where(
                InboxItem.task_id.in_({r.task_id for r in rows}), InboxItem.state == StepStatus.READY)))
            found += [(row, row.task_id not in open_tasks) for row in rows]
        return found

    def related(self, village: str) -> list[RelatedPartyRecord]:
        return list(self.session.scalars(select(RelatedPartyRecord).where(RelatedPartyRecord.village_code == village)
                                         .order_by(RelatedPartyRecord.id)))

    def add_related(self, **columns) -> RelatedPartyRecord:
        row = RelatedPartyRecord(**columns)
        self.session.add(row)
        self.session.flush()
        return row

    def remove_related(self, row_id: int, village: str) -> bool:
        result = self.session.execute(delete(RelatedPartyRecord).where(RelatedPartyRecord.id == row_id,
                                                                       RelatedPartyRecord.village_code == village))
        return result.rowcount > 0

    def publicity_flagged(self, villages: set[str] | None, since: datetime, before: datetime,
                          flagging_rules: tuple, dismissed: str) -> list:
        """(village, matters created in [since, before) with a record shown that a publicity rule's
        warning, not dismissed, names). Read from the warnings side: there are few of them."""
        flagged = (select(WarningMatter.matter_id).join(WarningRecord, WarningRecord.id == WarningMatter.warning_id)
                   .where(WarningRecord.rule_code.in_(flagging_rules), WarningRecord.status != dismissed))
        shown = select(PublishedRecord.id).where(PublishedRecord.matter_id == MatterRecord.id,
                                                 PublishedRecord.withdrawn_at.is_(None)).exists()
        query = (select(MatterRecord.village_code, func.count()).where(
            MatterRecord.id.in_(flagged), MatterRecord.created_at >= since, MatterRecord.created_at < before, shown)
            .group_by(MatterRecord.village_code))
        if villages is not None:
            query = query.where(MatterRecord.village_code.in_(villages))
        return list(self.session.execute(query))

    def late_open(self, villages: set[str] | None, start: datetime, until: datetime) -> list:
        """(village, n): steps still not done whose time limit fell in [start, until): due in that
        period and late, though nobody has completed them (the tallies count a step when it is)."""
        query = select(InboxItem.village_code, func.count()).where(
            InboxItem.state == StepStatus.READY, InboxItem.due_at >= start, InboxItem.due_at < until)
        if villages is not None:
            query = query.where(InboxItem.village_code.in_(villages))
        return list(self.session.execute(query.group_by(InboxItem.village_code)))

    def overdue_now(self, villages: set[str] | None, now: datetime) -> list:
        query = select(InboxItem.village_code, func.count()).where(
            InboxItem.state == StepStatus.READY, InboxItem.due_at.is_not(None), InboxItem.due_at < now)
        if villages is not None:
            query = query.where(InboxItem.village_code.in_(villages))
        return list(self.session.execute(query.group_by(InboxItem.village_code)))


class SweepRepository:
    def __init__(self, session):
        self.session = session

    def add(self, **columns) -> RedlineSweep:
        row = RedlineSweep(**columns)
        self.session.add(row)
        self.session.flush()
        return row

    def last_finished(self) -> RedlineSweep | None:
        return self.session.scalar(select(RedlineSweep).where(RedlineSweep.finished_at.is_not(None))
                                   .order_by(RedlineSweep.started_at.desc()).limit(1))


