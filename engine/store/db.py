"""Engine and session set-up for SQLite (default) and PostgreSQL.

No pooled connection may cross a fork (SQLAlchemy, "Using Connection Pools with Multiprocessing or
os.fork()"). On PostgreSQL two processes would talk over one socket. On SQLite it is worse and
silent: a child inherits the parent's open file and SQLite's in-memory record of the locks the
parent holds, believes it holds them too and takes no lock of its own; when the parent dies,
another process can then take the file as unused, checkpoint and delete the WAL while the child
goes on committing into the deleted file, and those commits vanish (issue 9). Hence a process
that forks closes its connections first (`dispose_every_database()`): for SQLite only that is
safe. A forked child then also forgets whatever it may still have inherited without touching it
(`close=False`), which is SQLAlchemy's recommendation and enough for PostgreSQL.
"""
from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from collections import OrderedDict
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker

from ..settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


def database_url_from_env() -> str:
    """The database of the settings in the environment (for Alembic run on its own)."""
    return Settings.from_env().resolved_database_url


def _alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


_DATABASES: "weakref.WeakSet[Database]" = weakref.WeakSet()    # every Database of this process


def dispose_every_database(close: bool = True) -> None:
    """Empty the pool of every Database in this process: before forking (close=True: close them),
    or in a forked child (close=False: only forget the parent's connections; closing them from
    the child would disturb the parent's use of them)."""
    for database in list(_DATABASES):
        database.dispose(close=close)


class ParsedStates:
    """Objects parsed from a stored text, kept with that text: the next reader of the same row whose
    text is still the same takes the object instead of parsing again (issue 17: a matter's workflow,
    parsed at every step, was a tenth of a step's cost).

    An entry is *taken* (removed) by whoever uses it and put back only by a unit of work that
    committed what the object now holds (UnitOfWork.commit), so an action that fails half-way never
    leaves a changed object behind, and no two actions ever hold one object. Whether an entry still
    holds is decided by comparing the whole text with the row's, not by a version number: a row
    written by another process, a restore or any path that did not go through here simply does not
    match. `owner` (the parsed definition the object belongs to) must be the same object too.
    Bounded: the least recently put entries go first. A demo matter's workflow takes 76 KB in memory
    at the median, 322 KB the largest (tracemalloc over the demo's 27 matters), so the 128 kept by a
    server process cost ~10 MB, at most ~40 MB: an action on a matter touched in the last few
    minutes of a village's work finds it here."""

    def __init__(self, size: int = 128):
        self.size = size
        self._items: OrderedDict[int, tuple[str, object, object]] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: int, text: str, owner: object):
        """The object parsed from `text` for `owner`, removed from here; None when there is none."""
        with self._lock:
            entry = self._items.pop(key, None)
        if entry is None or entry[1] is not owner or entry[0] != text:
            return None
        return entry[2]

    def put(self, key: int, text: str, owner: object, parsed: object) -> None:
        with self._lock:
            self._items[key] = (text, owner, parsed)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


BUSY_TIMEOUT_SECONDS = 30
_FIRST_PAUSE, _LONGEST_PAUSE = 0.0002, 0.001      # seconds between tries for SQLite's write lock
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def _begin_writing(connection, writers: threading.Lock) -> None:
    """BEGIN IMMEDIATE: one writing transaction at a time in this process, and against other
    processes a try for SQLite's write lock every millisecond at most.

    SQLite's own busy handler sleeps 1, 2, 5, 10, 15, 20, 25... ms between tries, so a writer that
    finds the lock taken wakes long after it came free: with steps holding it for a few ms, two
    server processes answered as much as one, and four threads of one process saw a p95 of ~115 ms
    against a median of ~12 (issue 17). The threads of a process queue on `writers` instead, in
    turn (released when the connection goes back to the pool, after its commit or rollback), so
    only one thread a process tries SQLite's lock, and a failed try costs one fcntl call."""
    info = connection.connection.info          # a connection keeps its turn until it goes back to the pool
    if not info.get("holds_writers"):
        if not writers.acquire(timeout=BUSY_TIMEOUT_SECONDS):
            raise sqlite3.OperationalError("database is locked (no write turn within the busy timeout)")
        info["holds_writers"] = True
    raw = connection.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout=0")      # only this wait is ours: every other statement keeps SQLite's
    try:
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            return
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
        deadline, pause = time.monotonic() + BUSY_TIMEOUT_SECONDS, _FIRST_PAUSE
        while True:         # another process writes: try again on the driver's connection alone
            time.sleep(pause)
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            pause = min(pause * 2, _LONGEST_PAUSE)
    finally:
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")


def _write_begins(statement: str, context) -> bool:
    """Whether a statement of a unit of work that writes late must hold the write lock: a write,
    or a locking read (FOR UPDATE, which SQLite does not have: holding the write lock is its
    equivalent) unless the statement says a version guard on its rows stands in for the lock."""
    if statement.lstrip()[:7].upper().startswith(_WRITES):
        return True
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None and \
        not context.execution_options.get("xiaowei_version_guarded")


class Database:
    def __init__(self, url: str):
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.engine = create_engine(url, **self._engine_options())
        if self.is_sqlite:
            self._configure_sqlite()
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.lineages: dict[str, tuple[str, ...]] = {}     # unit code -> its chain (UnitOfWork.lineage)
        self.bundle_keys: dict[int, tuple[str, str]] = {}  # version id -> (key, hash) (UnitOfWork.bundle_key)
        self.token_actors: dict[str, tuple] = {}           # token digest -> its actor (services/identity.py)
        self.workflows = ParsedStates()                    # matter id -> its live workflow (services/persistence.py)
        # Reads: the same pool, marked so that a transaction begins as a reader (see _on_begin).
        readonly = {"xiaowei_readonly": True} if self.is_sqlite else {"postgresql_readonly": True}
        self.read_sessions = sessionmaker(self.engine.execution_options(**readonly), expire_on_commit=False)
        # Units of work that read first and take SQLite's write lock only to write (UnitOfWork,
        # optimistic=True); on PostgreSQL the same as any (its row locks are taken as it reads).
        self.late_sessions = sessionmaker(self.engine.execution_options(xiaowei_write_late=True),
                                          expire_on_commit=False) if self.is_sqlite else self.sessions
        _DATABASES.add(self)

    def _engine_options(self) -> dict:
        if self.is_sqlite:
            return {"connect_args": {"timeout": 30, "check_same_thread": False}}
        return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}

    def _configure_sqlite(self) -> None:
        # pysqlite's own transaction handling starts transactions lazily and as readers, so two
        # writers can deadlock on the upgrade to a write lock. We take control: a unit of work
        # that writes begins IMMEDIATE, which serializes writers up front (SQLite allows one
        # writer anyway), or, when it asked to write late, as a reader that ends its reads and
        # begins IMMEDIATE just before its first write (see _before_statement).
        writers = threading.Lock()          # this process's one writing transaction (_begin_writing)

        @event.listens_for(self.engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
            # process being killed (the crash tests of issue 9), and only a power cut or an OS crash
            # can lose the last commits before a checkpoint, never corrupt the file. FULL cost
            # ~0.5 ms of every step (issue 17). Counties that cannot lose a second run PostgreSQL.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            cursor.close()

        @event.listens_for(self.engine, "begin")
        def _on_begin(connection):
            options = connection.get_execution_options()
            if options.get("xiaowei_readonly"):
                connection.exec_driver_sql("BEGIN")      # a reader: no write lock, waits for no writer (WAL)
            elif options.get("xiaowei_write_late"):
                connection.exec_driver_sql("BEGIN")      # a reader until its first write
                connection.connection.info["writes_late"] = True
            else:
                _begin_writing(connection, writers)

        @event.listens_for(self.engine, "before_cursor_execute")
        def _before_statement(connection, _cursor, statement, _parameters, context, _executemany):
            info = connection.connection.info
            if info.get("writes_late") and _write_begins(statement, context):
                # The reads' snapshot ends here (SQLite cannot move a reader to the newest data
                # and make it a writer: it refuses a reader that fell behind). What was read
                # before may since have changed: the unit of work's version guards say so
                # (UnitOfWork, optimistic=True).
                info["writes_late"] = False
                connection.connection.dbapi_connection.execute("COMMIT")
                _begin_writing(connection, writers)

        @event.listens_for(self.engine, "checkin")
        def _on_checkin(_dbapi_connection, record):
            # The connection's transaction ended (committed or rolled back): the next writer's turn.
            record.info.pop("writes_late", None)
            if record.info.pop("holds_writers", False):
                writers.release()

    def upgrade(self) -> None:
        """Bring the schema to the newest Alembic revision."""
        config = _alembic_config()
        config.attributes["connection_engine"] = self.engine
        command.upgrade(config, "head")

    def schema_state(self) -> str:
        """"missing" (never migrated), "behind" (an older revision than this code's) or "current"."""
        applied = self.schema_revisions()
        if not applied:
            return "missing"
        return "current" if applied == self.code_revisions() else "behind"

    def schema_revisions(self) -> set[str]:
        """The Alembic revisions the database is at (empty: never migrated). Read with plain SQL:
        Alembic's own reader logs two lines each time, and /readyz asks every few seconds."""
        with self.engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return set()
            return set(connection.scalars(text("SELECT version_num FROM alembic_version")))

    @staticmethod
    def code_revisions() -> set[str]:
        """The newest revisions this code knows (its migrations' heads)."""
        return set(ScriptDirectory.from_config(_alembic_config()).get_heads())

    @staticmethod
    def known_revisions() -> set[str]:
        """Every revision this code can migrate from."""
        return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}

    def dispose(self, close: bool = True) -> None:
        """Drop the pooled connections (the engine opens new ones when next used). close=False
        forgets them without closing them: for a child that inherited them across a fork."""
        self.engine.dispose(close=close)

    def open_connections(self) -> int:
        """Connections the pool holds, idle or in use (none may be open when a process forks)."""
        pool = self.engine.pool
        return sum(getattr(pool, name, lambda: 0)() for name in ("checkedin", "checkedout"))
