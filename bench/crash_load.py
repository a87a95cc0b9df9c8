"""The load of the crash test (bench/crash_test.py): client threads that start matters and complete
their steps over HTTP as the demo users, and a ledger of every write the server acknowledged.

A write counts as acknowledged only when the client read a 2xx answer. A request that was sent but
got no answer (the worker was killed under it) is "in doubt": it may or may not have committed,
and the check afterwards does not count it either way. A refused connection was never sent.
"""
from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter

PASSWORD = "xiaowei-demo"
PROCESSES = ("seal_use", "certificate")       # short items, every step doable by a village's demo users
STARTER = "APPLICANT"                          # both start in the 申请人/经办人 lane
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
TEXT = "压力测试记录：内容完整，情况属实"
TODAY = "2026-03-02"
THINK_SECONDS = 0.02      # mean pause between a client's actions: people read before they click


class NotSent(Exception):
    """The server refused the connection: nothing was processed."""


class InDoubt(Exception):
    """The request went out and no answer came back: it may or may not have committed."""


class Ledger:
    """Every acknowledged write, shared by the client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.starts: list[tuple[int, str]] = []          # (matter id, subject) per 201
        self.completions: list[tuple[str, str]] = []     # (task id, user) per 200
        self.uploads: list[str] = []                     # attachment ids per 201
        self.logins = 0
        self.tokens_lost = 0        # an acknowledged token the server no longer knew (401)
        self.in_doubt = Counter()   # per kind of write
        self.refused = Counter()    # 4xx answers per status (a step another rule forbids, ...)
        self.server_errors = 0

    def add(self, name: str, value) -> None:
        with self.lock:
            getattr(self, name).append(value)

    def count(self, name: str, key=None) -> None:
        with self.lock:
            if key is None:
                setattr(self, name, getattr(self, name) + 1)
            else:
                getattr(self, name)[key] += 1


class Http:
    """JSON over HTTP with the three outcomes that matter here: an answer, not sent, in doubt."""

    def __init__(self, base_url: str, timeout: float = 20):
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def call(self, method: str, path: str, body=None, token: str | None = None,
             raw: bytes | None = None, content_type: str = "application/json") -> tuple[int, dict]:
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        headers = {"Content-Type": content_type}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base_url + path, method=method, data=data, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            try:
                return exc.code, json.loads(exc.read() or b"{}")
            except (ValueError, OSError, http.client.HTTPException):
                return exc.code, {}
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError):
                raise NotSent() from None
            raise InDoubt() from None
        except (ConnectionError, socket.timeout, http.client.HTTPException, OSError):
            raise InDoubt() from None


def user_units(http: Http, village: str) -> dict[str, str]:
    """role code -> the demo user holding it over `village` (`xiaowei demo`'s naming)."""
    token = login(http, f"two_committees.{village}")
    _, roles = http.call("GET", "/api/v1/roles", token=token)
    _, orgs = http.call("GET", "/api/v1/orgs", token=token)
    parents = {u["code"]: u["parent_code"] for u in orgs}
    unit = {"village": village, "township": parents[village], "county": parents[parents[village]]}
    return {r["code"]: f"{r['code'].lower()}.{unit[r['level']]}" for r in roles if r["level"] in unit}


def login(http: Http, username: str) -> str:
    status, body = http.call("POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD})
    if status != 201:
        raise RuntimeError(f"login {username} -> {status} {body}")
    return body["token"]


class Client(threading.Thread):
    """One clerk's desk: starts matters in its village and does their steps, as whichever demo
    user holds each step's role. Keeps a few matters going; a matter it cannot move on (a rule
    refuses, it waits on a timer, it ended) is dropped."""

    def __init__(self, number: int, http: Http, village: str, users: dict, ledger: Ledger,
                 stop: threading.Event, run_id: str, seed: int):
        super().__init__(name=f"client-{number}", daemon=True)
        self.number, self.http, self.village, self.users = number, http, village, users
        self.ledger, self.stop, self.run_id = ledger, stop, run_id
        self.rng = random.Random(seed)
        self.tokens: dict[str, str] = {}
        self.forms: dict[str, list] = {}
        self.matters: dict[int, dict] = {}       # id -> the matter as last seen
        self.stale: set[int] = set()            # matters whose last write is in doubt
        self.sequence = 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                self.act()
            except (NotSent, InDoubt):
                time.sleep(0.2)                 # the server is down or restarting
            time.sleep(self.rng.expovariate(1 / THINK_SECONDS))

    def act(self) -> None:
        for matter_id in list(self.stale):
            self.refresh(matter_id)
        if len(self.matters) < 3 or self.rng.random() < 0.25:
            self.start_matter()
        else:
            self.advance(self.rng.choice(list(self.matters.values())))

    # -- requests as a user, logging in again if the server forgot an acknowledged token --------
    def request(self, user: str, method: str, path: str, body=None, **kw) -> tuple[int, dict]:
        status, answer = self.http.call(method, path, body, token=self.token(user), **kw)
        if status == 401:
            self.ledger.count("tokens_lost")
            self.tokens.pop(user, None)
            status, answer = self.http.call(method, path, body, token=self.token(user), **kw)
        if status >= 500:
            self.ledger.count("server_errors")
        return status, answer

    def token(self, user: str) -> str:
        if user not in self.tokens:
            self.tokens[user] = login(self.http, user)
            self.ledger.count("logins")
        return self.tokens[user]

    # -- the writes ------------------------------------------------------------------------------
    def start_matter(self) -> None:
        key = self.rng.choice(PROCESSES)
        starter = self.users[STARTER]
        self.sequence += 1
        subject = f"crash {self.run_id} c{self.number} #{self.sequence}"
        data = self.fill(self.start_form(key, starter), starter)
        body = {"process_key": key, "village": self.village, "subject": subject, "data": data}
        try:
            status, matter = self.request(starter, "POST", "/api/v1/instances", body)
        except InDoubt:
            self.ledger.count("in_doubt", "start")
            raise
        if status == 201:
            self.ledger.add("starts", (matter["id"], subject))
            self.keep(matter)
        elif status < 500:
            self.ledger.count("refused", status)

    def advance(self, matter: dict) -> None:
        steps = [s for s in matter["ready_steps"] if not s["objection_intake"]]
        if not steps:
            self.matters.pop(matter["id"], None)        # waiting on a timer
            return
        step = steps[0]
        user = self.users.get(step["role"])
        if user is None:                                # a role no demo user of this village holds
            self.matters.pop(matter["id"], None)
            return
        status, task = self.request(user, "GET", f"/api/v1/tasks/{step['id']}")
        if status != 200:
            self.stale.add(matter["id"])
            return
        data = self.fill(task["form"], user)
        try:
            status, after = self.request(user, "POST", f"/api/v1/tasks/{step['id']}/complete", {"data": data})
        except InDoubt:
            self.ledger.count("in_doubt", "complete")
            self.stale.add(matter["id"])
            raise
        if status == 200:
            self.ledger.add("completions", (step["id"], user))
            self.keep(after)
        elif status == 409:
            self.stale.add(matter["id"])                # an in-doubt completion did commit
        elif status < 500:
            self.ledger.count("refused", status)
            self.matters.pop(matter["id"], None)
        else:
            self.stale.add(matter["id"])

    def upload(self, user: str) -> str:
        boundary = "crash-test-boundary"
        raw = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"scan.pdf\"\r\n"
               "Content-Type: application/pdf\r\n\r\n").encode() + SAMPLE_PDF + f"\r\n--{boundary}--\r\n".encode()
        try:
            status, body = self.request(user, "POST", "/api/v1/attachments", raw=raw,
                                        content_type=f"multipart/form-data; boundary={boundary}")
        except InDoubt:
            self.ledger.count("in_doubt", "upload")
            raise
        if status != 201:
            raise InDoubt()             # cannot fill the form now; try again later
        self.ledger.add("uploads", body["id"])
        return body["id"]

    # -- reading -----------------------------------------------------------------------------------
    def refresh(self, matter_id: int) -> None:
        status, matter = self.request(self.users[STARTER], "GET", f"/api/v1/instances/{matter_id}")
        if status == 200:
            self.keep(matter)
            self.stale.discard(matter_id)
        elif status < 500:
            self.matters.pop(matter_id, None)
            self.stale.discard(matter_id)

    def keep(self, matter: dict) -> None:
        if matter["status"] == "running":
            self.matters[matter["id"]] = matter
        else:
            self.matters.pop(matter["id"], None)

    def start_form(self, key: str, user: str) -> list:
        if key not in self.forms:
            status, item = self.request(user, "GET", f"/api/v1/processes/{key}")
            if status != 200:
                raise InDoubt()
            self.forms[key] = item["start_form"]
        return self.forms[key]

    def fill(self, form: list, user: str) -> dict:
        """Answers any form: every required field, enums with their first option, evidence as a
        small uploaded PDF."""
        data = {}
        for field in form:
            if not field["required"]:
                continue
            kind = field["type"]
            if kind == "file":
                data[field["name"]] = [self.upload(user)]
            elif kind == "enum":
                data[field["name"]] = field["options"][0]["value"]
            else:
                data[field["name"]] = {"long": 1, "money": 100.0, "date": TODAY, "boolean": True}.get(kind, TEXT)
        return data
