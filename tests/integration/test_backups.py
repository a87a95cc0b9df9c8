"""Backup and restore on SQLite and PostgreSQL: attachments come along, a file that cannot be
verified is refused, a database that is not empty is not overwritten without --force, and the
audit chain is verified after a restore."""
from __future__ import annotations

import io
import json
import tarfile
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from engine.backup_file import BackupRefused
from engine.errors import NotFound
from engine.services import Actor, Context, attachments, audit, backups, matters
from engine.store import Database
from tests.integration.helpers import PDF, do, start_decision
from tests.integration.helpers import PROPOSE
from tests.settings import TEST_SETTINGS

SYSTEM = Actor.system()
SCAN = PDF + b"% scanned ballots " + bytes(range(256)) * 40


@pytest.fixture
def target(database, tmp_path):
    """An empty database of the same kind to restore into."""
    if database.is_sqlite:
        db = Database(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
        yield db
        db.dispose()
        return
    url = make_url(database.url)
    name = f"{url.database}_restore_{uuid.uuid4().hex[:6]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    db = Database(url.set(database=name).render_as_string(hide_password=False))
    try:
        yield db
    finally:
        db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def a_matter_with_evidence(ctx, clerk) -> tuple:
    scan = attachments.upload_attachment(ctx, clerk, "选票.pdf", SCAN)
    matter = start_decision(ctx, clerk)
    matter = do(ctx, clerk, matter, "propose", PROPOSE)
    return matter, scan


def test_a_backup_restores_into_an_empty_database_with_its_attachments(ctx, clerk, target, tmp_path):
    matter, scan = a_matter_with_evidence(ctx, clerk)
    taken = backups.take_backup(ctx, SYSTEM, tmp_path / "backup.tar.gz")
    manifest = taken.manifest
    assert manifest["row_counts"]["instances"] == 1 and manifest["attachments"]["blobs"] >= 1
    assert manifest["schema_revision"] == sorted(ctx.database.code_revisions())
    assert set(manifest["members"]) == {"database.sqlite3" if ctx.database.is_sqlite else "database.pgdump"}
    head = manifest["audit_head"]
    later = matters.start_matter(ctx, clerk, "major_decision", "lushui_village", "备份之后", {"summary": "x"})

    restored = Context(target, TEST_SETTINGS)
    report = backups.restore_backup(restored, SYSTEM, tmp_path / "backup.tar.gz")
    assert report.chain.ok and report.chain.events == head["seq"]
    assert report.chain.last_hash == head["hash"] and report.attachments_checked >= 1
    assert matters.get_matter(restored, SYSTEM, matter.id).subject == matter.subject
    meta, content = attachments.download_attachment(restored, SYSTEM, scan.id)
    assert content == SCAN and meta.sha256 == scan.sha256
    with pytest.raises(NotFound):
        matters.get_matter(restored, SYSTEM, later.id)            # started after the backup
    # The source's chain says a backup of its state up to that head was taken.
    (taken_event,) = [e for e in audit_events(ctx) if e.event == "backup_taken"]
    assert taken_event.payload["audit_head"] == head and taken_event.payload["file_sha256"] == taken.sha256
    assert audit.verify_chain(ctx, SYSTEM).ok


def audit_events(ctx):
    with ctx.uow(readonly=True) as uow:
        return [type("Event", (), {"event": e.event, "payload": e.payload}) for e in uow.audit.all_in_order()]


def test_a_database_that_is_not_empty_is_replaced_only_with_force(ctx, clerk, target, tmp_path):
    a_matter_with_evidence(ctx, clerk)
    backups.take_backup(ctx, SYSTEM, tmp_path / "backup.tar.gz")
    with pytest.raises(BackupRefused, match="不是空的"):
        backups.restore_backup(ctx, SYSTEM, tmp_path / "backup.tar.gz")
    report = backups.restore_backup(ctx, SYSTEM, tmp_path / "backup.tar.gz", force=True)
    assert report.chain.ok and report.row_counts["instances"] == 1


def rewrite(source, output, change_member=None, change_manifest=None):
    """A copy of a backup file with one member's bytes or the manifest changed."""
    with tarfile.open(source, "r:gz") as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members.pop("manifest.json"))
    if change_manifest:
        change_manifest(manifest)
    if change_member:
        members = {name: change_member(data) for name, data in members.items()}
    with tarfile.open(output, "w:gz") as tar:
        for name, data in [("manifest.json", json.dumps(manifest).encode())] + list(members.items()):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def test_a_file_that_cannot_be_verified_is_refused_and_nothing_restored(ctx, clerk, target, tmp_path):
    a_matter_with_evidence(ctx, clerk)
    good = tmp_path / "backup.tar.gz"
    backups.take_backup(ctx, SYSTEM, good)
    restored = Context(target, TEST_SETTINGS)

    def refused(path, match):
        with pytest.raises(BackupRefused, match=match):
            backups.restore_backup(restored, SYSTEM, path)
        target.dispose()
    rewrite(good, tmp_path / "altered.tar.gz", change_member=flip_a_byte)
    refused(tmp_path / "altered.tar.gz", "sha256 与清单不符")
    (tmp_path / "noise.tar.gz").write_bytes(b"not a backup at all")
    refused(tmp_path / "noise.tar.gz", "已损坏或不是")
    truncated = good.read_bytes()[: good.stat().st_size // 2]
    (tmp_path / "truncated.tar.gz").write_bytes(truncated)
    refused(tmp_path / "truncated.tar.gz", "已损坏")
    rewrite(good, tmp_path / "counts.tar.gz", change_manifest=lambda m: m["row_counts"].update(instances=7))
    refused(tmp_path / "counts.tar.gz", "不符")
    rewrite(good, tmp_path / "newer.tar.gz", change_manifest=lambda m: m.update(schema_revision=["9999"]))
    refused(tmp_path / "newer.tar.gz", "更新版本")
    other = "postgresql" if ctx.database.is_sqlite else "sqlite"
    rewrite(good, tmp_path / "other.tar.gz", change_manifest=lambda m: m.update(database=other))
    refused(tmp_path / "other.tar.gz", "不能恢复到")
    from engine.store import dumps
    assert dumps.is_empty(target)                    # nothing of any refused file was left behind
    assert backups.restore_backup(restored, SYSTEM, good).chain.ok
