"""Shared fixtures. Integration tests run on SQLite always and on PostgreSQL when
XIAOWEI_TEST_DATABASE_URL names one; in CI (CI=true) a missing PostgreSQL is a failure."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from engine.services import Actor, Context
from engine.services.definitions import sync_definitions
from engine.services.orgs import seed_demo
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


@pytest.fixture(scope="session")
def pg_database():
    database = Database(_postgres_url())
    with database.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    database.upgrade()
    yield database
    database.dispose()


def _truncate(database) -> None:
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        db = Database(f"sqlite:///{tmp_path / 'test.sqlite3'}")
        db.upgrade()
        yield db
        db.dispose()
    else:
        db = request.getfixturevalue("pg_database")
        _truncate(db)
        yield db


@pytest.fixture
def ctx(database) -> Context:
    """A service context with the power list loaded and the demo village."""
    context = Context(database)
    sync_definitions(context)
    seed_demo(context, Actor.system())
    return context


@pytest.fixture
def clerk() -> Actor:
    """One actor holding every village and township role (role checks have their own tests)."""
    from engine.registry import load_roles
    from engine.services.context import DEFAULT_PROCESSES_DIR
    return Actor("clerk", frozenset(load_roles(DEFAULT_PROCESSES_DIR)))
