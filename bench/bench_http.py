"""The benchmark flow over HTTP: completed steps per second, per-call latency, SQL statements
and server CPU per matter, against a real `xiaowei serve` (gunicorn) on this machine.

Run: .venv/bin/python bench/bench_http.py [--clients 1] [--matters 30] [--workers 1] [--threads 4]
                                          [--worker-class gthread|sync] [--database URL]

The flow is bench/items/bench_approval.bpmn (issue 17: two user steps, a decision, two parallel
checks, a final step), published in the demo township. Each client, on one kept-alive connection,
starts a matter as the village's 申请人 and completes its ready steps one by one as the user of each
step's role, taking each next step from the answer: one POST to start and one per step, the
pattern a client of spiff-arena's API follows for the same flow (start, then submit each ready
task), so the same client pattern pointed at a peer gives comparable figures. The server is a
fresh data directory (SQLite unless --database names one) with the demo county; it runs red-line
evaluation after every step as in production. Server CPU is the user+system time of the gunicorn
master and its workers over the run (/proc), divided by the matters run; statements and commits
come from the server's own /metrics counters.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import approval_flow as flow  # noqa: E402
from bench.proc_cpu import cpu_seconds  # noqa: E402

PASSWORD = "xiaowei-demo"
ROLE_USERS = {role: f"{role.lower()}.{flow.VILLAGE}" for role in
              ("APPLICANT", "VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE", "REPORTING_CLERK")}


class Client:
    """One kept-alive connection (reopened by http.client when the server closes it)."""

    def __init__(self, port: int, tokens: dict):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.tokens = tokens
        self.latencies: list[float] = []

    def call(self, method: str, path: str, body: dict | None, role: str) -> dict:
        headers = {"Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"}
        began = time.perf_counter()
        self.connection.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = self.connection.getresponse()
        payload = response.read()
        self.latencies.append(time.perf_counter() - began)
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {payload[:300]!r}")
        return json.loads(payload)

    def run_matter(self, n: int) -> int:
        """Start a matter and complete every step; the number of steps completed."""
        matter = self.call("POST", "/api/v1/instances", {
            "process_key": flow.KEY, "village": flow.VILLAGE, "subject": f"基准测试 {n}",
            "data": {"amount": 1200}}, "APPLICANT")
        steps = 0
        while matter["ready_steps"]:
            step = matter["ready_steps"][0]
            matter = self.call("POST", f"/api/v1/tasks/{step['id']}/complete",
                               {"data": flow.ANSWERS[step["step_id"]]}, step["role"])
            steps += 1
        if matter["status"] != "completed":
            raise RuntimeError(f"matter {matter['id']} ended {matter['status']}")
        return steps


def prepare(env: dict) -> None:
    """Schema, power list, demo county with its users, the benchmark item published."""
    subprocess.run([sys.executable, "-m", "api.cli", "demo", "--no-walk"], env=env, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    code = ("from bench import approval_flow as flow\n"
            "from engine.services import Context, Actor, definitions\n"
            "from engine.settings import Settings\nfrom engine.store import Database\n"
            "s = Settings.from_env(); ctx = Context(Database(s.resolved_database_url), s)\n"
            "definitions.upload_definition(ctx, Actor.system(), flow.TOWNSHIP, flow.ITEM.name, "
            "flow.ITEM.read_bytes(), publish=True)\n")
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, server) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer /healthz")


def sql_counts(port: int) -> tuple[float, float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()

    def total(name: str) -> float:
        return sum(float(v) for v in re.findall(rf"^{name}_total(?:{{[^}}]*}})? (\S+)$", text, re.M))
    return total("xiaowei_sql_statements"), total("xiaowei_sql_commits")


def login(port: int) -> dict:
    tokens = {}
    for role, username in ROLE_USERS.items():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", "/api/v1/auth/token", json.dumps({"username": username, "password": PASSWORD}),
                           {"Content-Type": "application/json"})
        tokens[role] = json.loads(connection.getresponse().read())["token"]
    return tokens


def run(args) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "XIAOWEI_DATA_DIR": tmp, "XIAOWEI_ENV": "development", "XIAOWEI_LOG_FORMAT": "text",
               "XIAOWEI_WEB_WORKER_CLASS": args.worker_class, "PYTHONPATH": str(ROOT)}
        if args.database:
            env["XIAOWEI_DATABASE_URL"] = args.database
        prepare(env)
        port = free_port()
        log = open(Path(tmp) / "server.log", "w+")
        server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers",
                                   str(args.workers), "--threads", str(args.threads)], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(port, server)
            tokens = login(port)
            warm = Client(port, tokens)
            for n in range(5 * args.workers * args.threads):       # every worker's caches warm
                warm.run_matter(-n)
            return measure(args, port, server.pid, tokens)
        except Exception:
            log.seek(0)
            sys.stderr.write(log.read()[-5000:])         # the server's side of a failure
            raise
        finally:
            server.terminate()
            server.wait(30)
            log.close()


def measure(args, port: int, server_pid: int, tokens: dict) -> dict:
    clients = [Client(port, tokens) for _ in range(args.clients)]
    steps = [0] * args.clients
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for n in range(args.matters):
                steps[i] += clients[i].run_matter(i * 100000 + n)
        except BaseException as exc:  # noqa: BLE001 - reported after the run
            errors.append(exc)

    statements, commits = sql_counts(port)
    cpu, client_cpu = cpu_seconds(server_pid), time.process_time()
    began = time.perf_counter()
    threads = [threading.Thread(target=work, args=(i,)) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    cpu, client_cpu = cpu_seconds(server_pid) - cpu, time.process_time() - client_cpu
    after = sql_counts(port)
    if errors:
        raise errors[0]
    matters = args.clients * args.matters
    latencies = sorted(x for c in clients for x in c.latencies)
    return {"steps_per_second": sum(steps) / wall, "matters_per_second": matters / wall,
            "p50_ms": statistics.median(latencies) * 1000, "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
            "server_cpu_ms_per_matter": cpu / matters * 1000,
            # Where the machine's cores went: the server's and this client's (on two cores, the two
            # together near 2.0 mean the machine, not the server, sets the throughput).
            "server_cores_busy": cpu / wall, "client_cores_busy": client_cpu / wall,
            "statements_per_matter": (after[0] - statements) / matters,
            "commits_per_matter": (after[1] - commits) / matters,
            "calls_per_matter": len(latencies) / matters, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--matters", type=int, default=30, help="matters per client")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process (gthread)")
    parser.add_argument("--worker-class", choices=("gthread", "sync"), default="gthread")
    parser.add_argument("--database", help="a database URL (default: SQLite in a temporary data directory)")
    args = parser.parse_args()
    figures = run(args)
    print(f"server: {args.workers} x {args.worker_class}"
          f"{f' ({args.threads} threads)' if args.worker_class == 'gthread' else ''}, "
          f"{'PostgreSQL' if args.database and 'postgres' in args.database else 'SQLite'}; "
          f"{args.clients} client(s) x {args.matters} matters")
    for name, value in figures.items():
        print(f"{name:28} {value:10.2f}")


if __name__ == "__main__":
    main()
