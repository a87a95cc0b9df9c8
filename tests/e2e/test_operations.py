"""Health, readiness, metrics and request ids over HTTP (the Flask test client)."""
import io
import json
import logging
import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command

from api import create_app
from api.logs import JsonFormatter, RequestIdFilter
from engine import clock
from engine.services import Actor, Context, health, matters, timers
from engine.store import Database
from engine.store.db import _alembic_config
from engine.identity import Grant
from tests.integration.helpers import DELIBERATE, PROPOSE, SEND_PLAN, do
from tests.settings import TEST_SETTINGS

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = re.compile(r'^(\w+)(\{[^}]*\})? (\S+)$', re.M)


def metrics(client, **kw) -> dict[str, float]:
    answer = client.anonymous().get("/metrics", **kw)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.mimetype == "text/plain"
    return {name + (labels or ""): float(value) for name, labels, value in SAMPLE.findall(answer.get_data(as_text=True))}


def test_healthz_answers_without_login_or_database(client):
    answer = client.anonymous().get("/healthz")
    assert answer.status_code == 200 and answer.json == {"status": "ok"}


def test_readyz_needs_a_timer_worker_that_beat_recently(client, ctx):
    answer = client.anonymous().get("/readyz")
    assert answer.status_code == 503
    body = answer.json
    assert body["ready"] is False and body["checks"]["database"]["ok"] and body["checks"]["migrations"]["ok"]
    assert not body["checks"]["timer_worker"]["ok"] and "xiaowei worker" in body["checks"]["timer_worker"]["problem"]
    health.worker_started(ctx, "host:1:abc", "host", 1)
    answer = client.anonymous().get("/readyz")
    assert answer.status_code == 200 and answer.json["checks"]["timer_worker"]["workers"] == 1
    health.worker_stopped(ctx, "host:1:abc")
    assert client.anonymous().get("/readyz").status_code == 503


def test_a_heartbeat_older_than_the_setting_is_not_ready(ctx):
    app = create_app({"TESTING": True}, context=Context(ctx.database, TEST_SETTINGS.replace(
        worker_heartbeat=timedelta(seconds=30))))
    with ctx.uow() as uow:
        uow.heartbeats.beat("old:1:x", "old", 1, datetime.now(timezone.utc) - timedelta(seconds=31))
        uow.commit()
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["checks"]["timer_worker"]["last_beat_at"] is not None


def test_readyz_names_migrations_behind_and_an_unreachable_database(tmp_path):
    behind = Database(f"sqlite:///{tmp_path / 'behind.sqlite3'}")
    config = _alembic_config()
    config.attributes["connection_engine"] = behind.engine
    command.upgrade(config, "0006")
    answer = create_app({"TESTING": True}, context=Context(behind, TEST_SETTINGS)).test_client().get("/readyz")
    assert answer.status_code == 503
    migrations = answer.json["checks"]["migrations"]
    assert migrations["current"] == ["0006"] and "xiaowei db upgrade" in migrations["problem"]
    nowhere = Database("postgresql+psycopg://nobody@127.0.0.1:1/nothing?connect_timeout=2")
    answer = create_app({"TESTING": True}, context=Context(nowhere, TEST_SETTINGS)).test_client().get("/readyz")
    assert answer.status_code == 503 and answer.json["checks"]["database"]["problem"] == "数据库无法连接"


def test_metrics_are_for_allowed_addresses_or_the_token(ctx):
    app = create_app({"TESTING": True}, context=Context(ctx.database, TEST_SETTINGS.replace(metrics_token="t0ken")))
    web = app.test_client()
    assert web.get("/metrics").status_code == 200                                    # 127.0.0.1
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert web.get("/metrics", environ_base=outside).status_code == 403
    assert web.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert web.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer t0ken"}).status_code == 200


def test_behind_a_trusted_proxy_the_client_address_decides(ctx):
    app = create_app({"TESTING": True}, context=Context(ctx.database, TEST_SETTINGS.replace(trusted_proxies=1)))
    via_nginx = {"REMOTE_ADDR": "127.0.0.1"}
    assert app.test_client().get("/metrics", environ_base=via_nginx,
                                 headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 403


def test_counters_move_with_a_walked_matter_and_not_with_a_refused_step(client, ctx):
    before = metrics(client)
    key = 'xiaowei_matters_started_total{process_key="major_decision"}'
    started = client.post("/api/v1/instances", json={"process_key": "major_decision", "village": "lushui_village",
                                                     "subject": "修建村道", "data": {"summary": "村道", "amount": 120000}})
    assert started.status_code == 201
    step = started.json["ready_steps"][0]["id"]
    assert client.post(f"/api/v1/tasks/{step}/complete", json={"data": {}}).status_code == 422   # refused
    proposed = client.post(f"/api/v1/tasks/{step}/complete", json={"data": PROPOSE}).json
    clerk = Actor("clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))
    matter = matters.get_matter(ctx, clerk, proposed["id"])      # the service's view, for do()
    for step_id, data in (("deliberate", DELIBERATE), ("send_plan", SEND_PLAN)):   # with evidence uploaded
        matter = do(ctx, clerk, matter, step_id, data)
    ends = datetime.fromisoformat(matter.waiting_timers[0].due)           # 党员审阅, to 24:00 of its last day
    with clock.use_clock(clock.FixedClock(ends + timedelta(minutes=1))):
        fired = timers.advance_due_timers(ctx, Actor.system())
    assert [r.fired for r in fired] == [("党员审阅",)]
    after = metrics(client)
    moved = lambda name: after.get(name, 0) - before.get(name, 0)  # noqa: E731
    assert moved(key) == 1
    assert moved('xiaowei_steps_completed_total{process_key="major_decision"}') == 3
    assert moved("xiaowei_timers_fired_total") == 1
    latency = 'xiaowei_http_request_duration_seconds_count{method="POST",route="/api/v1/tasks/<string:task_id>/complete"}'
    assert moved(latency) == 2
    assert moved('xiaowei_http_requests_total{method="POST",route="/api/v1/tasks/<string:task_id>/complete",status="422"}') == 1
    assert after['xiaowei_matters{status="running"}'] == 1 and after["xiaowei_incidents_open"] == 0
    assert after["xiaowei_worker_heartbeat_age_seconds"] == -1 and after["xiaowei_timer_lag_seconds"] == 0


def test_every_answer_carries_a_request_id_that_the_log_lines_carry_too(client):
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logging.getLogger("xiaowei.access").addHandler(handler)
    try:
        given = client.get("/api/v1/processes", headers={"X-Request-Id": "abc-123"})
        made = client.get("/api/v1/processes")
        hostile = client.get("/api/v1/processes", headers={"X-Request-Id": 'x", "forged": 1'})
    finally:
        logging.getLogger("xiaowei.access").removeHandler(handler)
    assert given.headers["X-Request-Id"] == "abc-123"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-Id"])
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["X-Request-Id"])
    logged = [json.loads(line) for line in lines.getvalue().splitlines()]
    assert [(e["request_id"], e["path"], e["status"]) for e in logged] == [
        ("abc-123", "/api/v1/processes", 200), (made.headers["X-Request-Id"], "/api/v1/processes", 200),
        (hostile.headers["X-Request-Id"], "/api/v1/processes", 200)]
    assert all(e["logger"] == "xiaowei.access" and e["duration_ms"] >= 0 for e in logged)


@pytest.mark.parametrize("log_format", ["json", "text"])
def test_the_log_format_setting(log_format, capsys):
    from api.logs import begin_request, configure_logging, end_request
    configure_logging(log_format)
    _, token = begin_request("req-1")
    logging.getLogger("xiaowei.test").info("步骤已办理")
    end_request(token)
    configure_logging("text")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    if log_format == "json":
        assert json.loads(line)["request_id"] == "req-1" and json.loads(line)["message"] == "步骤已办理"
    else:
        assert "[req-1] 步骤已办理" in line


def _until(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_readiness_turns_false_when_the_timer_worker_stops(ctx, tmp_path):
    """A real `xiaowei worker`: ready while it polls; not ready as soon as it stops cleanly (it takes
    its heartbeat away), and not ready once a killed one's heartbeat is older than the setting."""
    web = create_app({"TESTING": True}, context=Context(ctx.database, TEST_SETTINGS.replace(
        worker_heartbeat=timedelta(seconds=2)))).test_client()
    env = {**os.environ, "XIAOWEI_DATABASE_URL": ctx.database.url, "XIAOWEI_DATA_DIR": str(tmp_path)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    ready = lambda: web.get("/readyz").status_code == 200  # noqa: E731
    assert not ready()

    log = tmp_path / "worker.log"

    def start_worker():
        with open(log, "a") as out:
            return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--interval", "0.3"], env=env,
                                    cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    worker = start_worker()
    try:
        assert _until(ready)
        worker.terminate()
        assert worker.wait(20) == 0, log.read_text()[-3000:]
        answer = web.get("/readyz")
        assert answer.status_code == 503 and answer.json["checks"]["timer_worker"]["workers"] == 0
        worker = start_worker()
        assert _until(ready)
        worker.kill()                                   # no goodbye: the heartbeat just gets old
        worker.wait(20)
        assert _until(lambda: not ready(), 10)
    finally:
        worker.kill()
        worker.wait(20)


def test_the_polling_worker_logs_in_the_log_format(ctx, tmp_path):
    """`xiaowei worker` as a service (polling) says what it does through the log: with
    XIAOWEI_LOG_FORMAT=json every line it writes is a JSON object, its pass's lines share an id."""
    if not ctx.database.url.startswith("sqlite"):
        return                      # the worker reads XIAOWEI_DATABASE_URL: once, on SQLite, is enough
    from engine.services.demo_answers import DIBAO_WANG
    from engine.services.demo_walk import Scene
    from tests.e2e.public_helpers import walk_one
    walk_one(ctx, Scene("dibao", "王大山户低保", DIBAO_WANG, stop_after="publish_first_review"), days_ago=3)
    env = {**os.environ, "XIAOWEI_DATABASE_URL": ctx.database.url, "XIAOWEI_DATA_DIR": str(tmp_path),
           "XIAOWEI_LOG_FORMAT": "json"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = tmp_path / "worker.log"
    with open(log, "w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "api.cli", "worker", "--interval", "0.3"], env=env,
                                  cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        assert _until(lambda: "audit anchor" in log.read_text()), log.read_text()[-3000:]
    finally:
        worker.terminate()
        worker.wait(20)
    entries = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    anchored = [e for e in entries if e["message"].startswith("audit anchor")]
    assert anchored and all(e["logger"] == "xiaowei.worker" and e["request_id"].startswith("timer-")
                            for e in anchored)


def test_incidents_and_retry_over_the_api(client, ctx):
    from tests.integration.test_incidents import failed_matter
    matter = failed_matter(ctx)
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    listed = admin.get("/api/v1/incidents?state=open")
    assert listed.status_code == 200 and listed.json[0]["instance_id"] == matter.id
    assert listed.json[0]["element"] == "decide" and "除数为零" in listed.json[0]["reason"]
    assert client.as_user("cunmin", ["VILLAGE_COMMITTEE"]).get("/api/v1/incidents").status_code == 403
    assert admin.post(f"/api/v1/instances/{matter.id}/retry", json={"data": {"households": 3}}).status_code == 422
    retried = admin.post(f"/api/v1/instances/{matter.id}/retry",
                         json={"reason": "户数更正为 3", "data": {"households": 3}})
    assert retried.status_code == 200 and retried.json["status"] == "completed"
    assert admin.get("/api/v1/incidents?state=open").json == []
    assert admin.post(f"/api/v1/instances/{matter.id}/retry", json={"reason": "again"}).status_code == 409
