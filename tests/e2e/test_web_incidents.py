"""运行故障 on the web: the list of failed matters, the failure on the matter's page, and an
administrator's retry after correcting the data (the Flask test client, logged in by the form)."""
from __future__ import annotations

import pytest

from api import create_app
from engine.services import Actor, matters
from tests.browser.web import WebClient, assert_accessible
from tests.integration.test_incidents import failed_matter

from .conftest import display_name, make_user


@pytest.fixture
def web(ctx):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)
    make_user(ctx, "qingshan_admin", ["TOWNSHIP_ADMIN"])
    client = WebClient(app)
    client.login("qingshan_admin", "correct-horse-battery")
    return client


def test_an_administrator_sees_the_incident_and_retries_after_correcting_the_data(ctx, web):
    matter = failed_matter(ctx)
    listing = web.get("/incidents")
    text = listing.get_data(as_text=True)
    assert listing.status_code == 200 and "运行故障" in text and "除以零" in text and "除数为零" in text
    assert_accessible(listing)
    page = web.get(f"/matters/{matter.id}")
    text = page.get_data(as_text=True)
    assert "出错步骤" in text and "金额" in text and "重试原因" in text
    assert_accessible(page)
    refused = web.post(f"/matters/{matter.id}/retry", {"field": "households", "value": "很多", "reason": "更正户数"})
    assert refused.status_code == 422 and "户数" in refused.get_data(as_text=True)
    retried = web.post(f"/matters/{matter.id}/retry", {"field": "households", "value": "5", "reason": "核实户数为 5"})
    assert retried.status_code == 302
    assert matters.get_matter(ctx, Actor.system(), matter.id).status == "completed"
    assert "没有待处理的故障" in web.get("/incidents").get_data(as_text=True)
    done = web.get("/incidents?state=retried").get_data(as_text=True)
    assert "核实户数为 5" in done and display_name("qingshan_admin") in done
    timeline = web.get(f"/matters/{matter.id}").get_data(as_text=True)
    assert "重试事项" in timeline and "原因：核实户数为 5" in timeline


def test_a_clerk_cannot_see_incidents(ctx):
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret"}, context=ctx)
    make_user(ctx, "cunwei", ["VILLAGE_COMMITTEE"])
    client = WebClient(app)
    client.login("cunwei", "correct-horse-battery")
    assert client.get("/incidents").status_code == 403
    assert "运行故障" not in client.get("/tasks").get_data(as_text=True)
