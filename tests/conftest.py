"""Shared fixtures. Integration tests run on SQLite always and on PostgreSQL when
XIAOWEI_TEST_DATABASE_URL names one; in CI (CI=true) a missing PostgreSQL is a failure."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from engine.identity import Grant
from engine.services import Actor, Context
from engine.services.definitions import sync_definitions
from engine.services.demo import seed_demo
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


@pytest.fixture(scope="session")
def pg_database():
    database = Database(_postgres_url())
    # The test database is the tests' own: start from an empty schema, whatever an earlier run (of
    # this code or of another branch, with tables this code does not know) left behind.
    with database.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
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
    """A service context with the power list loaded and the demo county's units (no users)."""
    context = Context(database, TEST_SETTINGS)
    sync_definitions(context)
    seed_demo(context, Actor.system(), with_users=False)
    return context


@pytest.fixture
def clerk(ctx) -> Actor:
    """One actor holding every role over the whole demo county (role and scope checks have
    their own tests)."""
    return Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
