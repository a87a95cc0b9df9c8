"""Repositories: every query the services need, named for what it answers."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, exists, false, func, inspect, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import defer
from sqlalchemy.orm.attributes import set_committed_value

from ..audit import GENESIS, event_hash_and_payload
from ..errors import Conflict, LostRace
from ..vocabulary import MatterStatus, StepStatus
from ..registry import Parameter, Role
from ..workdays import WorkCalendar, YearArrangement
from .operations_models import ArchivedMatter
from .complaint_models import MatterExclusion
from .keyset import Key, Ordering
from .warning_models import live_warning_naming
from .models import (Attachment, AttachmentBlob, AuditCheckpoint, AuditEvent, AuditHead, CalendarDay, CalendarYear,
                     DefinitionVersion, EncodedJSON, IdempotencyKey, InboxItem, MatterRecord, OrgUnit,
                     TownshipParameter, TownshipParameterDefinition, TownshipRole)


class _Repository:
    def __init__(self, session):
        self.session = session


@dataclass(frozen=True)
class Scope:
    """Whole townships and single villages (OrgRepository.scope)."""
    townships: frozenset
    villages: frozenset

    def where(self, township_column, village_column):
        """The condition "in scope" on a table's township and village columns."""
        parts = ([township_column.in_(self.townships)] if self.townships else []) + (
            [village_column.in_(self.villages)] if self.villages else [])
        return or_(false(), *parts)


FIRST_SLICE = 512           # the newest matters a keyword search reads first (MatterRepository._keyword_page)
COUNT_CAP = 1_000          # rows counted for a list's total; past it the total is "more than 1,000"


class Count(int):
    """The total of a list, counted up to COUNT_CAP: past it `exact` is False and the value is the
    cap, a lower bound ("1,000 件以上"). Counting a million rows cost more than the page of twenty
    it stands beside (issue 17); nobody pages through a thousand, they narrow the search.

    It comes back with a page, and says where the list goes on: `next_cursor`, the cursor of the
    page after that one (keyset.py), None when no row follows."""
    exact: bool = True
    next_cursor: str | None = None

    def __new__(cls, value: int, exact: bool = True, next_cursor: str | None = None) -> "Count":
        count = super().__new__(cls, value)
        count.exact, count.next_cursor = exact, next_cursor
        return count


def count_rows(session, query, key_column) -> Count:
    """How many rows `query` (a select) matches, up to the cap: see Count."""
    keys = query.with_only_columns(key_column).order_by(None).limit(COUNT_CAP + 1)
    counted = session.scalar(select(func.count()).select_from(keys.subquery()))
    return Count(COUNT_CAP, exact=False) if counted > COUNT_CAP else Count(counted)


def paged(session, query, ordering: Ordering, offset: int, limit: int, position: tuple | None,
          total: int) -> tuple[list, Count]:
    """A page of `query` (a select of one entity) in `ordering`: after the row at `position` (the key
    values of a cursor, Ordering.read) or else from `offset`; with `total`, as a Count, carrying the
    cursor of the next page when a row follows (one row more is read to know)."""
    if position is not None:
        query = query.where(ordering.after(position))
    rows = list(session.scalars(query.order_by(*ordering.order_by()).offset(offset).limit(limit + 1)))
    return rows[:limit], _with_next(total, ordering, rows, limit)


def _with_next(total: int, ordering: Ordering, rows: list, limit: int) -> Count:
    more = len(rows) > limit
    return Count(total, getattr(total, "exact", True), ordering.cursor(rows[limit - 1]) if more and limit else None)


# The lists' orders (keyset.py): matters newest first by number, or within a period by start time;
# ready steps by how long they have waited, the newest first.
MATTERS_BY_NUMBER = Ordering("m", (Key("id", MatterRecord.id, int),))
MATTERS_BY_START = Ordering("mt", (Key("created_at", MatterRecord.created_at, datetime),
                                   Key("id", MatterRecord.id, int)))
READY_STEPS = Ordering("t", (Key("ready_since", InboxItem.ready_since, datetime),
                             Key("task_id", InboxItem.task_id, str, descending=False, length=36)))


class DefinitionRepository(_Repository):
    def find(self, process_key: str, bundle_sha256: str) -> DefinitionVersion | None:
        return self.session.scalar(select(DefinitionVersion).filter_by(
            process_key=process_key, bundle_sha256=bundle_sha256))

    stored = False            # this unit of work stored a version (see UnitOfWork.bundle_key)

    def add(self, **columns) -> DefinitionVersion:
        self.stored = True
        version = DefinitionVersion(**columns)
        self.session.add(version)
        self.session.flush()
        return version

    def make_current(self, version: DefinitionVersion, by: str | None = None, at: datetime | None = None) -> None:
        """Publish a version: new matters start on it; the version published before is superseded."""
        others = and_(DefinitionVersion.process_key == version.process_key, DefinitionVersion.id != version.id)
        self.session.execute(update(DefinitionVersion).where(others, DefinitionVersion.state == "published")
                             .values(state="superseded"))
        self.session.execute(update(DefinitionVersion).where(others).values(is_current=False))
        if version.state != "published":
            version.published_at, version.published_by = at or version.loaded_at, by
            version.withdrawn_at = version.withdrawn_by = version.withdraw_reason = None
        version.is_current, version.state = True, "published"

    def make_draft(self, version: DefinitionVersion, by: str) -> None:
        version.is_current, version.state, version.created_by = False, "draft", by

    def withdraw(self, version: DefinitionVersion, by: str, at: datetime, reason: str) -> None:
        version.is_current, version.state = False, "withdrawn"
        version.withdrawn_by, version.withdrawn_at, version.withdraw_reason = by, at, reason

    def versions(self, process_key: str) -> list[DefinitionVersion]:
        """Every stored version of an item, the newest first."""
        return list(self.session.scalars(select(DefinitionVersion).filter_by(process_key=process_key)
                                         .order_by(DefinitionVersion.id.desc())))

    def of_owner(self, owner_org: str) -> list[DefinitionVersion]:
        """Every version of a township's special items, by item, the newest first."""
        return list(self.session.scalars(select(DefinitionVersion).filter_by(owner_org=owner_org)
                                         .order_by(DefinitionVersion.process_key, DefinitionVersion.id.desc())))

    def matter_counts(self, process_key: str) -> dict[int, dict]:
        """{version id: {"running": n, "total": n}}: the matters started on each version; test runs
        (试运行, sandbox matters) are not matters and are not counted."""
        rows = self.session.execute(select(MatterRecord.definition_id, MatterRecord.status, func.count())
                                    .filter_by(process_key=process_key)
                                    .where(MatterRecord.sandbox.is_(False))
                                    .group_by(MatterRecord.definition_id, MatterRecord.status))
        counts: dict[int, dict] = {}
        for definition_id, status, n in rows:
            row = counts.setdefault(definition_id, {"running": 0, "total": 0})
            row["total"] += n
            row["running"] += n if status == MatterStatus.RUNNING else 0
        return counts

    def get(self, version_id: int) -> DefinitionVersion | None:
        return self.session.get(DefinitionVersion, version_id)

    def current(self, process_key: str, light: bool = False) -> DefinitionVersion | None:
        """The version new matters start on; `light`: without its files and metadata (read if
        asked for: a start takes the parsed bundle from the cache and needs neither)."""
        if light:
            return self.session.scalar(_CURRENT_LIGHT, {"process_key": process_key})
        return self.session.scalar(select(DefinitionVersion).filter_by(process_key=process_key, is_current=True))

    def list_current(self, files: bool = False, info: bool = True) -> list[DefinitionVersion]:
        """Every current version: its BPMN `files` only when asked (the parse checks need them; the
        lists and charts do not, and decoding the whole list's 4 MB of BPMN cost a public flowchart
        29 ms against 6.5), its metadata `info` unless told not (a chart's item names need none)."""
        # NULLS LAST said out loud: SQLite sorts a NULL first, PostgreSQL last; the catalogue is the same on both.
        query = (select(DefinitionVersion).filter_by(is_current=True)
                 .order_by(DefinitionVersion.category.asc().nulls_last(), DefinitionVersion.process_key))
        deferred = [column for column, wanted in ((DefinitionVersion.files, files), (DefinitionVersion.info, info))
                    if not wanted]
        return list(self.session.scalars(query.options(*(defer(c) for c in deferred))))

    def names(self) -> dict[str, str]:
        """Every item's name, withdrawn and draft-only items too (their matters still show it): the
        current version's, else the newest version's."""
        rows = self.session.execute(select(DefinitionVersion.process_key, DefinitionVersion.name)
                                    .order_by(DefinitionVersion.is_current, DefinitionVersion.id))
        return {key: name for key, name in rows}        # later rows win: the newest, then the current

    def latest_id(self) -> int:
        """Grows with every version stored: the catalogue's version for caches."""
        return self.session.scalar(select(func.max(DefinitionVersion.id))) or 0


# Built once: every start reads it (building the statement cost about as much as running it).
_CURRENT_LIGHT = (select(DefinitionVersion).where(DefinitionVersion.process_key == bindparam("process_key"),
                                                  DefinitionVersion.is_current.is_(True))
                  .options(defer(DefinitionVersion.files), defer(DefinitionVersion.info)))


class OrgRepository(_Repository):
    added = False             # this unit of work added a unit (see UnitOfWork.lineage)

    def get(self, code: str) -> OrgUnit | None:
        return self.session.get(OrgUnit, code)

    def add(self, **columns) -> OrgUnit:
        self.added = True
        unit = OrgUnit(**columns)
        self.session.add(unit)
        self.session.flush()
        return unit

    def list(self, level: str | None = None) -> list[OrgUnit]:
        query = select(OrgUnit).order_by(OrgUnit.level, OrgUnit.code)
        return list(self.session.scalars(query.filter_by(level=level) if level else query))

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(OrgUnit))

    def scope(self, codes: set[str]) -> "Scope":
        """What `codes` reach, as few codes as possible: whole townships (a county is its
        townships) and single villages. Lists filter on these two short lists rather than on
        every village's code (three hundred for a county)."""
        levels = dict(self.session.execute(select(OrgUnit.code, OrgUnit.level).where(OrgUnit.code.in_(codes))).all())
        counties = {c for c, level in levels.items() if level == "county"}
        townships = {c for c, level in levels.items() if level == "township"}
        if counties:
            townships |= set(self.session.scalars(select(OrgUnit.code).where(OrgUnit.parent_code.in_(counties))))
        return Scope(frozenset(townships), frozenset(c for c, level in levels.items() if level == "village"))

    def within(self, codes: set[str]) -> set[str]:
        """The given units and every unit below them."""
        found, frontier = set(codes), set(codes)
        while frontier:
            frontier = set(self.session.scalars(select(OrgUnit.code).where(OrgUnit.parent_code.in_(frontier)))) - found
            found |= frontier
        return found


class PublicOrgs(OrgRepository):
    """The units as the public sees them: a township's 试运行村 (sandbox) does not exist there."""

    def get(self, code: str) -> OrgUnit | None:
        unit = super().get(code)
        return None if unit is None or unit.sandbox else unit

    def list(self, level: str | None = None) -> list[OrgUnit]:
        return [u for u in super().list(level) if not u.sandbox]

    def within(self, codes: set[str]) -> set[str]:
        inside = super().within(codes)
        hidden = set(self.session.scalars(select(OrgUnit.code).where(OrgUnit.sandbox.is_(True), OrgUnit.code.in_(inside))))
        return inside - hidden


class ParameterRepository(_Repository):
    def overrides(self, township_code: str) -> dict:
        rows = self.session.scalars(select(TownshipParameter).filter_by(township_code=township_code))
        return {row.name: row.value["value"] for row in rows}

    def set(self, township_code: str, name: str, value, actor: str, at: datetime) -> None:
        row = self.session.get(TownshipParameter, (township_code, name))
        if row is None:
            row = TownshipParameter(township_code=township_code, name=name)
            self.session.add(row)
        row.value, row.updated_by, row.updated_at = {"value": value}, actor, at

    def township_defined(self, township_code: str) -> dict[str, Parameter]:
        """The parameters a township declared for its own items, by name."""
        rows = self.session.scalars(select(TownshipParameterDefinition).filter_by(township_code=township_code)
                                    .order_by(TownshipParameterDefinition.name))
        return {row.name: Parameter(row.name, row.label, row.value["value"], row.bounds.get("min"),
                                    row.bounds.get("max"), row.unit, row.type, township_code,
                                    row.bounds.get("pattern")) for row in rows}

    def define(self, parameter: Parameter, actor: str, at: datetime) -> None:
        self.session.add(TownshipParameterDefinition(
            township_code=parameter.township, name=parameter.name, label=parameter.label, unit=parameter.unit,
            type=parameter.type, bounds={"min": parameter.minimum, "max": parameter.maximum,
                                         **({"pattern": parameter.pattern} if parameter.pattern else {})},
            value={"value": parameter.value}, created_by=actor, created_at=at))
        self.session.flush()


class TownshipRoleRepository(_Repository):
    """The roles townships declared for their own items (the county's are processes/roles.toml)."""

    def get(self, code: str) -> Role | None:
        row = self.session.get(TownshipRole, code)
        return Role(row.code, row.name, row.level) if row is not None else None

    def township_of(self, code: str) -> str | None:
        return self.session.scalar(select(TownshipRole.township_code).where(TownshipRole.code == code))

    def of_township(self, township_code: str) -> dict[str, Role]:
        rows = self.session.scalars(select(TownshipRole).filter_by(township_code=township_code)
                                    .order_by(TownshipRole.code))
        return {row.code: Role(row.code, row.name, row.level) for row in rows}

    def all(self) -> dict[str, Role]:
        return {row.code: Role(row.code, row.name, row.level) for row in self.session.scalars(select(TownshipRole))}

    def add(self, township_code: str, role: Role, actor: str, at: datetime) -> None:
        self.session.add(TownshipRole(code=role.code, township_code=township_code, name=role.name, level=role.level,
                                      created_by=actor, created_at=at))
        self.session.flush()


class MatterRepository(_Repository):
    def __init__(self, session):
        super().__init__(session)
        # matter id -> whether a live red-line warning named it when this unit of work read it
        # (a matter it added: none can); engine/services/redlines.py reads it after the commit.
        self.warned: dict[int, bool] = {}
        self.added: set[int] = set()               # matters this unit of work inserted
        self.read_plain: set[int] = set()          # matters read with a plain statement (for_step)

    def add(self, **columns) -> MatterRecord:
        record = MatterRecord(**columns)
        if record.id is None and self.session.bind.dialect.name == "sqlite":
            # SQLite numbers a row one past the highest id in the table, so once the newest matters
            # were archived it would hand their ids out again (and their audit events would seem
            # to belong to the new matter). Writers are serialized there (BEGIN IMMEDIATE): safe.
            # PostgreSQL's sequence never goes back.
            record.id = 1 + self.session.scalar(select(func.max(
                func.coalesce(select(func.max(MatterRecord.id)).scalar_subquery(), 0),
                func.coalesce(select(func.max(ArchivedMatter.id)).scalar_subquery(), 0))))
        self.session.add(record)
        self.session.flush()
        self.warned[record.id] = False
        self.added.add(record.id)
        return record

    def write(self, record: MatterRecord) -> None:
        """Write what an action changes of a matter's row (SAVED_COLUMNS) as the record holds it, in
        one UPDATE guarded by its version (a lost race raises Conflict), and mark it written: the
        ORM's unit of work then has nothing to do for it. A record not yet inserted is left to
        the unit of work."""
        state = inspect(record)
        if not (state.persistent or record.id in self.read_plain):
            return
        values = {name: getattr(record, name) for name in SAVED_COLUMNS}
        version = record.version
        result = self.session.connection().execute(_WRITE_MATTER, {**values, "matter_id": record.id,
                                                                   "old_version": version, "new_version": version + 1})
        if result.rowcount != 1:
            raise LostRace("数据已被他人修改，请刷新后重试")
        for name, value in values.items():
            set_committed_value(record, name, value)
        set_committed_value(record, "version", version + 1)
        if not state.committed_state:      # no other change waits: the unit of work need not look at it
            state._commit_all(state.dict, self.session.identity_map)

    def for_step(self, task_id: str, username: str | None) -> tuple[MatterRecord | None, bool]:
        """The matter a step belongs to, locked as `get(lock=True)` locks, and whether it is withheld
        from `username` (None: from nobody), in one statement; with it, whether a live red-line
        warning names the matter (kept in `warned`: the red-line check after the commit needs no
        read of its own to know it)."""
        row = self.session.connection().execute(_MATTER_OF_STEP, {"task_id": task_id, "username": username or ""}).first()
        if row is None:
            return None, False
        record = plain(MatterRecord, _MATTER_KEYS, row)
        self.read_plain.add(record.id)
        self.warned[record.id] = bool(row[-1])
        return record, bool(row[-2])

    def get(self, matter_id: int, lock: bool = False) -> MatterRecord | None:
        """With lock=True the row is held (SELECT ... FOR UPDATE on PostgreSQL) until the unit of
        work ends: a second completion of the same matter waits, then sees the step already done."""
        query = select(MatterRecord).where(MatterRecord.id == matter_id)
        return self.session.scalar(query.with_for_update() if lock else query)

    def definition_of(self, matter_id: int) -> int | None:
        """The definition version a matter runs on: one narrow read, without its state."""
        return self.session.scalar(select(MatterRecord.definition_id).where(MatterRecord.id == matter_id))

    def subjects(self, ids) -> dict[int, str]:
        """{matter id: subject} of these matters: one narrow read for a list that names them (the
        caller found the ids within the reader's reach)."""
        ids = list(ids)
        return dict(self.session.execute(select(MatterRecord.id, MatterRecord.subject)
                                         .where(MatterRecord.id.in_(ids))).all()) if ids else {}

    def search(self, filters: dict, scope: Scope | None, offset: int, limit: int,
               hidden_from: str | None = None, after: str | None = None) -> tuple[list[MatterRecord], Count]:
        """Matters matching the filters, within `scope` (None: everywhere): the page from `offset`,
        or after the cursor `after` (keyset.py; InvalidData when it is not one of this search's
        order), and the total, with the cursor of the next page (Count.next_cursor).

        Filters: equality on process_key, village_code, township_code, status; `created_from`
        (inclusive) and `created_before` (exclusive) datetimes; `amount_min` / `amount_max`
        (inclusive; a matter without an amount matches neither); `overdue_at`: a datetime, only
        matters with a ready step due before it (their step_due_at, never the workflow state);
        `ids`: only these matters; `keyword`: in the subject or the data, the matter's number, or
        (with `people`, login names whose display names match it) who started it or did a step;
        `hidden_from`: a user name; matters withheld from that user (matter_exclusions: a complaint
        about them) are left out; `sandbox`: test runs (试运行) instead of real matters, which are
        never listed with them."""
        # Newest first. Within a period, by the start time the period is on (its index gives the
        # order too), else the numbers: walking the numbers back to the period's rare matters
        # read half the table when numbers and start times part (matters moved in by SQL). A
        # keyword search on PostgreSQL goes by number (_keyword_page).
        by_keyword = bool(filters.get("keyword")) and self.session.bind.dialect.name == "postgresql"
        dated = filters.get("created_from") is not None or filters.get("created_before") is not None
        ordering = MATTERS_BY_START if dated and not by_keyword else MATTERS_BY_NUMBER
        position = ordering.read(after) if after is not None else None
        query = select(MatterRecord).where(MatterRecord.sandbox.is_(bool(filters.get("sandbox"))))
        if scope is not None:
            query = query.where(scope.where(MatterRecord.township_code, MatterRecord.village_code))
        if hidden_from:
            query = query.where(MatterRecord.id.not_in(_withheld_from(hidden_from)))
        for column in ("process_key", "village_code", "township_code", "status"):
            if filters.get(column):
                query = query.where(getattr(MatterRecord, column) == filters[column])
        query = self._ranges(query, filters)
        if filters.get("overdue_at") is not None:
            query = self._overdue(query, filters["overdue_at"])
        if filters.get("keyword"):
            people = filters.get("people") or set()
            if by_keyword:
                return self._keyword_page(query, filters["keyword"], people, offset, limit, position)
            query = query.where(self._keyword(filters["keyword"], people))
        total = count_rows(self.session, query, MatterRecord.id)
        return paged(self.session, query.options(defer(MatterRecord.state)), ordering, offset, limit, position, total)

    def _keyword_page(self, query, keyword: str, people: set[str], offset: int, limit: int,
                      position: tuple | None = None):
        """A keyword search's page on PostgreSQL (issue 17). The planner cannot tell a keyword in one
        matter of ten from one in none, and either guess costs a million-row table a tenth of a
        second, so the page is found in two tries. First the newest FIRST_SLICE matters (after a
        cursor: the FIRST_SLICE numbers below it), read by number without the trigram index: a
        common keyword fills the page there (its total is then "at least" the page). Else the
        keyword is rare: the trigram index gives its matches' numbers, up to the cap (the total),
        and the page is cut from them. One row more than the page is looked for, to know whether
        a next page follows: a first try that finds the page but not that row goes on to the
        second, else the last page of a keyword found exactly page by page offered an empty one."""
        wanted = offset + limit
        numbers = query.with_only_columns(MatterRecord.id).order_by(MatterRecord.id.desc())
        if position is not None:
            newest = position[0] - 1
            following = numbers.where(MatterRecord.id < position[0])
        else:
            newest = self.session.scalar(select(func.max(MatterRecord.id))) or 0
            following = numbers
        found = list(self.session.scalars(following.where(self._keyword(keyword, people, indexed=False),
                                                          MatterRecord.id > newest - FIRST_SLICE).limit(wanted + 1)))
        if len(found) > wanted:
            page, total, more = found[offset:wanted], Count(wanted, exact=False), True
        else:
            ids = list(self.session.scalars(numbers.order_by(None).where(self._keyword(keyword, people))
                                            .limit(COUNT_CAP + 1)))
            if len(ids) > COUNT_CAP:                  # common after all, just not among the newest
                page = list(self.session.scalars(following.where(self._keyword(keyword, people))
                                                 .offset(offset).limit(limit + 1)))
                total = Count(COUNT_CAP, exact=False)
            else:
                below = [i for i in sorted(ids, reverse=True) if position is None or i < position[0]]
                page, total = below[offset:wanted + 1], Count(len(ids))
            page, more = page[:limit], len(page) > limit
        rows = list(self.session.scalars(select(MatterRecord).options(defer(MatterRecord.state))
                                         .where(MatterRecord.id.in_(page)).order_by(MatterRecord.id.desc())))
        cursor = MATTERS_BY_NUMBER.cursor(rows[-1]) if more and rows else None
        return rows, Count(total, total.exact, cursor)

    @staticmethod
    def _keyword(keyword: str, people: set[str], indexed: bool = True):
        """Matches of a keyword: in the search text (search_text(): the subject and the data,
        JSON-escaped) in that same spelling, the matter's number, or who started it or did a step.
        `indexed=False` words the text test so that no trigram index can serve it (a walk by number)."""
        number = keyword.removeprefix("#").strip()
        is_number = number.isascii() and number.isdigit() and len(number) <= 18
        if is_number and keyword.startswith("#"):
            return MatterRecord.id == int(number)            # "#12": the matter numbered 12, nothing else
        text = MatterRecord.search_text if indexed else MatterRecord.search_text.concat("")
        found = [text.ilike(contains(json.dumps(keyword)[1:-1]), escape="!")]
        if is_number:
            found.append(MatterRecord.id == int(number))
        if people:
            found += [MatterRecord.created_by.in_(people),
                      MatterRecord.id.in_(select(InboxItem.matter_id).where(InboxItem.completed_by.in_(people)))]
        return or_(*found)

    @staticmethod
    def _ranges(query, filters: dict):
        if filters.get("ids") is not None:
            query = query.where(MatterRecord.id.in_(filters["ids"]))
        if filters.get("created_from") is not None:
            query = query.where(MatterRecord.created_at >= filters["created_from"])
        if filters.get("created_before") is not None:
            query = query.where(MatterRecord.created_at < filters["created_before"])
        if filters.get("amount_min") is not None:
            query = query.where(MatterRecord.amount >= filters["amount_min"])
        if filters.get("amount_max") is not None:
            query = query.where(MatterRecord.amount <= filters["amount_max"])
        return query

    @staticmethod
    def _overdue(query, at: datetime):
        """Matters with a ready step due before `at`: by the matter's own earliest due time
        (step_due_at, indexed with the township), never by joining every ready step of the county."""
        return query.where(MatterRecord.step_due_at < at)

    def started_alike(self, process_key: str, village_code: str, subject: str, since: datetime) -> list[int]:
        """Matters of this item, village and subject started since `since` and not cancelled, newest first."""
        return list(self.session.scalars(select(MatterRecord.id).where(
            MatterRecord.process_key == process_key, MatterRecord.village_code == village_code,
            MatterRecord.subject == subject, MatterRecord.created_at >= since,
            MatterRecord.status != MatterStatus.CANCELLED).order_by(MatterRecord.id.desc()).limit(10)))

    def count_by_status(self) -> dict[str, int]:
        return dict(self.session.execute(select(MatterRecord.status, func.count()).group_by(MatterRecord.status)).all())

    def oldest_timer_due(self, now: datetime) -> datetime | None:
        """The due time of the running matter's timer that is most overdue (None: none is due)."""
        return self.session.scalar(select(func.min(MatterRecord.next_timer_due)).where(
            MatterRecord.status == MatterStatus.RUNNING, MatterRecord.next_timer_due <= now))

    def claim_next_due(self, now: datetime, exclude: set[int]) -> MatterRecord | None:
        """The running matter whose timer is due soonest, locked; rows another worker holds are
        skipped (FOR UPDATE SKIP LOCKED), so two workers never fire the same timer."""
        query = select(MatterRecord).where(MatterRecord.status == MatterStatus.RUNNING, MatterRecord.next_timer_due <= now)
        if exclude:
            query = query.where(MatterRecord.id.not_in(exclude))
        query = query.order_by(MatterRecord.next_timer_due).limit(1).with_for_update(skip_locked=True)
        return self.session.scalar(query.execution_options(populate_existing=True))


# Every step's first statement, built once (building it cost more than running it on SQLite): the
# matter behind a step, locked, whether matter_exclusions withholds it from the user ("": none), and
# whether a live red-line warning names it.
#
# Read as a plain statement into a MatterRecord outside the session (`plain`): loading it as an ORM
# entity cost twice as much. Its writes are MatterRepository.write's statement.
_MATTER_OF_STEP = select(*MatterRecord.__table__.columns, exists().where(
    MatterExclusion.matter_id == MatterRecord.id, MatterExclusion.username == bindparam("username")),
    live_warning_naming(MatterRecord.id)).where(
    MatterRecord.id == select(InboxItem.matter_id).where(InboxItem.task_id == bindparam("task_id")).scalar_subquery()
).with_for_update(of=MatterRecord.__table__).execution_options(xiaowei_version_guarded=True)
_MATTER_KEYS = tuple(MatterRecord.__mapper__.get_property_by_column(c).key for c in MatterRecord.__table__.columns)


def plain(cls, keys: tuple, values) -> object:
    """An instance of a mapped class holding a row read with a plain statement: its attributes read
    as usual, but it is not in the session (the ORM never writes it: its repository's statements
    do, and mark what they wrote)."""
    instance = cls._sa_class_manager.new_instance()
    instance.__dict__.update(zip(keys, values, strict=False))      # a row may carry more after the columns
    return instance


# What an action changes of a matter's row (engine/services/persistence.save_matter and the step
# before it), written by MatterRepository.write.
SAVED_COLUMNS = ("data", "amount", "state", "serializer_version", "status", "outcome", "error", "waiting_timers",
                 "next_timer_due", "step_due_at", "updated_at", "search_text", "ended_at")
_MATTERS = MatterRecord.__table__
_WRITE_MATTER = (_MATTERS.update().where(_MATTERS.c.id == bindparam("matter_id"),
                                         _MATTERS.c.version == bindparam("old_version"))
                 .values({name: bindparam(name) for name in SAVED_COLUMNS} | {"version": bindparam("new_version")}))
_STEP_AND_READY = (select(*InboxItem.__table__.columns).where(InboxItem.matter_id == bindparam("matter_id"),
                                                              or_(InboxItem.state == StepStatus.READY,
                                                                  InboxItem.task_id == bindparam("task_id")))
                   .order_by(InboxItem.ready_since, InboxItem.task_id))
_INBOX_KEYS = tuple(InboxItem.__mapper__.get_property_by_column(c).key for c in InboxItem.__table__.columns)
_INBOX = InboxItem.__table__
_COMPLETE_STEP = _INBOX.update().where(
    _INBOX.c.task_id == bindparam("key"), _INBOX.c.state == StepStatus.READY,
    or_(_INBOX.c.claimed_by.is_(None), _INBOX.c.claimed_by == bindparam("completed_by"))).values(
    {name: bindparam(name) for name in ("state", "completed_by", "completed_at", "evidence_fields", "evidence_given")})
_CLAIM_STEP = _INBOX.update().where(_INBOX.c.task_id == bindparam("key")).values(claimed_by=bindparam("claimed_by"))
_CLOSE_STEP = _INBOX.update().where(_INBOX.c.task_id == bindparam("key")).values(state=bindparam("state"))
# A new ready step's row: the columns persistence._inbox_item gives (the matter as `matter_id`, the
# attribute's name) and the rest at their defaults, every row with the same keys.
_INSERT_STEPS = _INBOX.insert().values(
    {c.name: bindparam("matter_id" if c.name == "instance_id" else c.name) for c in _INBOX.columns})
_INSERTED_DEFAULTS = {"claimed_by": None, "completed_by": None, "completed_at": None, "evidence_fields": 0,
                      "evidence_given": 0, "objection_intake": False, "due_at": None}
_HEAD_LOCKED = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
_INSERT_HEAD = AuditHead.__table__.insert().values(id=1, seq=bindparam("seq"), hash=bindparam("hash"))
_UPDATE_HEAD = AuditHead.__table__.update().where(AuditHead.__table__.c.id == 1).values(
    seq=bindparam("seq"), hash=bindparam("hash"))
# The payload goes in as the canonical text its hash was computed over: encoded once.
_INSERT_EVENTS = AuditEvent.__table__.insert().values(
    {c: bindparam(c) for c in ("seq", "at", "event", "actor", "instance_id", "prev_hash", "hash")}
    | {"payload": bindparam("payload", type_=EncodedJSON())})


def _withheld_from(username: str):
    """The ids of matters withheld from a user (engine/store/complaint_models.MatterExclusion)."""
    return select(MatterExclusion.matter_id).where(MatterExclusion.username == username)


class CalendarRepository(_Repository):
    def calendar(self, years: set[int]) -> WorkCalendar:
        """The working-day calendar of these years (those not loaded count Monday to Friday)."""
        rows = list(self.session.scalars(select(CalendarDay).where(CalendarDay.year.in_(years))))
        loaded = set(self.session.scalars(select(CalendarYear.year).where(CalendarYear.year.in_(years))))
        return WorkCalendar(frozenset(r.day for r in rows if r.kind == "holiday"),
                            frozenset(r.day for r in rows if r.kind == "workday"), frozenset(loaded))

    def year(self, year: int) -> tuple[YearArrangement, str | None, datetime | None] | None:
        meta = self.session.get(CalendarYear, year)
        if meta is None:
            return None
        rows = list(self.session.scalars(select(CalendarDay).filter_by(year=year).order_by(CalendarDay.day)))
        found = YearArrangement(year, tuple((r.day, r.name) for r in rows if r.kind == "holiday"),
                                tuple((r.day, r.name) for r in rows if r.kind == "workday"), meta.source)
        return found, meta.updated_by, meta.updated_at

    def loaded_years(self) -> list[int]:
        return list(self.session.scalars(select(CalendarYear.year).order_by(CalendarYear.year)))

    def replace(self, year: YearArrangement, actor: str, at: datetime) -> None:
        """The year's arrangement becomes exactly this one."""
        self.session.execute(delete(CalendarDay).where(CalendarDay.year == year.year))
        for kind, rows in (("holiday", year.holidays), ("workday", year.workdays)):
            self.session.add_all(CalendarDay(day=day, year=year.year, kind=kind, name=name) for day, name in rows)
        meta = self.session.get(CalendarYear, year.year) or CalendarYear(year=year.year)
        meta.source, meta.updated_by, meta.updated_at = year.source[:200], actor, at
        self.session.add(meta)
        self.session.flush()


class IdempotencyRepository(_Repository):
    """A client's Idempotency-Key on a start, and the matter it created."""

    def find(self, actor: str, key: str) -> tuple[str, int] | None:
        row = self.session.get(IdempotencyKey, (actor, key))
        return (row.request_hash, row.matter_id) if row else None

    def remember(self, actor: str, key: str, request_hash: str, matter_id: int, at: datetime) -> None:
        """Raises Conflict when a concurrent request with the same key got there first."""
        self.session.add(IdempotencyKey(actor=actor, key=key, request_hash=request_hash, matter_id=matter_id,
                                        created_at=at))
        try:
            self.session.flush()
        except IntegrityError as exc:
            raise Conflict("同一幂等键的请求正在处理或已处理") from exc


class InboxRepository(_Repository):
    """The ready steps of a matter are read once per unit of work and then kept in step with what
    it changes (`sync`), so an action reads them once, however many parts of it ask."""

    def __init__(self, session, new_matters: set | None = None):
        super().__init__(session)
        self._ready: dict[int, list[InboxItem]] = {}     # matter id -> its rows read or added ready
        self._new = new_matters if new_matters is not None else set()   # inserted by this unit of work: none ready

    def get(self, task_id: str) -> InboxItem | None:
        """Read afresh from the database (after a lock was taken, the cached row may be stale)."""
        return self.session.scalar(select(InboxItem).where(InboxItem.task_id == task_id)
                                   .execution_options(populate_existing=True))

    def step_and_ready(self, matter_id: int, task_id: str) -> InboxItem | None:
        """A step of a matter, read afresh (call it under the matter's lock), and in the same
        statement the matter's ready steps, which `ready_for_matter` then answers from. Read with
        a plain statement, outside the session: change them with `claim`, `complete` and `sync`."""
        rows = [plain(InboxItem, _INBOX_KEYS, row) for row in self.session.connection().execute(
            _STEP_AND_READY, {"matter_id": matter_id, "task_id": task_id})]
        self._ready[matter_id] = [row for row in rows if row.state == StepStatus.READY]
        return next((row for row in rows if row.task_id == task_id), None)

    def ready_for_matter(self, matter_id: int) -> list[InboxItem]:
        rows = self._ready.get(matter_id)
        if rows is None and matter_id in self._new:
            rows = self._ready[matter_id] = []
        if rows is None:
            with self.session.no_autoflush:      # inbox rows are written at once (sync), never pending
                rows = self._ready[matter_id] = list(self.session.scalars(
                    select(InboxItem).filter_by(matter_id=matter_id, state=StepStatus.READY)
                    .order_by(InboxItem.ready_since, InboxItem.task_id)))
        return [row for row in rows if row.state == StepStatus.READY]      # one completed since is not

    def claim(self, item: InboxItem, username: str | None) -> None:
        """A ready step taken by a holder of its role (None: given back)."""
        self._write(_CLAIM_STEP, item, {"claimed_by": username})

    def complete(self, item: InboxItem, by: str, at: datetime, evidence_fields: int, evidence_given: int) -> None:
        """Mark a ready step done by `by` at `at`, with the evidence counts of its form: only while
        it is still ready and claimed by nobody else (LostRace otherwise: a completion read before
        it took the write lock, store/uow.py)."""
        values = {"state": StepStatus.COMPLETED, "completed_by": by, "completed_at": at,
                  "evidence_fields": evidence_fields, "evidence_given": evidence_given}
        if self._write(_COMPLETE_STEP, item, values) != 1:
            raise LostRace("该步骤已被他人办理或认领，请刷新后重试")

    def sync(self, matter_id: int, items: list[dict]) -> None:
        """Make the ready steps of a matter exactly `items` (each the columns of a ready row): new
        ones are added, ones that stay ready keep their row (ready_since, claim), ones that are
        gone are closed. Written at once, as plain statements (the ORM's unit of work adds nothing
        to rows written whole); the rows added are kept for reads, outside the session."""
        existing = {row.task_id: row for row in self.ready_for_matter(matter_id)}
        wanted = {item["task_id"] for item in items}
        for task_id, row in existing.items():
            if task_id not in wanted:
                self._write(_CLOSE_STEP, row, {"state": StepStatus.CLOSED})
        new = [item for item in items if item["task_id"] not in existing]
        if new:
            self.session.connection().execute(_INSERT_STEPS, [{**_INSERTED_DEFAULTS, **item} for item in new])
        added = [InboxItem(**item) for item in new]
        kept = [row for task_id, row in existing.items() if task_id in wanted]
        self._ready[matter_id] = sorted(kept + added, key=lambda row: (row.ready_since, row.task_id))

    def _write(self, statement, row: InboxItem, values: dict) -> int:
        """Update one row and the object read of it, which the unit of work then leaves alone; the
        rows the statement matched (a guarded statement may match none)."""
        matched = self.session.connection().execute(statement, {**values, "key": row.task_id}).rowcount
        for name, value in values.items():
            set_committed_value(row, name, value)
        return matched

    def count_overdue(self, now: datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(InboxItem).where(
            InboxItem.state == StepStatus.READY, InboxItem.due_at.is_not(None), InboxItem.due_at < now))

    def completed_by(self, matter_id: int, process_key: str, step_id: str) -> set[str]:
        return set(self.session.scalars(select(InboxItem.completed_by).filter_by(
            matter_id=matter_id, process_key=process_key, step_id=step_id, state=StepStatus.COMPLETED)))

    def search(self, reach: list[tuple[set[str], Scope]] | None, role: str | None, village_code: str | None,
               offset: int, limit: int, hidden_from: str | None = None, after: str | None = None):
        """Ready steps, the page from `offset` or after the cursor `after`, and their total with the
        next page's cursor (as MatterRepository.search); `reach` (roles, scope) pairs limit them to
        what a user may do (None: all); steps of matters withheld from `hidden_from` are left out."""
        position = READY_STEPS.read(after) if after is not None else None
        query = self._ready_query(reach, role, village_code, hidden_from)
        total = count_rows(self.session, query, InboxItem.task_id)
        return paged(self.session, query, READY_STEPS, offset, limit, position, total)

    def overdue_in_reach(self, reach: list[tuple[set[str], Scope]] | None, role: str | None, village_code: str | None,
                         now: datetime, hidden_from: str | None = None) -> Count:
        """How many of the ready steps `search` lists (same filters) are past their time limit at
        `now`: over the whole list, not only the page shown."""
        query = self._ready_query(reach, role, village_code, hidden_from).where(InboxItem.due_at < now)
        return count_rows(self.session, query, InboxItem.task_id)

    @staticmethod
    def _ready_query(reach, role: str | None, village_code: str | None, hidden_from: str | None):
        query = select(InboxItem).where(InboxItem.state == StepStatus.READY)
        if hidden_from:
            query = query.where(InboxItem.matter_id.not_in(_withheld_from(hidden_from)))
        if reach is not None:
            query = query.where(or_(false(), *(
                and_(InboxItem.role.in_(roles), scope.where(InboxItem.township_code, InboxItem.village_code))
                for roles, scope in reach)))
        if role:
            query = query.where(InboxItem.role == role)
        if village_code:
            query = query.where(InboxItem.village_code == village_code)
        else:                 # a township's 试运行村 is the administrators' test bench, not anyone's work
            query = query.where(InboxItem.village_code.not_in(select(OrgUnit.code).where(OrgUnit.sandbox.is_(True))))
        return query


class AttachmentRepository(_Repository):
    def add(self, content: bytes, **columns) -> Attachment:
        attachment = Attachment(**columns)
        if self.session.get(AttachmentBlob, attachment.sha256) is None:
            # Two uploads of one file at once both find no blob, and on PostgreSQL the second
            # insert would fail on the key. Rows under one hash are the same content: a conflict
            # means the other upload stored it already.
            insert = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}[self.session.bind.dialect.name]
            self.session.execute(insert(AttachmentBlob).values(sha256=attachment.sha256, content=content)
                                 .on_conflict_do_nothing(index_elements=["sha256"]))
        self.session.add(attachment)
        self.session.flush()
        return attachment

    def get(self, attachment_id: str) -> Attachment | None:
        return self.session.get(Attachment, attachment_id)

    def content(self, sha256: str) -> bytes:
        return self.session.get(AttachmentBlob, sha256).content

    def for_matter(self, matter_id: int) -> list[Attachment]:
        return list(self.session.scalars(select(Attachment).filter_by(matter_id=matter_id)
                                         .order_by(Attachment.uploaded_at)))


@dataclass(frozen=True)
class AppendedEvent:
    """An event as appended (the columns of AuditEvent): what the action, and after the commit
    its listeners, read of it."""
    seq: int
    at: str
    event: str
    actor: str
    matter_id: int | None
    payload: dict
    prev_hash: str
    hash: str


class AuditRepository(_Repository):
    """Appends lock the chain's head once per unit of work (the first append) and hold it to the
    commit; each event gets its sequence number and hash at once (callers store them), and the rows
    are written with the unit of work's next flush (or before a read of the chain): several events
    of one action are one INSERT and one UPDATE of the head, not a round of three statements each.
    Written as plain statements: the rows are never changed, so the ORM's unit of work (a third of
    a step's time in SQLAlchemy) adds nothing."""

    def __init__(self, session):
        super().__init__(session)
        self.appended: list[AppendedEvent] = []     # this unit of work's events, for engine/committed.py
        self._head: list | None = None              # [seq, hash] locked by this transaction once read
        self._pending: list[dict] = []              # appended, not yet written
        self._head_written: tuple | None = None

    def append(self, event: str, actor: str, matter_id: int | None, payload: dict, at: str) -> AppendedEvent:
        head = self._locked_head()
        seq, prev = head[0] + 1, head[1]
        digest, text = event_hash_and_payload(seq, at, event, actor, matter_id, payload, prev)
        row = AppendedEvent(seq, at, event, actor, matter_id, payload, prev, digest)
        self._pending.append({"seq": seq, "at": at, "event": event, "actor": actor, "instance_id": matter_id,
                              "payload": text, "prev_hash": prev, "hash": digest})
        head[0], head[1] = seq, digest
        self.appended.append(row)
        return row

    def write_pending(self) -> None:
        """Write the events appended since the last write, and the head they lead to."""
        if self._pending:
            self.session.connection().execute(_INSERT_EVENTS, self._pending)
            self._pending = []
        if self._head is not None and tuple(self._head) != self._head_written:
            self.session.connection().execute(_UPDATE_HEAD, {"seq": self._head[0], "hash": self._head[1]})
            self._head_written = tuple(self._head)

    def _locked_head(self) -> list:
        if self._head is None:
            found = self.session.connection().execute(_HEAD_LOCKED).first()   # (no autoflush: plain statements)
            if found is None:
                self.session.connection().execute(_INSERT_HEAD, {"seq": 0, "hash": GENESIS})
                found = (0, GENESIS)
            self._head = [found[0], found[1]]
            self._head_written = tuple(self._head)
        return self._head

    def transaction_ended(self) -> None:
        """The lock went with the transaction: the next append reads the head again."""
        self._head = self._head_written = None
        self._pending = []

    def for_matter(self, matter_id: int) -> list[AuditEvent]:
        self.write_pending()
        return list(self.session.scalars(select(AuditEvent).filter_by(matter_id=matter_id)
                                         .order_by(AuditEvent.seq)))

    def all_in_order(self, batch: int = 1000, after: int = 0):
        """The events in sequence order (those after `after`), read in batches."""
        self.write_pending()
        return self.session.scalars(select(AuditEvent).where(AuditEvent.seq > after).order_by(AuditEvent.seq)
                                    .execution_options(yield_per=batch))

    def checkpoint(self) -> AuditCheckpoint | None:
        return self.session.get(AuditCheckpoint, 1)

    def set_checkpoint(self, seq: int, hash_: str, at: datetime, full: bool) -> None:
        row = self.session.get(AuditCheckpoint, 1, with_for_update=True)
        if row is None:
            row = AuditCheckpoint(id=1, seq=0, hash=GENESIS, verified_at=at, full_at=None)
            self.session.add(row)
        row.seq, row.hash, row.verified_at = seq, hash_, at
        if full:
            row.full_at = at

    def head(self) -> AuditHead | None:
        self.write_pending()
        return self.session.scalar(select(AuditHead).where(AuditHead.id == 1).execution_options(populate_existing=True))


def search_text(subject: str, data: dict) -> str:
    """What keyword searches read of a matter (MatterRecord.search_text): its subject and its data,
    escaped as JSON (ASCII only), in the spelling MatterRepository._keyword looks for."""
    return json.dumps(subject or "")[1:-1] + "\n" + json.dumps(data or {}, sort_keys=True, default=str)


def contains(text: str) -> str:
    """A LIKE pattern (escape character "!") matching `text` anywhere, its wildcards taken literally."""
    return "%" + text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"
