"""The deployment of docs/deployment.md in small: two app servers (`xiaowei serve` without a timer
worker, on two ports) and two timer workers on one PostgreSQL database. Matters are driven through
both servers in turn; their publicity periods pass through the two workers at once (each claims a
matter with FOR UPDATE SKIP LOCKED); every matter reaches its end exactly once and the chain verifies."""
from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import _postgres_url

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))
import crash_load  # noqa: E402
from crash_load import Client, Http, Ledger, user_units  # noqa: E402
from crash_test import ROOT, XIAOWEI, Serve, free_port, scratch_database, seed  # noqa: E402

MATTERS = 6
FAR_FUTURE = "2099-01-01T00:00:00+00:00"
OTHER_HOLDERS = {"TOWNSHIP_GOV": ["township_gov2.qingshan_town", "township_gov3.qingshan_town"]}


def until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.2)
    return bool(condition())


@pytest.mark.postgres
def test_two_app_servers_and_two_timer_workers_on_one_postgresql(tmp_path, monkeypatch):
    monkeypatch.setattr(crash_load, "PROCESSES", ("temporary_assistance", "seal_use"))   # one with a publicity period
    with scratch_database("postgresql", _postgres_url(), tmp_path) as url:
        env = {**os.environ, "XIAOWEI_DATABASE_URL": url, "PYTHONUNBUFFERED": "1", "XIAOWEI_LOG_FORMAT": "json"}
        seed({**env, "XIAOWEI_DATA_DIR": str(tmp_path)}, quick=True)
        for name in OTHER_HOLDERS["TOWNSHIP_GOV"]:
            for args in (["users", "create", name, "--name", name, "--password", crash_load.PASSWORD],
                         ["users", "grant", name, "TOWNSHIP_GOV", "qingshan_town"]):
                subprocess.run([XIAOWEI, *args], cwd=ROOT, env={**env, "XIAOWEI_DATA_DIR": str(tmp_path)},
                               check=True, capture_output=True)
        servers, workers = [], []
        try:
            for n in (1, 2):
                data_dir = tmp_path / f"app{n}"
                data_dir.mkdir()
                server = Serve(data_dir, {**env, "XIAOWEI_DATA_DIR": str(data_dir)}, free_port(), workers=2, with_worker=False)
                servers.append(server)
                log = open(tmp_path / f"worker{n}.log", "wb")
                workers.append(subprocess.Popen([XIAOWEI, "worker", "--interval", "0.5"], cwd=ROOT, stdout=log,
                                                stderr=subprocess.STDOUT, env={**env, "XIAOWEI_DATA_DIR": str(tmp_path)}))
            for server in servers:
                assert server.start(timeout=90)
            https = [Http(f"http://127.0.0.1:{s.port}") for s in servers]
            assert until(lambda: all(h.call("GET", "/readyz")[0] == 200 for h in https), 30)
            # Ready once one worker beat; both beat soon after (a busy machine starts the second later).
            assert until(lambda: https[0].call("GET", "/readyz")[1]["checks"]["timer_worker"]["workers"] == 2, 30)
            ledger = drive(https, {**env, "XIAOWEI_DATA_DIR": str(tmp_path)})
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(20)
            for server in servers:
                server.stop()
        assert [w.returncode for w in workers] == [0, 0]
        check(url, ledger, env)
        for server in servers:
            access = [e for e in log_entries(sorted(server.workdir.glob("serve-*.log"))) if e["logger"] == "xiaowei.access"]
            assert access and all(e["request_id"] and e["status"] for e in access)
        log_entries([tmp_path / f"worker{n}.log" for n in (1, 2)])     # JSON, line by line


def log_entries(paths: list[Path]) -> list[dict]:
    """The lines of an app server's or a timer worker's log in JSON, each one an object (json.loads
    fails the test on any other line); one access line per request is the app's own (with its
    request id), not gunicorn's; there is no line per task state change from SpiffWorkflow."""
    lines = [line for path in paths for line in path.read_text().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]
    assert not [e for e in entries if e["logger"].startswith("spiff") and e["level"] == "INFO"]
    assert not [e for e in entries if e["logger"] == "gunicorn.access"]
    return entries


def drive(https: list[Http], env: dict) -> Ledger:
    """Start matters through both servers in turn, then advance each one through the server it did
    not last go through, letting the two timer workers pass publicity periods, until all ended."""
    ledger, stop = Ledger(), threading.Event()
    users = user_units(https[0], "lushui_village")
    clients = [Client(n, http, "lushui_village", users, ledger, stop, "deploy", random.randrange(1 << 30))
               for n, http in enumerate(https)]
    kinds = crash_load.PROCESSES
    for i in range(MATTERS):
        # each kind in turn (the client would pick at random: six seal uses, 1 run in 64, fired no timer)
        crash_load.PROCESSES = (kinds[i % len(kinds)],)
        clients[i % 2].start_matter()
    crash_load.PROCESSES = kinds
    assert len(ledger.starts) == MATTERS
    seen = {matter_id: 0 for matter_id, _ in ledger.starts}
    for _ in range(60):
        for matter_id in seen:
            client = clients[(seen[matter_id] + 1) % 2]          # the other server this time
            seen[matter_id] += 1
            status, matter = client.request(client.users["APPLICANT"], "GET", f"/api/v1/instances/{matter_id}")
            assert status == 200
            if matter["status"] == "running" and matter["ready_steps"]:
                advance(client, matter)
        statuses = [clients[0].request(clients[0].users["APPLICANT"], "GET", f"/api/v1/instances/{i}")[1]
                    for i in seen]
        if all(m["status"] != "running" for m in statuses):
            break
        if all(not m["ready_steps"] or all(s["objection_intake"] for s in m["ready_steps"])
               for m in statuses if m["status"] == "running"):
            both = [subprocess.Popen([XIAOWEI, "worker", "--once", "--now", FAR_FUTURE], cwd=ROOT,
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    for _ in range(2)]
            for worker in both:
                worker.wait(120)
    stuck = [(m["id"], m["process_key"], [(s["name"], s["role"]) for s in m["ready_steps"]], m["waiting_timers"])
             for m in statuses if m["status"] == "running"]
    assert not stuck, (stuck, ledger.refused)
    return ledger


def advance(client: Client, matter: dict) -> None:
    """Do the matter's first ready step as the demo user of its role, or as another holder of the
    role where a separation-of-duties rule refuses the first (发放 is not done by who approved)."""
    step = next((s for s in matter["ready_steps"] if not s["objection_intake"]), None)
    if step is None:
        return
    for user in [client.users[step["role"]], *OTHER_HOLDERS.get(step["role"], [])]:
        status, task = client.request(user, "GET", f"/api/v1/tasks/{step['id']}")
        if status != 200:
            return
        data = client.fill(task["form"], user)
        if "paid_amount" in data:                  # the one answer the form fixes: what is still owed
            d = matter["data"]
            owed = d.get("approved_amount", 0) - (d.get("urgent_amount") or 0) if d.get("urgent") else d.get("approved_amount")
            data["paid_amount"] = max(owed or 0, 0)
        status, _ = client.request(user, "POST", f"/api/v1/tasks/{step['id']}/complete", {"data": data})
        if status == 200:
            client.ledger.add("completions", (step["id"], user))
        if status != 403:
            return


def check(url: str, ledger: Ledger, env: dict) -> None:
    engine = create_engine(url)
    with engine.connect() as conn:
        statuses = dict(conn.execute(text("SELECT id, status FROM instances")).all())
        ended = conn.execute(text("SELECT instance_id, count(*) FROM audit_events "
                                  "WHERE event = 'matter_completed' GROUP BY instance_id")).all()
        fired = conn.execute(text("SELECT count(*) FROM audit_events WHERE event = 'timer_fired'")).scalar()
    engine.dispose()
    assert {i: statuses[i] for i, _ in ledger.starts} == {i: "completed" for i, _ in ledger.starts}
    assert sorted(ended) == sorted((i, 1) for i, _ in ledger.starts)        # each ended exactly once
    assert fired >= 1
    verify = subprocess.run([XIAOWEI, "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert verify.returncode == 0 and '"ok": true' in verify.stdout, verify.stdout
