"""Hostile input against the HTTP layer (API and pages): every reproduction answers a 4xx in the one
error shape (or a Chinese error page), and leaves everything as it was: the matters (status, data,
parameters copied at start, workflow state), their steps, the township parameters, the attachments'
links, and an audit chain that still verifies."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from api import create_app
from engine.identity import Grant
from engine.services import Actor, audit, identity, matters
from engine.services.demo import DEMO_PASSWORD
from engine.store.models import Attachment, InboxItem, MatterRecord, TownshipParameter
from tests.browser.web import WebClient
# The API as the e2e tests drive it (same client and users), for the tests that build their own
from tests.e2e.conftest import ApiClient, client, make_user  # noqa: F401 - fixtures and helpers

SYSTEM = Actor.system()
PROJECT = {"project_name": "通组道路硬化", "summary": "硬化通组道路1.2公里", "amount": 80000,
           "funding_source": "higher_level", "industry_dept": "transport"}
CLERK = "two_committees.lushui_village"               # starts village projects in 绿水村
COUNCIL = "villager_council.lushui_village"           # does their first step
ADMIN = "township_admin.qingshan_town"                # 青山镇's administrator
FAR_CLERK = "villager_council.hongqi_village"         # the same role in another township's village


USERS = {CLERK: ("TWO_COMMITTEES", "lushui_village"), COUNCIL: ("VILLAGER_COUNCIL", "lushui_village"),
         ADMIN: ("TOWNSHIP_ADMIN", "qingshan_town"), FAR_CLERK: ("VILLAGER_COUNCIL", "hongqi_village"),
         "two_committees.hongqi_village": ("TWO_COMMITTEES", "hongqi_village")}


def pytest_collection_modifyitems(items):
    # A test here of the app acts as demo users: its `ctx` is a copy of the demo with its users
    # (tests/conftest.py). The hook sees the whole session's items: only this folder's are marked.
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here) and "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.demo_users)


@pytest.fixture
def app(ctx):
    """The app over the demo county and its demo users (USERS among them, holding those roles:
    test_bad_input.py checks)."""
    return create_app({"TESTING": True, "SECRET_KEY": "hostile-test-secret"}, context=ctx)


def api(app, username: str | None = None) -> ApiClient:
    """The API as a demo user (a fresh bearer token), or anonymous."""
    ctx = app.extensions["xiaowei"]
    token = identity.login(ctx, username, DEMO_PASSWORD).token if username else None
    return ApiClient(app, ctx, token)


def web(app, username: str) -> WebClient:
    browser = WebClient(app)
    assert browser.login(username).status_code == 302
    return browser


@pytest.fixture
def matter(app) -> dict:
    """A running 村级工程项目 in 绿水村, waiting for the villager council."""
    ctx = app.extensions["xiaowei"]
    starter = Actor(CLERK, frozenset({Grant("TWO_COMMITTEES", "lushui_village")}))
    return matters.start_matter(ctx, starter, "village_project", "lushui_village", "通组道路硬化", PROJECT)


def snapshot(ctx) -> dict:
    """Everything a refused request must leave alone."""
    with ctx.uow() as uow:
        s = uow.session
        return {
            "matters": {m.id: (m.status, m.version, m.data, m.params, m.state, m.subject)
                        for m in s.scalars(select(MatterRecord))},
            "steps": {i.task_id: (i.state, i.claimed_by, i.completed_by) for i in s.scalars(select(InboxItem))},
            "parameters": {(p.township_code, p.name): p.value for p in s.scalars(select(TownshipParameter))},
            "attachments": {a.id: (a.matter_id, a.uploaded_by) for a in s.scalars(select(Attachment))},
        }


def assert_unchanged(ctx, before: dict) -> None:
    assert snapshot(ctx) == before
    report = audit.verify_chain(ctx, SYSTEM)
    assert report.ok is True, report


def assert_error_shape(response, *codes: int) -> dict:
    """A 4xx in the API's one error shape, with a Chinese message."""
    assert response.status_code in codes, (response.status_code, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert body is not None, response.get_data(as_text=True)[:300]
    assert set(body) <= {"code", "status", "message", "errors"} and body["code"] == response.status_code
    assert isinstance(body["message"], str) and any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])
    return body


def assert_error_page(response, *codes: int) -> str:
    """A 4xx page in Chinese, without a trace."""
    assert response.status_code in codes, (response.status_code, response.get_data(as_text=True)[:300])
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/html" and "<html" in text
    for leak in ("Traceback", "File \"/", "werkzeug.exceptions", "sqlalchemy."):
        assert leak not in text
    return text
