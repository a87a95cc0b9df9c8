"""xiaowei backup, restore and archive on the command line (SQLite files)."""
import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

from api.cli import cli
from api.wiring import build_context
from engine.backup_file import BackupRefused
from engine.errors import InvalidData
from engine.services import Actor, matters


def invoke(monkeypatch, database, *args):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", f"sqlite:///{database}")
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_backup_restore_and_archive(tmp_path, monkeypatch):
    source, copy = tmp_path / "source.sqlite3", tmp_path / "copy.sqlite3"
    assert invoke(monkeypatch, source, "db", "upgrade").exit_code == 0
    invoke(monkeypatch, source, "processes", "load")
    invoke(monkeypatch, source, "orgs", "add", "c", "示范县", "county")
    invoke(monkeypatch, source, "orgs", "add", "t", "青山镇", "township", "--parent", "c")
    invoke(monkeypatch, source, "orgs", "add", "v", "绿水村", "village", "--parent", "t")
    ctx = build_context()
    matter = matters.start_matter(ctx, Actor.system(), "major_decision", "v", "命令行", {"summary": "x"})
    matters.cancel_matter(ctx, Actor.system(), matter.id, "测试")
    ctx.database.dispose()

    backup = invoke(monkeypatch, source, "backup", "-o", str(tmp_path / "b.tar.gz"))
    assert backup.exit_code == 0 and "1 matters" in backup.output and "sqlite at schema" in backup.output
    with pytest.raises(BackupRefused):
        invoke(monkeypatch, source, "restore", str(tmp_path / "b.tar.gz"))
    restored = invoke(monkeypatch, copy, "restore", str(tmp_path / "b.tar.gz"))
    assert restored.exit_code == 0, restored.output
    assert json.loads(restored.output[restored.output.index("{"):])["audit_chain"]["ok"] is True

    with pytest.raises(InvalidData):
        invoke(monkeypatch, source, "archive", "--before", "2999-01-01")
    archived = invoke(monkeypatch, source, "archive", "--before", datetime.now(timezone.utc).isoformat())
    assert archived.exit_code == 0 and "archived 1 matters" in archived.output
    archived = invoke(monkeypatch, source, "archive", "--before", "tomorrow")
    assert archived.exit_code == 2 and "not a date or an ISO time" in archived.output
