"""Shared fixtures. Integration tests run on SQLite always and on PostgreSQL when
XIAOWEI_TEST_DATABASE_URL names one; in CI (CI=true) a missing PostgreSQL is a failure.

Each backend is migrated once a session, and the power list and the demo county's units are
loaded once: a test starts from a copy of that state (a file copy on SQLite, the tables' rows
copied back in on PostgreSQL) instead of migrating and loading the power list again (~0.3 s a test).
Under pytest-xdist every worker has its own PostgreSQL database (`<name>_gw0`, ...)."""
from __future__ import annotations

import contextlib
import os
import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from engine.identity import Grant
from engine.services import Actor, Context
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
from tests.fakes import FakeDatabase, fake_context, seeded_fake_database
from tests.settings import TEST_SETTINGS
from engine.store import Database
from engine.store.models import Base

pytest_plugins = ["tests.flowcov"]

PG_URL = os.environ.get("XIAOWEI_TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str:
    if PG_URL:
        return PG_URL
    if os.environ.get("CI"):
        pytest.fail("CI must set XIAOWEI_TEST_DATABASE_URL: PostgreSQL tests may not be skipped there")
    pytest.skip("PostgreSQL tests need XIAOWEI_TEST_DATABASE_URL")


def _worker_url(url: str, worker: str) -> str:
    """This xdist worker's own database beside the one named (created when missing): two workers
    truncating one database would wipe each other's tests."""
    if worker == "master":
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    admin = Database(url)
    with admin.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def _seed(database: Database) -> None:
    context = Context(database, TEST_SETTINGS)
    sync_definitions(context)
    seed_demo(context, Actor.system(), with_users=False)


class _PostgresTemplate:
    """The seeded state, copied out of the tables (COPY, binary) and kept in memory: nothing of it
    stays in the database, whose backups and restores the tests take whole. `restore` empties
    the tables and copies the rows back, and puts every sequence where it stood.

    Emptied with DELETE, not TRUNCATE (which makes new files for some forty tables: 85 ms a test
    against 26), and the item versions (4 MB of BPMN, most of a restore) are left in place when
    a test did not change them: a version's rows are compared whole, by digest."""

    KEPT_WHEN_UNCHANGED = "definition_versions"
    _DIGEST = text(f"SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t.id), '')) FROM {KEPT_WHEN_UNCHANGED} t")

    def __init__(self, database: Database):
        self.tables = [t.name for t in Base.metadata.sorted_tables]
        self.rows: dict[str, bytes] = {}
        with database.engine.begin() as conn:
            cursor = conn.connection.driver_connection.cursor()
            for name in self.tables:
                with cursor.copy(f"COPY {name} TO STDOUT (FORMAT binary)") as copy:
                    data = b"".join(bytes(block) for block in copy)
                if conn.scalar(text(f"SELECT EXISTS (SELECT 1 FROM {name})")):
                    self.rows[name] = data
            # Each sequence where the template left it: its last value, or none yet (NULL).
            self.sequences = list(conn.execute(text(
                "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")))
            self.digest = conn.scalar(self._DIGEST)

    def empty(self, conn) -> None:
        self._delete(conn, keep=frozenset())
        self._reset_sequences(conn, {name: None for name, _ in self.sequences})

    def restore(self, conn) -> None:
        keep = frozenset({self.KEPT_WHEN_UNCHANGED}) if conn.scalar(self._DIGEST) == self.digest else frozenset()
        self._delete(conn, keep)
        cursor = conn.connection.driver_connection.cursor()
        for name, data in self.rows.items():           # in the tables' dependency order
            if name not in keep:
                with cursor.copy(f"COPY {name} FROM STDIN (FORMAT binary)") as copy:
                    copy.write(data)
        self._reset_sequences(conn, dict(self.sequences))

    def _delete(self, conn, keep: frozenset) -> None:
        for name in reversed(self.tables):              # those that point at a table first
            if name not in keep:
                conn.execute(text(f"DELETE FROM {name}"))

    @staticmethod
    def _reset_sequences(conn, values: dict) -> None:
        # setval(name, v) makes v the last value given; setval(name, 1, false) a fresh sequence's state.
        if values:
            conn.execute(text("SELECT " + ", ".join(
                f"setval('{name}', {value})" if value is not None else f"setval('{name}', 1, false)"
                for name, value in values.items())))


@pytest.fixture(scope="session")
def pg_database(worker_id):
    database = Database(_worker_url(_postgres_url(), worker_id))
    # The test database is the tests' own: start from an empty schema, whatever an earlier run (of
    # this code or of another branch, with tables this code does not know) left behind.
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    database.upgrade()
    _seed(database)
    database.template = _PostgresTemplate(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[bool, str]:
    """Two SQLite files, migrated: {False: empty, True: with the power list and the demo units}."""
    folder = tmp_path_factory.mktemp("templates")
    files = {}
    for seeded in (False, True):
        path = folder / f"{'seeded' if seeded else 'empty'}.sqlite3"
        database = Database(f"sqlite:///{path}")
        database.upgrade()
        if seeded:
            _seed(database)
        database.dispose()
        files[seeded] = str(path)
    return files


def _truncate(database) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _copy_sqlite(source: str, target: str) -> None:
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """A migrated database on each backend: empty, or, when the test also asks for `ctx`, with the
    power list and the demo county's units already loaded (as `ctx` promises); in a module marked
    `demo_users`, with the demo's users too (what `seed_demo` adds: 0.15-0.3 s a test)."""
    seeded = "ctx" in request.fixturenames
    if seeded and request.node.get_closest_marker("demo_users"):
        with open_walked(request, request.param, tmp_path, walk="users") as database:
            yield database
    else:
        yield from _open_database(request, request.param, seeded, tmp_path)


def _open_database(request, backend: str, seeded: bool, tmp_path):
    if backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        _copy_sqlite(request.getfixturevalue("sqlite_templates")[seeded], str(path))
        db = Database(f"sqlite:///{path}")
        yield db
        db.dispose()
    else:
        shared = request.getfixturevalue("pg_database")
        # A Database of its own (its own engine): an app built by an earlier test listens to
        # commits on its engine (red lines, metrics) and may outlive it in a module fixture.
        db = Database(shared.url)
        with db.engine.begin() as conn:
            (shared.template.restore if seeded else shared.template.empty)(conn)
        yield db
        db.dispose()


def session_templates(name: str, walk):
    """Two session fixtures, `<name>_sqlite_template` and `<name>_pg_template`: the seeded state
    after `walk` on each backend, built when a test first asks; `open_walked` copies them."""
    @pytest.fixture(scope="session", name=f"{name}_sqlite_template")
    def on_sqlite(sqlite_templates, tmp_path_factory) -> tuple[str, object]:
        return _walked_sqlite(sqlite_templates, tmp_path_factory, name, walk)

    @pytest.fixture(scope="session", name=f"{name}_pg_template")
    def on_postgresql(pg_database) -> tuple[_PostgresTemplate, object]:
        return _walked_pg(pg_database, walk)
    return on_sqlite, on_postgresql


# -- the walked demo (every demo matter of 绿水村 through its steps, engine/services/demo_walk.py):
# walked once a session and backend, when a test first asks, and copied for each test as the seeded
# state is. A walk takes 15-30 s; the portal's, board's, export's and privacy tests took one each.

def _walk(database: Database):
    from engine.services.demo_walk import walk_demo
    matters = walk_demo(Context(database, TEST_SETTINGS))
    assert matters, "the demo walked"
    return matters


walked_sqlite_template, walked_pg_template = session_templates("walked", _walk)


# The demo's users (seed_demo: every role's demo user, and their grants) on the seeded state.

def _seed_users(database: Database):
    return seed_demo(Context(database, TEST_SETTINGS), Actor.system())


users_sqlite_template, users_pg_template = session_templates("users", _seed_users)


# The demo year (engine/services/demo_history.py, its planted violations and 30 matters more: a
# fixed calendar, so the same every time), walked once a session and backend in the same way.

def _walk_year(database: Database):
    from engine.services.demo_history import PLANTED, walk_history
    ctx = Context(database, TEST_SETTINGS)
    seed_demo(ctx, Actor.system())                 # the year's cadres act as the demo's users
    return walk_history(ctx, total=len(PLANTED) + 30)


year_sqlite_template, year_pg_template = session_templates("year", _walk_year)


def _walked_sqlite(sqlite_templates, tmp_path_factory, name: str, walk) -> tuple[str, object]:
    """(a SQLite file walked by `walk` from the seeded state, what the walk returned)."""
    path = str(tmp_path_factory.mktemp(name) / f"{name}.sqlite3")
    _copy_sqlite(sqlite_templates[True], path)
    database = Database(f"sqlite:///{path}")
    walked = walk(database)
    database.dispose()
    return path, walked


def _walked_pg(pg_database, walk) -> tuple[_PostgresTemplate, object]:
    """(the rows walked by `walk` from the seeded state, kept in memory; what the walk returned)."""
    database = Database(pg_database.url)
    with database.engine.begin() as conn:
        pg_database.template.restore(conn)
    walked = walk(database)
    template = _PostgresTemplate(database)
    database.dispose()
    return template, walked


@contextlib.contextmanager
def open_walked(request, backend: str, folder, walk: str = "walked"):
    """A database holding the walked demo (or, with walk="year", the demo year; "users", the seeded
    state with the demo's users) on `backend`, a copy of the session's walk: a SQLite file in
    `folder`, or the worker's PostgreSQL database with the walked rows copied back in."""
    template, _ = request.getfixturevalue(f"{walk}_{'sqlite' if backend == 'sqlite' else 'pg'}_template")
    if backend == "sqlite":
        path = folder / f"{walk}.sqlite3"
        _copy_sqlite(template, str(path))
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("pg_database").url)
        with database.engine.begin() as conn:
            template.restore(conn)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(params=BACKENDS)
def walked_db(request, tmp_path):
    """The walked demo on each backend, this test's own copy."""
    with open_walked(request, request.param, tmp_path) as database:
        yield database


@pytest.fixture(params=BACKENDS)
def year_ctx(request, tmp_path):
    """(context, DemoYear): the demo year on each backend, this test's own copy, and what its walk
    returned (the matters, the planted ones, the sweep, the warnings expected, when it ended)."""
    _, year = request.getfixturevalue(f"year_{'sqlite' if request.param == 'sqlite' else 'pg'}_template")
    with open_walked(request, request.param, tmp_path, walk="year") as database:
        yield Context(database, TEST_SETTINGS), year


@pytest.fixture(scope="session")
def fake_template() -> FakeDatabase:
    """The fakes' copy of what `ctx` holds (the power list, the demo county's units), made by the
    same services: built once, copied for each test."""
    return seeded_fake_database()


@pytest.fixture
def fake_ctx(fake_template) -> Context:
    """A service context on the fake unit of work (tests/fakes.py) with what `ctx` holds: no database."""
    return fake_context(fake_template.copy())


@pytest.fixture(params=["fake", *BACKENDS])
def store_ctx(request, tmp_path):
    """A context over an empty store (migrated, nothing loaded) on the fakes and on each backend: the
    repository contract's (tests/integration/test_repository_contract.py)."""
    if request.param == "fake":
        yield fake_context()
    else:
        for database in _open_database(request, request.param, False, tmp_path):
            yield Context(database, TEST_SETTINGS)


@pytest.fixture
def ctx(database) -> Context:
    """A service context with the power list loaded and the demo county's units (no users)."""
    return Context(database, TEST_SETTINGS)


@pytest.fixture
def clerk(ctx) -> Actor:
    """One actor holding every role over the whole demo county (role and scope checks have
    their own tests)."""
    return Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
