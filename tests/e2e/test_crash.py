"""bench/crash_test.py, briefly, on SQLite and on PostgreSQL: kill -9 the workers, the master and
the whole `xiaowei serve` under load, restart it, and find every acknowledged write exactly once."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import _postgres_url

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "crash_test.py"
NOTHING_WRONG = {"lost_starts": 0, "ids_reused": 0, "doubled_starts": 0, "lost_completions": 0,
                 "doubled_completions": 0, "lost_uploads": 0, "tokens_lost": 0, "orphans_survived": 0,
                 "orphans_left_on_their_own": 0, "failed_restarts": 0, "chain_ok": True}


def crash_test(tmp_path, *args) -> tuple[dict, str]:
    report = tmp_path / "report.json"
    run = subprocess.run([sys.executable, str(SCRIPT), "--seconds", "6", "--clients", "4", "--seed", "7",
                          "--quick-seed", "--json", str(report), *args], capture_output=True, text=True, timeout=180)
    printed = run.stdout + run.stderr[-3000:]
    assert report.exists(), printed
    return json.loads(report.read_text()), printed


def check(report: dict, printed: str) -> None:
    assert report["masters_killed"] == 2 and report["groups_killed"] == 1 and report["restarts"] == 3, printed
    assert report["acknowledged_starts"] > 0 and report["acknowledged_completions"] > 0, printed
    assert {key: report[key] for key in NOTHING_WRONG} == NOTHING_WRONG, printed
    # Every orphan died with the master, killed by the kernel (none left by its own parent check,
    # above), and within the grace period (orphans_survived). How many seconds its death took to
    # show is the machine's load, not the mechanism: 2.12 s was seen on a loaded CI machine.
    assert report["orphans_gone_after_max"] is not None, printed


def test_crashes_lose_nothing_on_sqlite(tmp_path):
    check(*crash_test(tmp_path, "--database", "sqlite"))


@pytest.mark.postgres
def test_crashes_lose_nothing_on_postgresql(tmp_path):
    check(*crash_test(tmp_path, "--database", "postgresql", "--url", _postgres_url()))


# -- the pieces, quickly -------------------------------------------------------------------------
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
CHILD = "import os, sys, time; from api.lifeline import exit_with_parent; exit_with_parent(int(sys.argv[1])); time.sleep(60)"
PARENT = ("import os, subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', sys.argv[1], str(os.getpid())]);"
          "print(child.pid, flush=True); time.sleep(60)")


def gone(pid: int, seconds: float = 5) -> bool:
    """Exited (a zombie holds nothing any more) within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                return True
        except OSError:
            return True
        time.sleep(0.02)
    return False


@linux_only
def test_a_child_dies_with_its_parent():
    parent = subprocess.Popen([sys.executable, "-c", PARENT, CHILD], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    time.sleep(0.5)                               # the child has asked the kernel by now
    parent.kill()
    parent.wait()
    assert gone(child)


@linux_only
def test_a_timer_worker_whose_serve_is_already_gone_stops_at_once():
    worker = subprocess.run([sys.executable, "-m", "api.cli", "worker", "--parent-pid", "1"], timeout=60)
    assert worker.returncode == -signal.SIGKILL


@linux_only
def test_serve_holds_no_database_connection_when_gunicorn_forks(tmp_path, monkeypatch):
    """Migrating and loading leave no file of the database open in the master; before_fork
    closes whatever else may have been opened."""
    from click.testing import CliRunner

    from api import server
    from api.cli import cli
    from engine.store import Database
    seen = {}

    def files_open() -> list[str]:
        return [os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                if os.path.exists(f"/proc/self/fd/{fd}")]

    def fake_gunicorn(host, port, workers, threads):
        seen["serve"] = [f for f in files_open() if "serve.sqlite3" in f]
        other = Database(f"sqlite:///{tmp_path / 'other.sqlite3'}")
        with other.engine.connect():
            pass                                   # an idle connection left in a pool
        server.before_fork(None, None)
        seen["other"] = [f for f in files_open() if "other.sqlite3" in f]
    monkeypatch.setattr(server, "run_gunicorn", fake_gunicorn)
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    monkeypatch.setenv("XIAOWEI_DATA_DIR", str(tmp_path))            # serve writes its metrics directory there
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")                # and names it here: undone after the test
    assert CliRunner().invoke(cli, ["serve"], catch_exceptions=False).exit_code == 0
    assert seen == {"serve": [], "other": []}
