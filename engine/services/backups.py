"""Backup and restore of the whole database (its attachments included: they live in it).

`take_backup` copies the database while it serves (SQLite's online backup, PostgreSQL's pg_dump of
one snapshot), writes one file with a manifest (engine/backup_file.py), and records in the audit
chain that a backup holding the chain up to its head was taken. `restore_backup` refuses a file it
cannot verify, restores only into an empty database unless forced, checks that the rows, the chain
head and every attachment's sha256 are what the manifest says, migrates the schema if the backup is
older than this program, and verifies the whole audit chain.

These are operator commands, run at the server (the system actor): they work on the database as a
whole, below the units of work of user actions. A restore goes from SQLite to SQLite and from
PostgreSQL to PostgreSQL only; moving a county from SQLite to PostgreSQL is a data migration, not a
restore.
"""
from __future__ import annotations

import tempfile
import time
from pathlib import Path

from .. import clock
from ..backup_file import BackupRefused, read_backup, sha256_of, write_backup
from ..store import dumps
from .audit import verify_chain
from .operations_views import BackupTaken, RestoreReport

MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def _kind(database) -> str:
    return "sqlite" if database.is_sqlite else "postgresql"


def take_backup(ctx, actor, output: Path) -> BackupTaken:
    """Write a backup to `output`; what was written: the manifest, the file's size and sha256,
    and the seconds it took.

    Raises:
        BackupRefused: pg_dump is missing, too old for the server, or failed.
    """
    started, kind = time.monotonic(), _kind(ctx.database)
    with tempfile.TemporaryDirectory(prefix="xiaowei-backup-") as work:
        copy = Path(work) / MEMBER[kind]
        try:
            found = dumps.copy_sqlite(ctx.database, copy) if kind == "sqlite" else dumps.dump_postgresql(ctx.database, copy)
        except dumps.DumpError as exc:
            raise BackupRefused(str(exc)) from exc
        counts = found["row_counts"]
        manifest = write_backup(Path(output), {
            "created_at": clock.SystemClock().now().isoformat(), "database": kind, **found,
            "attachments": {"files": counts.get("attachments", 0) + counts.get("archived_attachments", 0),
                            "blobs": counts.get("attachment_blobs", 0)}}, {MEMBER[kind]: copy})
    size, digest = Path(output).stat().st_size, sha256_of(Path(output))
    with ctx.uow() as uow:       # the chain itself says which of its states this file holds
        uow.audit.append("backup_taken", actor.name, None, {
            "file_sha256": digest, "database": kind, "audit_head": manifest["audit_head"]},
            clock.now().isoformat())
        uow.commit()
    return BackupTaken(manifest=manifest, size=size, sha256=digest, seconds=round(time.monotonic() - started, 2))


def restore_backup(ctx, actor, path: Path, force: bool = False) -> RestoreReport:
    """Restore the database from a backup file; a report: what was restored, whether the schema
    was migrated afterwards, the attachments checked, and the audit chain's verification.

    Raises:
        BackupRefused: the file cannot be verified (not ours, damaged or altered, of another kind
            of database or of a newer program), the database is not empty and `force` was not
            given, or the restored rows do not match the manifest (the database is left empty).
    """
    started, kind = time.monotonic(), _kind(ctx.database)
    with tempfile.TemporaryDirectory(prefix="xiaowei-restore-") as work:
        manifest = read_backup(Path(path), Path(work))
        _check_fits(ctx, manifest, kind)
        if not force and not _empty(ctx.database):
            raise BackupRefused("目标数据库不是空的：只能恢复到空数据库（确需覆盖时加 --force）")
        copy = Path(work) / MEMBER[kind]
        try:
            blobs = _restore_sqlite(ctx, manifest, copy) if kind == "sqlite" else _restore_postgresql(ctx, manifest, copy)
        except dumps.DumpError as exc:
            raise BackupRefused(str(exc)) from exc
    upgraded = set(manifest["schema_revision"]) != ctx.database.code_revisions()
    if upgraded:
        ctx.database.upgrade()
    chain = verify_chain(ctx, actor, full=True)        # a restored chain is recomputed whole
    return RestoreReport(created_at=manifest["created_at"], database=kind, row_counts=manifest["row_counts"],
                         audit_head=manifest["audit_head"], attachments_checked=blobs, schema_upgraded=upgraded,
                         chain=chain, seconds=round(time.monotonic() - started, 2))


def _check_fits(ctx, manifest: dict, kind: str) -> None:
    if manifest.get("database") != kind:
        raise BackupRefused(f"这是 {manifest.get('database')} 数据库的备份，不能恢复到 {kind} 数据库"
                            "（SQLite 与 PostgreSQL 之间不能直接恢复）")
    known = ctx.database.known_revisions()
    unknown = [r for r in manifest.get("schema_revision", []) if r not in known]
    if unknown:
        raise BackupRefused(f"备份来自更新版本的程序（数据库结构 {', '.join(unknown)}）：请先升级程序再恢复")


def _empty(database) -> bool:
    try:
        return dumps.is_empty(database)
    except Exception:  # noqa: BLE001 - a database file or schema that cannot be read holds nothing we keep
        return False


def _matches(manifest: dict, found: dict) -> bool:
    return found["row_counts"] == manifest["row_counts"] and found["audit_head"] == manifest["audit_head"]


def _restore_sqlite(ctx, manifest: dict, copy: Path) -> int:
    """Everything is checked on the extracted copy before the database is touched."""
    if not _matches(manifest, dumps.file_figures(copy)):
        raise BackupRefused("备份中的数据与清单记录的行数或审计链尾不符：文件被改动")
    count, bad = dumps.sqlite_blobs_intact(copy)
    if bad:
        raise BackupRefused(f"备份中有 {len(bad)} 个附件的内容与其 sha256 不符")
    dumps.restore_sqlite(copy, ctx.database)
    return count


def _restore_postgresql(ctx, manifest: dict, copy: Path) -> int:
    """pg_restore into a database without our tables, then the checks; if they fail, the restored
    tables are dropped again (the database was empty before, or --force said it may be emptied)."""
    dumps.drop_ours(ctx.database)
    dumps.restore_postgresql(copy, ctx.database)
    count, bad = dumps.blobs_intact(ctx.database)
    if bad or not _matches(manifest, dumps.database_figures(ctx.database)):
        dumps.drop_ours(ctx.database)
        raise BackupRefused("恢复后的数据与备份清单不符（行数、审计链尾或附件哈希）：已撤回本次恢复")
    return count
