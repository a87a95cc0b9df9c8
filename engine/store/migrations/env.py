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
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
