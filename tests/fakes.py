"""A unit of work in memory, so service tests need no database (docs/design.md §5: cosmicpython's fakes
instead of mocks; issue 18 item 4).

`FakeDatabase` holds committed tables of rows; `FakeUnitOfWork(database, readonly=False)` has the shape of
the real unit of work (engine/store/uow.py) for the repositories the services of organisation units,
township parameters, township roles, the working-day calendar, users and grants use, the definitions
they consult, the audit log and `lineage`. A context built as

    Context(FakeDatabase(), TEST_SETTINGS, unit_of_work=FakeUnitOfWork)

runs those services unchanged (`fake_context()` below builds one with the power list and the demo
county loaded, as the `ctx` fixture promises on a real database).

Honest by contract: tests/integration/test_repository_contract.py runs the same behavioural checks
against these fakes and against the real repositories (SQLite, and PostgreSQL when configured). A
method here that no check there exercises is a guess: add the check before a test relies on it.

Why here and not in engine/store/: a fake is a test double. The engine package is what gets installed
and run; nothing in production may open a unit of work that forgets everything, and the contract that
keeps the fakes honest is a test.

Transactions: a unit of work works on its own copy of each table it touches (copied when first
touched); `commit()` puts the copies it wrote back, as the database would store them (instants in UTC,
JSON values decoded from JSON), and sets `committed`; leaving without a commit, or `rollback()`, keeps
nothing. There are no locks: when two units of work overlap and both write one table, the second
commit is a Conflict (a real database makes the second wait or conflict: never both succeed silently).

Not faked: matters, the inbox, tokens, attachments, complaints... (asking a fake unit of work for one
raises an AttributeError naming this file), the public portal's unit of work, and the listeners of a
commit (engine/committed.py): a fake commit announces nothing.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, timezone
from types import SimpleNamespace

from sqlalchemy.exc import IntegrityError

from engine.audit import GENESIS, event_hash_and_payload
from engine.errors import Conflict
from engine.registry import Parameter, Role
from engine.store.repositories import AppendedEvent, Scope
from engine.workdays import WorkCalendar, YearArrangement


# --- rows: the columns of the tables the fakes stand for (engine/store/models.py) ---

@dataclass
class OrgUnitRow:
    code: str
    name: str
    level: str
    parent_code: str | None = None
    sandbox: bool = False


@dataclass
class UserRow:
    id: int
    username: str
    display_name: str
    password_hash: str
    active: bool = True
    created_at: datetime | None = None


@dataclass
class GrantRow:
    id: int
    user_id: int
    role: str
    org_code: str
    granted_by: str
    granted_at: datetime


@dataclass
class VersionRow:
    id: int
    process_key: str
    name: str
    sha256: str
    bundle_sha256: str
    files: dict
    info: dict
    loaded_at: datetime
    category: str | None = None
    is_current: bool = True
    owner_org: str | None = None
    state: str = "published"
    created_by: str | None = None
    published_at: datetime | None = None
    published_by: str | None = None
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    withdraw_reason: str | None = None


@dataclass
class OverrideRow:
    township_code: str
    name: str
    value: dict                    # {"value": ...}
    updated_by: str
    updated_at: datetime


@dataclass
class ParameterDefinitionRow:
    township_code: str
    name: str
    label: str
    unit: str | None
    type: str
    bounds: dict
    value: dict
    created_by: str
    created_at: datetime


@dataclass
class TownshipRoleRow:
    code: str
    township_code: str
    name: str
    level: str
    created_by: str
    created_at: datetime


@dataclass
class CalendarDayRow:
    day: date
    year: int
    kind: str
    name: str


@dataclass
class CalendarYearRow:
    year: int
    source: str
    updated_by: str
    updated_at: datetime


TABLES = ("org_units", "users", "role_grants", "definition_versions", "township_parameters",
          "township_parameter_definitions", "township_roles", "calendar_days", "calendar_years",
          "audit_events", "audit_head")
# Definition versions carry every item's BPMN text and metadata: copied row by row, their `files` and
# `info` shared (never changed in place: the ORM would not notice such a change either). Audit events
# are frozen and never changed.
_SHALLOW = {"definition_versions", "audit_events"}


def _refused(what: str) -> IntegrityError:
    """What the real store raises when a flush breaks a key or a reference."""
    return IntegrityError(f"(fake) {what}", {}, Exception(what))


def _as_stored(value):
    """A column's value as read back from the database: instants in UTC, JSON decoded from JSON."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc)
    if isinstance(value, (dict, list, tuple)):
        return json.loads(json.dumps(value))
    return value


def _stored_row(row):
    if not is_dataclass(row) or isinstance(row, AppendedEvent):      # the audit head's numbers; events as read
        return row
    return type(row)(**{f.name: _as_stored(getattr(row, f.name)) for f in fields(row)})


class FakeDatabase:
    """The committed state. `copy()` is a fresh database holding what this one holds (the seeded
    template of `fake_context`)."""

    def __init__(self):
        self.tables: dict[str, dict] = {name: {} for name in TABLES}
        self.versions: dict[str, int] = dict.fromkeys(TABLES, 0)   # commits that wrote each table
        self.token_actors: dict[str, tuple] = {}                    # engine/services/identity.py's cache

    def copy(self) -> "FakeDatabase":
        twin = FakeDatabase()
        twin.tables = {name: {key: _copy_row(name, row) for key, row in rows.items()} for name, rows in self.tables.items()}
        return twin

    @property
    def events(self) -> list:
        """The committed audit events, in order."""
        return [self.tables["audit_events"][seq] for seq in sorted(self.tables["audit_events"])]


def _copy_row(table: str, row):
    return copy.copy(row) if table in _SHALLOW else copy.deepcopy(row)


class FakeUnitOfWork:
    """The real unit of work's shape, in memory (see the module's docstring)."""

    def __init__(self, database: FakeDatabase, readonly: bool = False, optimistic: bool = False):
        self.database = database
        self.readonly = readonly          # optimistic: SQLite's write lock taken late; nothing to take here
        self.committed = False
        self.rolled_back = False
        self.saved: dict = {}
        self._begin()

    def __enter__(self) -> "FakeUnitOfWork":
        self._begin()
        self.definitions = FakeDefinitionRepository(self)
        self.orgs = FakeOrgRepository(self)
        self.parameters = FakeParameterRepository(self)
        self.township_roles = FakeTownshipRoleRepository(self)
        self.calendar = FakeCalendarRepository(self)
        self.users = FakeUserRepository(self)
        self.audit = FakeAuditRepository(self)
        return self

    def __exit__(self, *exc_info) -> None:
        self._begin()

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        raise AttributeError(f"the fake unit of work has no repository {name!r}: add one to tests/fakes.py, "
                             f"with its checks in tests/integration/test_repository_contract.py")

    def _begin(self) -> None:
        self._copies: dict[str, dict] = {}        # table -> this transaction's copy of its rows
        self._read_at: dict[str, int] = {}        # table -> the database's version when copied
        self._written: set[str] = set()

    def table(self, name: str, write: bool = False) -> dict:
        """This transaction's rows of a table, copied from the committed state when first touched."""
        if name not in self._copies:
            self._copies[name] = {key: _copy_row(name, row) for key, row in self.database.tables[name].items()}
            self._read_at[name] = self.database.versions[name]
        if write:
            self._written.add(name)
        return self._copies[name]

    def commit(self) -> None:
        if self.readonly:
            raise RuntimeError("a read-only unit of work cannot commit")
        if any(self.database.versions[name] != self._read_at[name] for name in self._written):
            self.rollback()
            raise Conflict("数据已被他人修改，请刷新后重试")
        for name in self._written:
            self.database.tables[name] = {key: _stored_row(row) for key, row in self._copies[name].items()}
            self.database.versions[name] += 1
        self.committed = True
        self._begin()

    def rollback(self) -> None:
        self.rolled_back = True
        self.audit.appended = []
        self._begin()

    def flush(self) -> None:
        """Nothing waits to be written: every fake write is in the transaction's copy at once."""

    def lineage(self, code: str) -> list[str]:
        """As UnitOfWork.lineage: the code, then its ancestors' (an unknown code: itself alone)."""
        units, codes = self.table("org_units"), []
        while code and code not in codes:
            codes.append(code)
            unit = units.get(code)
            code = unit.parent_code if unit else None
        return codes


class _FakeRepository:
    def __init__(self, uow: FakeUnitOfWork):
        self._uow = uow

    def _rows(self, write: bool = False) -> dict:
        return self._uow.table(self.TABLE, write)

    @staticmethod
    def _next_id(rows: dict) -> int:
        return max(rows, default=0) + 1


class FakeOrgRepository(_FakeRepository):
    TABLE = "org_units"
    added = False

    def get(self, code: str):
        return self._rows().get(code)

    def add(self, **columns) -> OrgUnitRow:
        self.added = True
        unit = OrgUnitRow(**columns)
        rows = self._rows(write=True)
        if unit.code in rows:
            raise _refused(f"org_units.code {unit.code} exists")
        if unit.parent_code is not None and unit.parent_code not in rows:
            raise _refused(f"no org unit {unit.parent_code}")
        rows[unit.code] = unit
        return unit

    def list(self, level: str | None = None) -> list[OrgUnitRow]:
        units = [u for u in self._rows().values() if level is None or u.level == level]
        return sorted(units, key=lambda u: (u.level, u.code))

    def count(self) -> int:
        return len(self._rows())

    def scope(self, codes: set[str]) -> Scope:
        rows = self._rows()
        levels = {c: rows[c].level for c in codes if c in rows}
        counties = {c for c, level in levels.items() if level == "county"}
        townships = {c for c, level in levels.items() if level == "township"}
        townships |= {u.code for u in rows.values() if u.parent_code in counties}
        return Scope(frozenset(townships), frozenset(c for c, level in levels.items() if level == "village"))

    def within(self, codes: set[str]) -> set[str]:
        found, frontier, rows = set(codes), set(codes), self._rows()
        while frontier:
            frontier = {u.code for u in rows.values() if u.parent_code in frontier} - found
            found |= frontier
        return found


class FakeUserRepository(_FakeRepository):
    TABLE = "users"

    def add(self, **columns) -> UserRow:
        rows = self._rows(write=True)
        if any(u.username == columns["username"] for u in rows.values()):
            raise _refused(f"users.username {columns['username']} exists")
        user = UserRow(id=self._next_id(rows), **columns)
        rows[user.id] = user
        return user

    def by_name(self, username: str) -> UserRow | None:
        return next((u for u in self._rows().values() if u.username == username), None)

    def get(self, user_id: int) -> UserRow | None:
        return self._rows().get(user_id)

    def display_names(self, usernames) -> dict[str, str]:
        wanted = set(usernames)
        return {u.username: u.display_name for u in self._rows().values() if u.username in wanted}

    def display_name(self, username: str) -> str:
        return self.display_names([username]).get(username, username)

    def list(self, units: set[str] | None = None) -> list[UserRow]:
        users = self._rows().values()
        if units is not None:
            holding = {g.user_id for g in self._grants().values() if g.org_code in units}
            users = [u for u in users if u.id in holding]
        return sorted(users, key=lambda u: u.username)

    def _grants(self, write: bool = False) -> dict:
        return self._uow.table("role_grants", write)

    def grants(self, user_id: int) -> list[GrantRow]:
        return sorted((g for g in self._grants().values() if g.user_id == user_id), key=lambda g: g.id)

    def grants_of(self, user_ids: list[int]) -> dict[int, list[GrantRow]]:
        return {user_id: self.grants(user_id) for user_id in user_ids}

    def add_grant(self, **columns) -> GrantRow:
        grants = self._grants(write=True)
        if self.find_grant(columns["user_id"], columns["role"], columns["org_code"]) is not None:
            raise _refused("role_grants (user_id, role, org_code) exists")
        if columns["user_id"] not in self._rows() or columns["org_code"] not in self._uow.table("org_units"):
            raise _refused("a grant of no user or in no unit")
        grant = GrantRow(id=self._next_id(grants), **columns)
        grants[grant.id] = grant
        return grant

    def find_grant(self, user_id: int, role: str, org_code: str) -> GrantRow | None:
        return next((g for g in self._grants().values()
                     if (g.user_id, g.role, g.org_code) == (user_id, role, org_code)), None)

    def remove_grant(self, grant: GrantRow) -> None:
        self._grants(write=True).pop(grant.id, None)

    def holders(self, role: str, org_codes: list[str]) -> list[UserRow]:
        ids = {g.user_id for g in self._grants().values() if g.role == role and g.org_code in org_codes}
        return [u for u in self._rows().values() if u.id in ids and u.active]


class FakeDefinitionRepository(_FakeRepository):
    """What loading the power list (services/definitions.sync_definitions) and the services here read."""
    TABLE = "definition_versions"
    stored = False

    def find(self, process_key: str, bundle_sha256: str) -> VersionRow | None:
        return next((v for v in self._rows().values()
                     if (v.process_key, v.bundle_sha256) == (process_key, bundle_sha256)), None)

    def add(self, **columns) -> VersionRow:
        self.stored = True
        if self.find(columns["process_key"], columns["bundle_sha256"]) is not None:
            raise _refused("definition_versions (process_key, bundle_sha256) exists")
        rows = self._rows(write=True)
        version = VersionRow(id=self._next_id(rows), **columns)
        rows[version.id] = version
        return version

    def make_current(self, version: VersionRow, by: str | None = None, at: datetime | None = None) -> None:
        for other in self._rows(write=True).values():
            if other.process_key == version.process_key and other.id != version.id:
                other.is_current = False
                if other.state == "published":
                    other.state = "superseded"
        if version.state != "published":
            version.published_at, version.published_by = at or version.loaded_at, by
            version.withdrawn_at = version.withdrawn_by = version.withdraw_reason = None
        version.is_current, version.state = True, "published"

    def get(self, version_id: int) -> VersionRow | None:
        return self._rows().get(version_id)

    def current(self, process_key: str, light: bool = False) -> VersionRow | None:
        return next((v for v in self._rows().values() if v.process_key == process_key and v.is_current), None)

    def list_current(self, files: bool = False, info: bool = True) -> list[VersionRow]:
        return sorted((v for v in self._rows().values() if v.is_current),
                      key=lambda v: (v.category is None, v.category or "", v.process_key))

    def latest_id(self) -> int:
        return max(self._rows(), default=0)


class FakeParameterRepository(_FakeRepository):
    TABLE = "township_parameters"

    def overrides(self, township_code: str) -> dict:
        return {row.name: row.value["value"] for row in self._rows().values() if row.township_code == township_code}

    def set(self, township_code: str, name: str, value, actor: str, at: datetime) -> None:
        self._rows(write=True)[(township_code, name)] = OverrideRow(township_code, name, {"value": value}, actor, at)

    def _definitions(self, write: bool = False) -> dict:
        return self._uow.table("township_parameter_definitions", write)

    def township_defined(self, township_code: str) -> dict[str, Parameter]:
        rows = sorted((r for r in self._definitions().values() if r.township_code == township_code), key=lambda r: r.name)
        return {row.name: Parameter(row.name, row.label, row.value["value"], row.bounds.get("min"), row.bounds.get("max"),
                                    row.unit, row.type, township_code, row.bounds.get("pattern")) for row in rows}

    def define(self, parameter: Parameter, actor: str, at: datetime) -> None:
        rows = self._definitions(write=True)
        key = (parameter.township, parameter.name)
        if key in rows:
            raise _refused(f"township_parameter_definitions {key} exists")
        if parameter.township not in self._uow.table("org_units"):
            raise _refused(f"no org unit {parameter.township}")
        rows[key] = ParameterDefinitionRow(
            parameter.township, parameter.name, parameter.label, parameter.unit, parameter.type,
            {"min": parameter.minimum, "max": parameter.maximum, **({"pattern": parameter.pattern} if parameter.pattern else {})},
            {"value": parameter.value}, actor, at)


class FakeTownshipRoleRepository(_FakeRepository):
    TABLE = "township_roles"

    def get(self, code: str) -> Role | None:
        row = self._rows().get(code)
        return Role(row.code, row.name, row.level) if row is not None else None

    def township_of(self, code: str) -> str | None:
        row = self._rows().get(code)
        return row.township_code if row is not None else None

    def of_township(self, township_code: str) -> dict[str, Role]:
        rows = sorted((r for r in self._rows().values() if r.township_code == township_code), key=lambda r: r.code)
        return {row.code: Role(row.code, row.name, row.level) for row in rows}

    def all(self) -> dict[str, Role]:
        return {row.code: Role(row.code, row.name, row.level) for row in self._rows().values()}

    def add(self, township_code: str, role: Role, actor: str, at: datetime) -> None:
        rows = self._rows(write=True)
        if role.code in rows:
            raise _refused(f"township_roles.code {role.code} exists")
        if township_code not in self._uow.table("org_units"):
            raise _refused(f"no org unit {township_code}")
        rows[role.code] = TownshipRoleRow(role.code, township_code, role.name, role.level, actor, at)


class FakeCalendarRepository(_FakeRepository):
    TABLE = "calendar_years"

    def _days(self, write: bool = False) -> dict:
        return self._uow.table("calendar_days", write)

    def calendar(self, years: set[int]) -> WorkCalendar:
        rows = [r for r in self._days().values() if r.year in years]
        return WorkCalendar(frozenset(r.day for r in rows if r.kind == "holiday"),
                            frozenset(r.day for r in rows if r.kind == "workday"),
                            frozenset(y for y in self._rows() if y in years))

    def year(self, year: int):
        meta = self._rows().get(year)
        if meta is None:
            return None
        rows = sorted((r for r in self._days().values() if r.year == year), key=lambda r: r.day)
        found = YearArrangement(year, tuple((r.day, r.name) for r in rows if r.kind == "holiday"),
                                tuple((r.day, r.name) for r in rows if r.kind == "workday"), meta.source)
        return found, meta.updated_by, meta.updated_at

    def loaded_years(self) -> list[int]:
        return sorted(self._rows())

    def replace(self, year: YearArrangement, actor: str, at: datetime) -> None:
        days = self._days(write=True)
        for day in [d for d, row in days.items() if row.year == year.year]:
            del days[day]
        for kind, rows in (("holiday", year.holidays), ("workday", year.workdays)):
            for day, name in rows:
                if day in days:
                    raise _refused(f"calendar_days.day {day} exists")
                days[day] = CalendarDayRow(day, year.year, kind, name)
        self._rows(write=True)[year.year] = CalendarYearRow(year.year, year.source[:200], actor, at)


class FakeAuditRepository(_FakeRepository):
    """Appended events get their sequence number and hash at once, chained as the real ones
    (engine/audit.py); `appended`: this transaction's events, in order."""
    TABLE = "audit_events"

    def __init__(self, uow: FakeUnitOfWork):
        super().__init__(uow)
        self.appended: list[AppendedEvent] = []

    def append(self, event: str, actor: str, matter_id: int | None, payload: dict, at: str) -> AppendedEvent:
        head = self._uow.table("audit_head", write=True)
        seq, prev = head.get("seq", 0) + 1, head.get("hash", GENESIS)
        digest, text = event_hash_and_payload(seq, at, event, actor, matter_id, payload, prev)
        row = AppendedEvent(seq, at, event, actor, matter_id, payload, prev, digest)
        self._rows(write=True)[seq] = AppendedEvent(seq, at, event, actor, matter_id, json.loads(text), prev, digest)
        head.update(seq=seq, hash=digest)
        self.appended.append(row)
        return row

    def write_pending(self) -> None:
        """Nothing waits: appended events are in the transaction's copy at once."""

    def transaction_ended(self) -> None:
        """No lock to let go of."""

    def for_matter(self, matter_id: int) -> list[AppendedEvent]:
        return [e for e in self.all_in_order() if e.matter_id == matter_id]

    def all_in_order(self, batch: int = 1000, after: int = 0) -> list[AppendedEvent]:
        rows = self._rows()
        return [rows[seq] for seq in sorted(rows) if seq > after]

    def head(self):
        head = self._uow.table("audit_head")
        return SimpleNamespace(id=1, seq=head["seq"], hash=head["hash"]) if head else None


def fake_context(database: FakeDatabase | None = None, settings=None):
    """A service context over a fake database (a new, empty one if none is given)."""
    from engine.services import Context
    from tests.settings import TEST_SETTINGS
    return Context(database if database is not None else FakeDatabase(), settings or TEST_SETTINGS,
                   unit_of_work=FakeUnitOfWork)


def seeded_fake_database() -> FakeDatabase:
    """The state the `ctx` fixture promises on a real database (tests/conftest.py `_seed`): the
    power list loaded and the demo county's units, by the same services."""
    from engine.services import Actor
    from engine.services.definitions import sync_definitions
    from engine.services.demo import seed_demo
    database = FakeDatabase()
    context = fake_context(database)
    sync_definitions(context)
    seed_demo(context, Actor.system(), with_users=False)
    return database
