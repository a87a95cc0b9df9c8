"""What every service needs: the database, the definition cache, roles and parameters."""
from __future__ import annotations

import contextlib
import hashlib
import threading
import time
from contextvars import ContextVar
from collections import OrderedDict
from pathlib import Path

from .. import clock
from ..definitions import Bundle, Catalog
from ..identity import Actor  # noqa: F401 - re-exported for the services' callers
from ..passwords import Passwords
from ..registry import load_parameters, load_publicity_floors, load_roles
from ..settings import DEFAULT_PROCESSES_DIR, Settings  # noqa: F401 - DEFAULT_PROCESSES_DIR re-exported
from ..store import Database, PortalUnitOfWork, UnitOfWork



class BundleCache:
    """Parsed bundles by content: (item key, bundle hash). A bundle's content never changes under
    its hash, so entries never go stale and one cache serves every database in the process; it
    only bounds memory. Parsing happens once per version per process."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[tuple, Bundle] = OrderedDict()
        self._lock = threading.Lock()

    def of_version(self, uow, version_id: int) -> Bundle:
        """The bundle of a stored version, without reading the version's row when it is cached."""
        key = uow.bundle_key(version_id)
        with self._lock:
            bundle = self._items.get(key)
            if bundle is not None:
                self._items.move_to_end(key)
                return bundle
        return self.get(uow.definitions.get(version_id))

    def get(self, version) -> Bundle:
        key = (version.process_key, version.bundle_sha256)
        with self._lock:
            bundle = self._items.get(key)
            if bundle is None:
                files = {name: text.encode("utf-8") for name, text in version.files.items()}
                bundle = Catalog(files).bundle(version.process_key)
                self._items[key] = bundle
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
            return bundle


BUNDLES = BundleCache()
_CATALOGS: dict = {}          # content key -> Catalog: the last parse of the processes/ tree
_LOCK = threading.Lock()


_READING: ContextVar = ContextVar("xiaowei_reading", default=None)   # the open reading, if any


class _Joined:
    """A read inside an open reading: the reading's unit of work, left open on exit."""

    def __init__(self, uow):
        self._uow = uow

    def __enter__(self):
        return self._uow

    def __exit__(self, *exc_info) -> None:
        return None


class Context:
    """The database, the settings and what is read once from processes/ (roles, parameters, the
    statutory publicity floors).

    `unit_of_work`: the class of the units of work `uow()` opens, called as
    `unit_of_work(database, readonly=..., optimistic=...)`: the store's UnitOfWork, or a test's fake over a fake
    database (tests/fakes.py), so service tests need no database.

    Building one installs the engine clock into SpiffWorkflow's timer module (engine/clock.py):
    an explicit step of start-up, not a side effect of importing the engine."""

    def __init__(self, database: Database, settings: Settings | None = None, unit_of_work: type = UnitOfWork):
        self.settings = settings or Settings()
        self.database = database
        self.unit_of_work = unit_of_work
        self.processes_dir = Path(self.settings.processes_dir)
        self.roles = load_roles(self.processes_dir)         # the county's registry (processes/roles.toml)
        self._township_roles: dict = {}                     # code -> Role, declared in the database
        self._township_roles_read = float("-inf")
        self.parameters = load_parameters(self.processes_dir)
        self.publicity_floors = load_publicity_floors(self.processes_dir)
        self.bundles = BUNDLES
        cost = self.settings.password_cost
        self.passwords = Passwords(cost.time_cost, cost.memory_cost, cost.parallelism)
        clock.install()

    def role(self, code: str | None, uow=None):
        """A role by its code: the county registry's or one a township declared (services/roles.py),
        else None. Township roles never change once declared, so they are kept in this process;
        an unknown code reads them again, at most every few seconds (a role declared through
        another process is then found)."""
        if not code:
            return None
        role = self.roles.get(code) or self._township_roles.get(code)
        if role is None and time.monotonic() - self._township_roles_read > 5:
            with (uow and _Joined(uow)) or self.uow(readonly=True) as reading:
                self._township_roles = reading.township_roles.all()
            self._township_roles_read = time.monotonic()
            role = self._township_roles.get(code)
        return role

    def township_role_declared(self, role) -> None:
        """Called by the service that declared it, so this process knows it at once."""
        self._township_roles = {**self._township_roles, role.code: role}

    def uow(self, readonly: bool = False, optimistic: bool = False) -> UnitOfWork:
        """A unit of work: to act (commit once at the end), or readonly=True to answer a question.
        Inside `reading()`, a read-only one is the reading's own (one transaction for the page).
        optimistic=True: SQLite's write lock taken at the first write, not at the first read
        (store/uow.py says what such an action must guard)."""
        if readonly:
            shared = _READING.get()
            if isinstance(shared, self.unit_of_work) and shared.database is self.database:
                return _Joined(shared)
        return self.unit_of_work(self.database, readonly=readonly, optimistic=optimistic)

    def portal_uow(self, readonly: bool = False) -> PortalUnitOfWork:
        """The public portal's narrower unit of work: published records, never matters."""
        if readonly:
            shared = _READING.get()
            if isinstance(shared, PortalUnitOfWork) and shared.database is self.database:
                return _Joined(shared)
        return PortalUnitOfWork(self.database, readonly=readonly)

    @contextlib.contextmanager
    def reading(self, portal: bool = False):
        """One read-only unit of work for every read made while it is open: a page that asks several
        services (the user, the list, the names beside codes) reads one snapshot in one transaction.
        Writes still open their own unit of work; open this for requests that only read (GET)."""
        with (PortalUnitOfWork if portal else self.unit_of_work)(self.database, readonly=True) as uow:
            token = _READING.set(uow)
            try:
                yield uow
            finally:
                _READING.reset(token)

    def catalog(self) -> Catalog:
        """Every file under processes/, parsed and validated; parsed again only when a file,
        a role or a parameter changed."""
        files = {str(p.relative_to(self.processes_dir)): p.read_bytes() for p in sorted(self.processes_dir.rglob("*.bpmn"))}
        key = (str(self.processes_dir), hashlib.sha256(repr(sorted(
            (name, hashlib.sha256(data).hexdigest()) for name, data in files.items())).encode()).hexdigest(),
            frozenset(self.roles), frozenset(self.parameters))
        with _LOCK:
            if key not in _CATALOGS:
                _CATALOGS.clear()
                _CATALOGS[key] = Catalog(files, role_codes=set(self.roles), parameter_names=set(self.parameters))
            return _CATALOGS[key]
