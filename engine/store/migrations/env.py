"""Alembic environment: runs against the engine handed over by `Database.upgrade`, or the URL
from the environment when called by the alembic command line."""
from alembic import context
from sqlalchemy import create_engine

from engine.store.db import database_url_from_env
from engine.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("connection_engine") or create_engine(database_url_from_env())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # A batch migration on SQLite copies a table, drops the old one and renames the copy; with
        # foreign keys on, that DROP deletes its rows first and cascades into the tables that
        # reference it (SQLite's documented DROP TABLE). Alembic's advice: foreign keys off for the
        # migration. The pragma only takes outside a transaction: set on the raw connection before
        # the migration's transaction begins, and back on before the connection returns to the pool.
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                connection.rollback()
                connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
