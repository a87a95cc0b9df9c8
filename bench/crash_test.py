"""Crash test: `kill -9` the workers and the master of `xiaowei serve` under load, restart, and check
that every acknowledged write is there exactly once and the audit chain verifies.

    .venv/bin/python bench/crash_test.py --database sqlite [--seconds 20]
    .venv/bin/python bench/crash_test.py --database postgresql [--url postgresql+psycopg://postgres@127.0.0.1:5432/]

It runs `xiaowei serve --with-worker` (gunicorn and the timer worker) on a free port with a
throwaway database (a SQLite file in a temporary directory, or a database created on the given
PostgreSQL server and dropped at the end), seeds the demo county, and lets client threads start
matters and complete their steps (bench/crash_load.py). Meanwhile it kills at random moments a
gunicorn worker (the master replaces it), once the master alone (its workers and the timer
worker must then exit by themselves), once the whole serve process group, and at the end the
master again under load; after each crash it starts `xiaowei serve` again as an operator would,
without killing anything by hand unless the old processes are still there after --orphan-grace
seconds (that is reported as a failure). Finally it restarts once more and checks the database:
every acknowledged start (matter id -> the subject it was created with), completion (task id)
and upload is present, none twice, and the audit chain verifies. Exit status 0 when all holds.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crash_load import Client, Http, InDoubt, Ledger, NotSent, login, user_units  # noqa: E402

XIAOWEI = str(Path(sys.executable).with_name("xiaowei"))
VILLAGES = ("lushui_village", "taohua_village", "hongqi_village")


# -- processes ---------------------------------------------------------------------------------
def process_table() -> dict[int, tuple[int, str, bytes]]:
    """pid -> (parent pid, state, command line) from /proc (Linux)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), fields[0], cmdline)
    return table


def alive(pid: int) -> bool:
    """Running (a zombie holds no files or sockets any more)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, seconds: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


class Serve:
    """`xiaowei serve --with-worker` in its own process group, started again after each crash."""

    def __init__(self, workdir: Path, env: dict, port: int, workers: int, with_worker: bool = True):
        self.workdir, self.env, self.port, self.workers = workdir, env, port, workers
        self.with_worker = with_worker
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self, timeout: float = 60) -> bool:
        """True once it answers HTTP; False if it exited first (e.g. the port was still taken)."""
        self.starts += 1
        log_path = self.workdir / f"serve-{self.starts}.log"
        log = open(log_path, "wb")
        self.proc = subprocess.Popen(
            [XIAOWEI, "serve", *(["--with-worker"] if self.with_worker else []), "--host", "127.0.0.1",
             "--port", str(self.port), "--workers", str(self.workers)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        http = Http(f"http://127.0.0.1:{self.port}", timeout=2)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            # It must hold the port itself (else an orphan of the last run may be answering);
            # gunicorn logs this line once it does.
            if b"Listening at: " in log_path.read_bytes() and self.answers(http):
                return True
            time.sleep(0.1)
        if self.proc.poll() is None:
            raise RuntimeError(f"xiaowei serve did not answer within {timeout} s: see {log_path}")
        return False

    @staticmethod
    def answers(http: Http) -> bool:
        try:
            return http.call("GET", "/api/openapi.json")[0] == 200
        except (NotSent, InDoubt):
            return False

    def children(self) -> list[int]:
        return [pid for pid, (ppid, _, _) in process_table().items() if ppid == self.proc.pid]

    def gunicorn_workers(self) -> list[int]:
        table = process_table()
        return [pid for pid in self.children() if b"api.cli\0worker" not in table.get(pid, (0, "", b""))[2]]

    def kill_master(self) -> list[int]:
        """kill -9 the master (the serve process) alone; returns the processes it leaves behind."""
        orphans = self.children()
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        return orphans

    def kill_everything(self) -> None:
        """kill -9 the whole process group at once, as a power cut or the OOM killer would."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)


class Crashes:
    """Kills and restarts, with what was seen on the way."""

    def __init__(self, serve: Serve, orphan_grace: float, rng: random.Random):
        self.serve, self.orphan_grace, self.rng = serve, orphan_grace, rng
        self.counts = {"workers_killed": 0, "timer_workers_killed": 0, "masters_killed": 0, "groups_killed": 0, "restarts": 0,
                       "failed_restarts": 0, "orphans_survived": 0}
        self.orphans_gone_after: list[float] = []     # seconds from the master's kill

    def kill_a_worker(self) -> None:
        """kill -9 one child of serve: a gunicorn worker (its master forks another) or, now and
        then, the timer worker (nobody restarts it before the next start of serve)."""
        workers = self.serve.children()
        if workers:
            victim = self.rng.choice(workers)
            timer = victim not in self.serve.gunicorn_workers()
            with contextlib.suppress(ProcessLookupError):
                os.kill(victim, signal.SIGKILL)
                self.counts["timer_workers_killed" if timer else "workers_killed"] += 1

    def kill_the_master(self) -> None:
        killed_at = time.monotonic()
        orphans = self.serve.kill_master()
        self.counts["masters_killed"] += 1
        if wait_until(lambda: not any(alive(p) for p in orphans), self.orphan_grace):
            self.orphans_gone_after.append(time.monotonic() - killed_at)
        survivors = [p for p in orphans if alive(p)]
        self.counts["orphans_survived"] += len(survivors)
        self.restart(orphans)
        end_by_hand([p for p in survivors if alive(p)])     # e.g. a timer worker holding no port

    def kill_everything(self) -> None:
        self.serve.kill_everything()
        self.counts["groups_killed"] += 1
        self.restart([])

    def restart(self, orphans: list[int]) -> None:
        for _ in range(6):
            if self.serve.start():
                self.counts["restarts"] += 1
                return
            self.counts["failed_restarts"] += 1
            # What an operator did by hand before the fix (counted as orphans_survived).
            end_by_hand([p for p in orphans if alive(p)])
        raise RuntimeError("xiaowei serve could not be started again")


def end_by_hand(pids: list[int]) -> None:
    """kill -9 the leftover processes, as an operator does when the port stays taken."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    wait_until(lambda: not any(alive(p) for p in pids), 5)


def crash_plan(seconds: float, rng: random.Random) -> list[tuple[float, str]]:
    """Worker kills every second or two; the master once, the whole group once; the master last."""
    plan, at = [], 0.5
    while True:
        at += rng.uniform(0.6, 2.0)
        if at >= seconds:
            break
        plan.append((at, "worker"))
    plan += [(seconds * 0.35, "master"), (seconds * 0.7, "group"), (seconds, "master")]
    return sorted(plan)


# -- the database --------------------------------------------------------------------------------
@contextlib.contextmanager
def scratch_database(kind: str, server_url: str | None, workdir: Path):
    """A SQLite file under workdir, or a new database on the PostgreSQL server, dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'xiaowei.sqlite3'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    admin_url = make_url(server_url or "postgresql+psycopg://postgres@127.0.0.1:5432/")
    admin_url = admin_url.set(database=admin_url.database or "postgres")
    name = f"xiaowei_crash_{uuid.uuid4().hex[:8]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def seed(env: dict, quick: bool) -> None:
    """The demo county with its users. `quick` seeds in this process with argon2 at its minimum
    cost (as the test suite does): the same data, in a second instead of ~12 (for tests)."""
    if not quick:
        subprocess.run([XIAOWEI, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
        return
    from api.wiring import build_context
    from engine.services import Actor
    from engine.services.definitions import sync_definitions
    from engine.services.demo import seed_demo
    from engine.settings import PasswordCost, Settings
    ctx = build_context(Settings.from_env(env, password_cost=PasswordCost(time_cost=1, memory_cost=8, parallelism=1)))
    ctx.database.upgrade()
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system())
    ctx.database.dispose()


def check(url: str, ledger: Ledger, env: dict, base_url: str) -> dict:
    """Every acknowledged write present exactly once; the audit chain intact."""
    from collections import Counter

    from sqlalchemy import create_engine, text
    engine = create_engine(url)          # plain SQL on the tables: the check outlives ORM renames
    with engine.connect() as conn:
        subjects = dict(conn.execute(text("SELECT id, subject FROM instances")).all())
        inbox = dict(conn.execute(text("SELECT task_id, state FROM inbox")).all())
        attachments = set(conn.scalars(text("SELECT id FROM attachments")))
        events = [(e, i, p if isinstance(p, dict) else json.loads(p)) for e, i, p in conn.execute(text(
            "SELECT event, instance_id, payload FROM audit_events WHERE event IN ('matter_started', 'step_completed')"))]
    engine.dispose()
    started = Counter(i for e, i, _ in events if e == "matter_started")
    completed = Counter(p.get("task_id") for e, _, p in events if e == "step_completed")
    acked_ids = Counter(i for i, _ in ledger.starts)
    result = {
        # A start is lost when its id is gone or now names another matter (the id was given again).
        "lost_starts": sum(1 for i, s in ledger.starts if subjects.get(i) != s),
        "ids_reused": sum(1 for i, s in ledger.starts if i in subjects and subjects[i] != s)
                      + sum(n - 1 for n in acked_ids.values() if n > 1),
        "doubled_starts": sum(n - 1 for n in Counter(subjects.values()).values() if n > 1)
                          + sum(n - 1 for n in started.values() if n > 1),
        "lost_completions": sum(1 for t, _ in ledger.completions if inbox.get(t) != "completed" or not completed[t]),
        "doubled_completions": sum(n - 1 for n in completed.values() if n > 1),
        "lost_uploads": sum(1 for a in ledger.uploads if a not in attachments),
        "tokens_lost": ledger.tokens_lost,
    }
    http = Http(base_url)
    _, report = http.call("GET", "/api/v1/audit/verify", token=login(http, "supervision_committee.lushui_village"))
    cli = subprocess.run([XIAOWEI, "audit", "verify"], cwd=ROOT, env=env, capture_output=True, text=True)
    result.update(chain_ok=bool(report.get("ok")) and cli.returncode == 0, chain_events=report.get("events"),
                  chain_problem=report.get("problem"))
    return result


# -- the run -----------------------------------------------------------------------------------
def run(args) -> dict:
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="xiaowei-crash-"))
    serve = None
    try:
        with scratch_database(args.database, args.url, workdir) as url:
            env = {**os.environ, "XIAOWEI_DATABASE_URL": url, "XIAOWEI_DATA_DIR": str(workdir),
                   "PYTHONUNBUFFERED": "1"}
            seed(env, args.quick_seed)
            port = free_port()
            serve = Serve(workdir, env, port, args.workers)
            if not serve.start():
                raise RuntimeError(f"xiaowei serve did not start: see {workdir}/serve-1.log")
            report = load_and_crash(args, serve, rng, url, env)
            serve.stop()
            report["workdir"] = str(workdir)
            return report
    finally:
        if serve:
            serve.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def load_and_crash(args, serve: Serve, rng: random.Random, url: str, env: dict) -> dict:
    base_url = f"http://127.0.0.1:{serve.port}"
    http, ledger, stop = Http(base_url), Ledger(), threading.Event()
    users = {v: user_units(http, v) for v in VILLAGES}
    run_id = uuid.uuid4().hex[:6]
    clients = [Client(n, http, VILLAGES[n % len(VILLAGES)], users[VILLAGES[n % len(VILLAGES)]], ledger, stop,
                      run_id, rng.randrange(1 << 30)) for n in range(args.clients)]
    crashes = Crashes(serve, args.orphan_grace, rng)
    started = time.monotonic()
    for client in clients:
        client.start()
    for at, kind in crash_plan(args.seconds, rng):
        time.sleep(max(0.0, started + at - time.monotonic()))
        {"worker": crashes.kill_a_worker, "master": crashes.kill_the_master,
         "group": crashes.kill_everything}[kind]()
    stop.set()                       # the last crash restarted serve; let the clients finish
    for client in clients:
        client.join(30)
    result = check(url, ledger, env, base_url)
    return {"database": args.database, "orphans_left_on_their_own": left_on_their_own(serve.workdir),
            "seconds": args.seconds, "clients": args.clients, "workers": args.workers,
            **crashes.counts, "orphans_gone_after_max": max(crashes.orphans_gone_after, default=None),
            "acknowledged_starts": len(ledger.starts), "acknowledged_completions": len(ledger.completions),
            "acknowledged_uploads": len(ledger.uploads), "logins": ledger.logins,
            "in_doubt": dict(ledger.in_doubt), "refused": dict(ledger.refused),
            "server_errors": ledger.server_errors, **result}


FAILURES = ("lost_starts", "ids_reused", "doubled_starts", "lost_completions", "doubled_completions",
            "lost_uploads", "tokens_lost", "orphans_survived", "orphans_left_on_their_own", "failed_restarts")
# What an orphan logs when it leaves by its own check of its parent (gunicorn's worker loop, the
# timer worker's poll) instead of being killed by the kernel with the master (api/lifeline.py).
LEFT_ON_ITS_OWN = (b"Parent changed, shutting down", b"xiaowei serve is gone: the timer worker stops")


def left_on_their_own(workdir: Path) -> int:
    """How many processes of the run's serves left by their own parent check (each serve's log)."""
    return sum(path.read_bytes().count(line) for path in workdir.glob("serve-*.log") for line in LEFT_ON_ITS_OWN)


def passed(report: dict) -> bool:
    return report["chain_ok"] and not any(report[k] for k in FAILURES)


def print_report(r: dict) -> None:
    gone = r["orphans_gone_after_max"]
    print(f"crash test on {r['database']}: {r['seconds']} s of load, {r['clients']} clients, {r['workers']} workers")
    print(f"  crashes:      {r['workers_killed']} workers and {r['timer_workers_killed']} timer workers killed, "
          f"master killed {r['masters_killed']}x, whole serve "
          f"killed {r['groups_killed']}x; {r['restarts']} restarts, {r['failed_restarts']} failed")
    print(f"  orphans:      {r['orphans_survived']} still running after the grace period, "
          f"{r['orphans_left_on_their_own']} left by their own parent check, not killed with the master"
          + (f"; all gone {gone:.2f} s after the master's kill at worst" if gone is not None else ""))
    print(f"  acknowledged: {r['acknowledged_starts']} starts, {r['acknowledged_completions']} completions, "
          f"{r['acknowledged_uploads']} uploads, {r['logins']} logins; in doubt {r['in_doubt'] or 0}; "
          f"refused {r['refused'] or 0}; 5xx {r['server_errors']}")
    print(f"  lost:         {r['lost_starts']} starts ({r['ids_reused']} of their ids given to another matter), "
          f"{r['lost_completions']} completions, {r['lost_uploads']} uploads, {r['tokens_lost']} tokens")
    print(f"  doubled:      {r['doubled_starts']} starts, {r['doubled_completions']} completions")
    print(f"  audit chain:  {r['chain_events']} events, "
          + ("intact" if r["chain_ok"] else f"BROKEN ({r['chain_problem']})"))
    print(f"  result:       {'PASS' if passed(r) else 'FAIL'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url", help="PostgreSQL server: a throwaway database is created there and dropped "
                                      "(from the URL's database, default postgres); "
                                      "default postgresql+psycopg://postgres@127.0.0.1:5432/")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of load")
    parser.add_argument("--clients", type=int, default=6, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--orphan-grace", type=float, default=10,
                        help="seconds the old workers get to exit by themselves after the master's kill")
    parser.add_argument("--seed", type=int, help="random seed (crash moments, client choices)")
    parser.add_argument("--quick-seed", action="store_true",
                        help="seed the demo users with argon2 at its minimum cost (tests)")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, SQLite file)")
    parser.add_argument("--json", dest="json_path", help="also write the report as JSON to this file")
    args = parser.parse_args(argv)
    report = run(args)
    print_report(report)
    if args.json_path:
        Path(args.json_path).write_text(json.dumps(report, indent=2))
    return 0 if passed(report) else 1


if __name__ == "__main__":
    sys.exit(main())
