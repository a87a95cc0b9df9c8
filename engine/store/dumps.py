"""Copies of a whole database, for backups: SQLite through its online backup API, PostgreSQL
through pg_dump / pg_restore (Debian's postgresql-client), and the figures a backup's manifest
records and a restore checks (rows per table, the audit chain's head, the schema revision).

SQLite: `Connection.backup` copies every page within one read transaction, so the copy is one
consistent moment even while gunicorn's workers keep writing (WAL: the writers are not held up).
PostgreSQL: a REPEATABLE READ transaction exports its snapshot and pg_dump reads that very
snapshot (`--snapshot`), so the figures of the manifest, read in the same transaction, describe
exactly the rows of the dump.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from .models import AttachmentBlob, Base

OUR_TABLES = [table.name for table in Base.metadata.sorted_tables]


class DumpError(RuntimeError):
    """A dump tool is missing, too old for the server, or failed; the message says which."""


# -- figures --------------------------------------------------------------------------------------
def figures(connection) -> dict:
    """Rows per table of ours, the audit head and the schema revision, read on `connection`."""
    present = set(inspect(connection).get_table_names())
    counts = {name: connection.scalar(text(f'SELECT count(*) FROM "{name}"')) for name in OUR_TABLES if name in present}
    head = connection.execute(text("SELECT seq, hash FROM audit_head WHERE id = 1")).first() \
        if "audit_head" in present else None
    revisions = sorted(connection.scalars(text("SELECT version_num FROM alembic_version"))) \
        if "alembic_version" in present else []
    return {"row_counts": counts, "audit_head": {"seq": head[0] if head else 0, "hash": head[1] if head else None},
            "schema_revision": revisions}


def database_figures(database) -> dict:
    with database.engine.connect() as connection:
        return figures(connection)


def blobs_intact(database) -> tuple[int, list[str]]:
    """(blobs checked, hashes whose content no longer hashes to them): attachments are
    content-addressed, so every file proves itself."""
    bad, count = [], 0
    with database.engine.connect() as connection:
        for sha, content in connection.execute(select(AttachmentBlob.sha256, AttachmentBlob.content)
                                               .execution_options(yield_per=50)):
            count += 1
            if hashlib.sha256(content).hexdigest() != sha:
                bad.append(sha)
    return count, bad


def is_empty(database) -> bool:
    """No row in any table of ours (a migrated but unused schema is empty)."""
    counts = database_figures(database)["row_counts"]
    return not any(counts.values())


def drop_ours(database) -> None:
    """Drop every table of ours and the migration mark (restore --force, or an empty schema)."""
    with database.engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


# -- SQLite ---------------------------------------------------------------------------------------
def copy_sqlite(database, target: Path) -> dict:
    """An online copy of a SQLite database into `target` (one self-contained file); its figures."""
    raw = database.engine.raw_connection()
    try:
        destination = sqlite3.connect(target)
        with destination:
            raw.driver_connection.backup(destination)       # all pages in one step: one snapshot
        destination.execute("PRAGMA journal_mode=DELETE")    # no -wal file beside the copy
        destination.close()
    finally:
        raw.close()
    return file_figures(target)


def file_figures(path: Path) -> dict:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return figures(connection)
    finally:
        engine.dispose()


def restore_sqlite(source: Path, database) -> None:
    """Replace the database's whole content by the copy's, through the backup API (pages written
    under the database's own locks: a reader sees the old content or the new, never a mix)."""
    database.dispose()
    source_connection = sqlite3.connect(source)
    raw = database.engine.raw_connection()
    try:
        source_connection.backup(raw.driver_connection)
    finally:
        raw.close()
        source_connection.close()
        database.dispose()


def sqlite_blobs_intact(path: Path) -> tuple[int, list[str]]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT sha256, content FROM attachment_blobs")
        bad, count = [], 0
        for sha, content in rows:
            count += 1
            if hashlib.sha256(content).hexdigest() != sha:
                bad.append(sha)
        return count, bad
    finally:
        connection.close()


# -- PostgreSQL -----------------------------------------------------------------------------------
def dump_postgresql(database, target: Path) -> dict:
    """pg_dump (custom format) of the snapshot whose figures are returned."""
    tool = _tool("pg_dump")
    with database.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            _check_version(tool, connection)
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            found = figures(connection)
            _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                  f"--file={target}", f"--dbname={_libpq_url(database.url)}"], database.url)
    return found


def restore_postgresql(source: Path, database) -> None:
    """pg_restore in one transaction: all of it or nothing."""
    tool = _tool("pg_restore")
    with database.engine.connect() as connection:
        _check_version(tool, connection)
    database.dispose()
    _run([tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={_libpq_url(database.url)}", str(source)], database.url)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DumpError(f"{name} not found: install Debian's postgresql-client (scripts/bootstrap.sh does)")
    return found


def _check_version(tool: str, connection) -> None:
    """pg_dump refuses a server newer than itself; say so before starting, naming both."""
    printed = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout
    client = int(re.search(r"\b(\d+)(?:\.\d+)", printed).group(1))        # "pg_dump (PostgreSQL) 15.20 (...)"
    server = int(connection.scalar(text("SHOW server_version_num"))) // 10000
    if client < server:
        raise DumpError(f"{Path(tool).name} {client} cannot handle a PostgreSQL {server} server: "
                        f"install postgresql-client-{server}")


def _libpq_url(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it, without the password (it goes in PGPASSWORD, not on
    a command line that `ps` shows)."""
    return make_url(url).set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _run(command: list[str], url: str) -> None:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise DumpError(f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
