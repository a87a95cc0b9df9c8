"""Every operation of the OpenAPI document, fuzzed by schemathesis (its explicit boundary cases,
positive and negative data), as a township administrator and as a village clerk, against the app
over WSGI on the demo county with real matters, steps and files to hit. Fails on any 5xx and on
any response that does not match the schema documented for it.

Bounded and derandomized (a fixed number of examples per operation and role), so a CI run is
repeatable and takes about as long each time; the README's Tests section gives the time. The
schema is read once at collection from an app over an empty in-memory database (the document
needs no data); each case is sent to the app of its world, on SQLite and on PostgreSQL."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance

from api import create_app
from engine.errors import Unauthenticated
from engine.identity import Grant
from engine.services import Actor, Context, attachments, health, identity, matters
from engine.services.complaints import intake as complaints_intake
from engine.services.definitions import sync_definitions
from engine.services.demo import DEMO_PASSWORD, seed_demo
from engine.store import Database
from tests.conftest import PG_URL, _truncate
from tests.settings import TEST_SETTINGS

from .conftest import PROJECT

# Generated cases per operation, role and backend (schemathesis's explicit boundary cases come on
# top). 20 keeps the run near two minutes here (both roles, both backends);
# XIAOWEI_FUZZ_EXAMPLES=100 XIAOWEI_FUZZ_RANDOM=1 digs deeper with a new seed each time.
EXAMPLES = int(os.environ.get("XIAOWEI_FUZZ_EXAMPLES", 20))
RANDOM = bool(os.environ.get("XIAOWEI_FUZZ_RANDOM"))
ROLES = {"township_admin": "township_admin.qingshan_town", "village_clerk": "reporting_clerk.lushui_village"}
PDF = b"%PDF-1.4\n%%EOF\n"
TOKEN_ADDRESS = "192.0.2.1"


def openapi_document() -> dict:
    """The document needs no data: an app over an empty in-memory database serves it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "only-the-document"},
                     context=Context(Database("sqlite://"), TEST_SETTINGS))
    return app.test_client().get("/api/openapi.json").json


schema = schemathesis.openapi.from_dict(openapi_document())
KNOWN: dict[str, list] = {}       # path parameter -> values that exist in the world under test


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Half the cases name things that exist, so the checks reach past the 404.
    if not path_parameters:
        return st.just(path_parameters)
    existing = {name: st.sampled_from(KNOWN[name]) if name in KNOWN else st.just(value)
                for name, value in path_parameters.items()}
    return st.one_of(st.just(path_parameters), st.fixed_dictionaries(existing))


def real_ids(ctx, username: str) -> dict[str, list]:
    """The caller's village's matter and step, another township's, the caller's file and someone
    else's, items, townships, a parameter, users."""
    def started(village):
        starter = Actor(f"two_committees.{village}", frozenset({Grant("TWO_COMMITTEES", village)}))
        return matters.start_matter(ctx, starter, "village_project", village, "通组道路硬化", PROJECT)
    ours, theirs = started("lushui_village"), started("hongqi_village")
    files = [attachments.upload_attachment(ctx, Actor(who, frozenset()), "签到表.pdf", PDF).id
             for who in (username, "villager_council.lushui_village")]
    bot = Actor("complaint_bot.demo_county", frozenset({Grant("COMPLAINT_BOT", "demo_county")}))
    cases = [complaints_intake.file_complaint(ctx, bot, village, {"category": "finance", "content": "账目不清请核实",
                                                                  "channel": "wechat"}).id
             for village in ("lushui_village", "hongqi_village")]
    return {"instance_id": [ours.id, theirs.id],
            "task_id": [ours.ready_steps[0].id, theirs.ready_steps[0].id],
            "attachment_id": files, "key": ["village_project", "major_decision"],
            "township": ["qingshan_town", "baiyun_town"], "name": ["result_publicity_days", "no_such_parameter"],
            "username": [username, "reporting_clerk.hongqi_village"], "complaint_id": cases}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request, tmp_path_factory):
    """The demo county with its users, on one backend, shared by every operation of one role."""
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
        database.upgrade()
    elif PG_URL:
        database = request.getfixturevalue("pg_database")
        _truncate(database)
    elif os.environ.get("CI"):
        pytest.fail("CI must set XIAOWEI_TEST_DATABASE_URL: PostgreSQL tests may not be skipped there")
    else:
        pytest.skip("PostgreSQL tests need XIAOWEI_TEST_DATABASE_URL")
    ctx = Context(database, TEST_SETTINGS)
    sync_definitions(ctx)
    seed_demo(ctx, Actor.system())
    return ctx, create_app({"TESTING": True, "SECRET_KEY": "fuzz"}, context=ctx)


@pytest.fixture(scope="module", params=list(ROLES))
def caller(request, world):
    ctx, app = world
    KNOWN.clear()
    KNOWN.update(real_ids(ctx, ROLES[request.param]))
    return ctx, app, ROLES[request.param], {}


def valid_token(ctx, username: str, kept: dict) -> str:
    """The caller's token while it is valid, else a new one: a fuzzed DELETE /api/v1/auth/token
    revokes the one it is sent with, and a fuzzed password or role change may too. From an address
    of its own: the fuzzed logins' failures throttle the address they come from. (A login for
    every case cost a fifth of this file's time.)"""
    try:
        identity.actor_for_token(ctx, kept["token"])
    except (KeyError, Unauthenticated):
        kept["token"] = identity.login(ctx, username, DEMO_PASSWORD, address=TOKEN_ADDRESS).token
    return kept["token"]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=not RANDOM, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_a_5xx_or_off_its_schema(case, caller):
    ctx, app, username, kept = caller
    token = valid_token(ctx, username, kept)
    if case.path == "/readyz":
        # A timer worker runs beside the app, as in production: /readyz is then ready (200), and any
        # 5xx is a defect. (Its 503 without a worker is tested in tests/e2e/test_operations.py.)
        health.worker_beat(ctx, "fuzz-worker", "localhost", os.getpid())
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"},
                           checks=[not_a_server_error, response_schema_conformance])
