"""The benchmark flow over HTTP against a peer: spiff-arena's backend (spiffworkflow-backend), with the
same client pattern and figures as bench/bench_http.py, so the two can be measured side by side.

Run (against a spiff-arena backend already serving the `bench/bench-approval` process model, on this
machine; the README's Performance section says how it was run here):
    python bench/peer_spiff_arena.py --base-url http://127.0.0.1:7100 --server-pid <gunicorn master pid>
                                     [--instances 30]
Standard library only, so any Python runs it (spiff-arena's own venv included): of Xiaowei it
imports only bench/proc_cpu.py (the same CPU count as bench/bench_http.py, standard library too),
which is why the answers below repeat bench/approval_flow.py's.

The flow is spiff-arena's copy of bench/items/bench_approval.bpmn, in spiff-arena's process-model
layout under bench/peer/spiff-arena-models/ (point SPIFFWORKFLOW_BACKEND_BPMN_SPEC_ABSOLUTE_DIR at it,
as a git repository: the backend records the model's revision): draft -> approve -> exclusive gateway
on `approved` -> parallel check_supervision + check_finance -> join -> finish (five user tasks, the
same ids), every task done by one user (the lanes are dropped), each form a JSON schema with the same
required field, validated on submit (SPIFFWORKFLOW_BACKEND_VALIDATE_USER_TASK_DATA_AGAINST_SCHEMA).

The client, on one kept-alive connection and as one user, runs each process instance the way
spiff-arena's own API clients do (its bin/run_process_model_with_api):
    POST /v1.0/process-instances/{model}                        create the instance
    POST /v1.0/process-instances/{model}/{id}/run?execution_mode=synchronous   run it to its first wait
    GET  /v1.0/tasks/progress/{id}                              the next task assigned to me
    PUT  /v1.0/tasks/{id}/{task guid}  (the task's form data)   submit; the answer is the next task
                                                                assigned to me, submitted in turn
until the answer is no longer a ready user task of the instance: 3 + 5 calls per instance. Xiaowei's
start call also runs the instance and answers with its ready steps, so it needs 1 + 5.

Login (not measured) is the backend's built-in OpenID provider: a password grant at /openid/token,
then POST /v1.0/login_with_access_token so the backend knows the user; each API call then carries the
token as a Bearer header, verified by the backend on every request.

Figures, over the measured instances (after a warm-up): completed steps per second, per-call latency
p50/p95, server CPU per instance (user+system time of the gunicorn master and its workers, from /proc,
so run it on the server's machine; also with the CPU of the subprocesses they ran), API calls per
instance, wall time. Each measured instance's final status is checked to be `complete` after the timed
window (those status calls are outside the figures). Standard library only.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import json
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.proc_cpu import cpu_seconds  # noqa: E402  (standard library only, as this client)

# Each user task's form data, by task id: the same answers as Xiaowei's bench/approval_flow.py ANSWERS
# (approved, so both checks and the final task run).
ANSWERS = {"draft": {"reason": "购置办公用品"}, "approve": {"approved": True},
           "check_supervision": {"supervision_note": "无异议"}, "check_finance": {"finance_note": "票据齐全"},
           "finish": {"closing_note": "已办结"}}

# spiff-arena's built-in OpenID provider: its development client id and secret (the defaults in its
# bin/get_token and bin/local_development_environment_setup).
CLIENT_ID = "spiffworkflow-backend"
CLIENT_SECRET = "JXeQExm0JhQPLumgHtIIqf52bDalHz0q"


class Client:
    """One kept-alive connection (reopened by http.client when the server closes it)."""

    def __init__(self, base_url: str, model: str):
        url = urllib.parse.urlsplit(base_url)
        self.connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=60)
        self.model = model.replace("/", ":")       # spiff-arena's "modified process model identifier"
        self.token = ""
        self.latencies: list[float] = []

    def request(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        began = time.perf_counter()
        self.connection.request(method, path, body, headers)
        response = self.connection.getresponse()
        payload = response.read()
        self.latencies.append(time.perf_counter() - began)
        return response.status, payload

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        status, payload = self.request(method, path, json.dumps(body).encode() if body is not None else None,
                                       headers)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {payload[:300]!r}")
        return json.loads(payload)

    def login(self, username: str, password: str) -> None:
        """Password grant at the built-in OpenID provider, then the backend's own sign-in."""
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        form = urllib.parse.urlencode({"grant_type": "password", "username": username, "password": password,
                                       "client_id": CLIENT_ID,
                                       "code": f"{username}:this_is_not_secure_do_not_use_in_production"})
        status, payload = self.request("POST", "/openid/token", form.encode(),
                                       {"Authorization": f"Basic {basic}",
                                        "Content-Type": "application/x-www-form-urlencoded"})
        if status != 200:
            raise RuntimeError(f"token: {status} {payload[:300]!r}")
        self.token = json.loads(payload)["access_token"]
        self.call("POST", "/v1.0/login_with_access_token?authentication_identifier=default")
        self.latencies.clear()

    def run_instance(self) -> tuple[int, int]:
        """Create and run an instance, then submit its ready tasks one by one; (instance id, steps)."""
        instance = self.call("POST", f"/v1.0/process-instances/{self.model}")
        pid = instance["id"]
        self.call("POST", f"/v1.0/process-instances/{self.model}/{pid}/run?execution_mode=synchronous")
        task = self.call("GET", f"/v1.0/tasks/progress/{pid}").get("task")
        steps = 0
        while _ready_user_task(task, pid):
            task = self.call("PUT", f"/v1.0/tasks/{pid}/{task['id']}", ANSWERS[task["name"]])
            steps += 1
        return pid, steps

    def status(self, pid: int) -> str:
        return self.call("GET", f"/v1.0/process-instances/{self.model}/{pid}")["status"]


def _ready_user_task(task: dict | None, pid: int) -> bool:
    return bool(task) and task.get("state") == "READY" and task.get("type") == "UserTask" \
        and task.get("process_instance_id") == pid


def run(args) -> dict:
    client = Client(args.base_url, args.model)
    client.login(args.username, args.password)
    for _ in range(args.warmup):                            # the worker's caches warm
        pid, _steps = client.run_instance()
        if client.status(pid) != "complete":
            raise RuntimeError(f"warm-up instance {pid} ended {client.status(pid)}")
    client.latencies.clear()

    cpu, cpu_all = cpu_seconds(args.server_pid), cpu_seconds(args.server_pid, reaped=True)
    began = time.perf_counter()
    done, steps = [], 0
    for _ in range(args.instances):
        pid, n = client.run_instance()
        done.append(pid)
        steps += n
    wall = time.perf_counter() - began
    cpu = cpu_seconds(args.server_pid) - cpu
    cpu_all = cpu_seconds(args.server_pid, reaped=True) - cpu_all
    latencies = sorted(client.latencies)

    unfinished = {pid: s for pid in done if (s := client.status(pid)) != "complete"}   # after the window
    if unfinished:
        raise RuntimeError(f"instances not complete: {unfinished}")
    return {"steps_per_second": steps / wall, "instances_per_second": args.instances / wall,
            "p50_ms": statistics.median(latencies) * 1000, "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
            "server_cpu_ms_per_instance": cpu / args.instances * 1000,
            "server_cpu_ms_with_subprocs": cpu_all / args.instances * 1000,
            "steps_per_instance": steps / args.instances,
            "calls_per_instance": len(latencies) / args.instances, "wall_s": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:7100")
    parser.add_argument("--server-pid", type=int, required=True, help="pid of the gunicorn master")
    parser.add_argument("--instances", type=int, default=30, help="measured instances")
    parser.add_argument("--warmup", type=int, default=5, help="instances run before measuring")
    parser.add_argument("--model", default="bench/bench-approval", help="process model identifier")
    parser.add_argument("--username", default="bench")
    parser.add_argument("--password", default="bench")
    args = parser.parse_args()
    figures = run(args)
    print(f"spiff-arena at {args.base_url}: 1 client x {args.instances} instances (after {args.warmup} warm-up)")
    for name, value in figures.items():
        print(f"{name:28} {value:10.2f}")


if __name__ == "__main__":
    main()
