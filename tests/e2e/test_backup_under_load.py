"""A backup taken while clients start matters, upload evidence and complete steps over HTTP
(bench/crash_load.py's load), restored into an empty database, holds every write acknowledged
before the backup began, and its audit chain verifies."""
from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _postgres_url

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
from crash_load import Client, Http, Ledger, user_units  # noqa: E402
from crash_test import ROOT, VILLAGES, XIAOWEI, Serve, free_port, scratch_database, seed  # noqa: E402


def until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.1)
    return bool(condition())


def run_backup_under_load(tmp_path: Path, kind: str, server_url: str | None) -> None:
    with scratch_database(kind, server_url, tmp_path) as url, \
            scratch_database(kind, server_url, tmp_path / "restored") as restored_url:
        (tmp_path / "restored").mkdir(exist_ok=True)
        env = {**os.environ, "XIAOWEI_DATABASE_URL": url, "XIAOWEI_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"}
        seed(env, quick=True)
        serve = Serve(tmp_path, env, free_port(), workers=2)
        assert serve.start()
        try:
            base = f"http://127.0.0.1:{serve.port}"
            http, ledger, stop = Http(base), Ledger(), threading.Event()
            users = {v: user_units(http, v) for v in VILLAGES}
            clients = [Client(n, http, VILLAGES[n % 3], users[VILLAGES[n % 3]], ledger, stop, uuid.uuid4().hex[:6],
                              random.randrange(1 << 30)) for n in range(4)]
            for client in clients:
                client.start()
            assert until(lambda: len(ledger.starts) > 5 and len(ledger.completions) > 5 and ledger.uploads, 90)
            with ledger.lock:                  # acknowledged before the backup began: must be in it
                before = (list(ledger.starts), list(ledger.completions), list(ledger.uploads))
            backup = subprocess.run([XIAOWEI, "backup", "-o", str(tmp_path / "backup.tar.gz")], cwd=ROOT, env=env,
                                    capture_output=True, text=True, timeout=120)
            assert until(lambda: len(ledger.starts) > len(before[0]) + 2, 60)   # writes went on around it
            stop.set()
            for client in clients:
                client.join(30)
        finally:
            serve.stop()
        assert backup.returncode == 0, backup.stderr[-3000:]
        assert len(before[0]) > 5 and len(before[1]) > 5 and len(before[2]) > 0, before
        assert len(ledger.starts) > len(before[0])          # the load really went on around the backup
        restored_env = {**env, "XIAOWEI_DATABASE_URL": restored_url,
                        "XIAOWEI_DATA_DIR": str(tmp_path / "restored")}
        restore = subprocess.run([XIAOWEI, "restore", str(tmp_path / "backup.tar.gz")], cwd=ROOT, env=restored_env,
                                 capture_output=True, text=True, timeout=120)
        assert restore.returncode == 0, restore.stdout + restore.stderr[-3000:]
        assert '"ok": true' in restore.stdout
        engine = create_engine(restored_url)
        with engine.connect() as conn:
            subjects = dict(conn.execute(text("SELECT id, subject FROM instances")).all())
            done = dict(conn.execute(text("SELECT task_id, state FROM inbox")).all())
            files = set(conn.scalars(text("SELECT id FROM attachments")))
        engine.dispose()
        starts, completions, uploads = before
        assert [s for s in starts if subjects.get(s[0]) != s[1]] == []
        assert [c for c, _ in completions if done.get(c) != "completed"] == []
        assert [u for u in uploads if u not in files] == []


def test_a_backup_under_load_on_sqlite_holds_every_acknowledged_write(tmp_path):
    run_backup_under_load(tmp_path, "sqlite", None)


@pytest.mark.postgres
def test_a_backup_under_load_on_postgresql_holds_every_acknowledged_write(tmp_path):
    run_backup_under_load(tmp_path, "postgresql", _postgres_url())
