"""bench/crash_test.py, briefly, on SQLite and on PostgreSQL: kill -9 the workers, the master and
the whole `xiaowei serve` under load, restart it, and find every acknowledged write exactly once."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import _postgres_url

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "crash_test.py"
NOTHING_WRONG = {"lost_starts": 0, "ids_reused": 0, "doubled_starts": 0, "lost_completions": 0,
                 "doubled_completions": 0, "lost_uploads": 0, "tokens_lost": 0, "orphans_survived": 0,
                 "failed_restarts": 0, "chain_ok": True}


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
    assert report["orphans_gone_after_max"] < 2, printed      # died with the master, not when idle


def test_crashes_lose_nothing_on_sqlite(tmp_path):
    check(*crash_test(tmp_path, "--database", "sqlite"))


@pytest.mark.postgres
def test_crashes_lose_nothing_on_postgresql(tmp_path):
    check(*crash_test(tmp_path, "--database", "postgresql", "--url", _postgres_url()))
