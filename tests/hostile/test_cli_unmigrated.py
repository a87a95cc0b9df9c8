"""Issue 9 item 8: a command run on a database that was never migrated (or is behind this code)
says what to run instead of printing an SQL traceback, and exits non-zero without creating
anything."""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from api.cli import cli
from engine.store import Database

COMMANDS = [["processes", "list"], ["processes", "show", "major_decision"], ["processes", "load"],
            ["worker", "--once"], ["users", "list"], ["users", "grant", "li", "PARTY_BRANCH", "lushui_village"],
            ["orgs", "list"], ["orgs", "add", "x_town", "某镇", "township"], ["audit", "verify"],
            ["backup", "-o", "x.xwbak"], ["calendar", "show", "2026"], ["calendar", "load", "processes/calendar/2026.toml"],
            ["archive", "--before", "2020-01-01"]]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("XIAOWEI_DATABASE_URL", raising=False)
    monkeypatch.setenv("XIAOWEI_DATA_DIR", str(tmp_path))
    return tmp_path


def tables(path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_command_on_an_empty_database_says_to_migrate_first(data_dir, command):
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 3, result.output
    assert "数据库尚未初始化，请先运行 xiaowei db upgrade" in result.output
    assert "Traceback" not in result.output and "sqlalchemy" not in result.output
    assert tables(data_dir / "xiaowei.sqlite3") == set()           # nothing half-created


def test_a_command_on_a_database_behind_this_code_says_to_migrate(data_dir):
    Database(f"sqlite:///{data_dir / 'xiaowei.sqlite3'}").upgrade()
    with sqlite3.connect(data_dir / "xiaowei.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0002'")
    result = CliRunner().invoke(cli, ["processes", "list"])
    assert result.exit_code == 3 and "数据库结构不是最新版本，请先运行 xiaowei db upgrade" in result.output


def test_after_db_upgrade_the_commands_work(data_dir):
    runner = CliRunner()
    assert runner.invoke(cli, ["db", "upgrade"]).exit_code == 0
    listing = runner.invoke(cli, ["processes", "list"])
    assert listing.exit_code == 0 and "共 0 项" in listing.output
    assert runner.invoke(cli, ["worker", "--once"]).exit_code == 0
