"""Linked matters over HTTP: the API publishes what a `matter` field may cite and each matter's links
both ways; the pages show them as links, and the form says what number to enter."""
from __future__ import annotations

import pytest

from tests.browser.web import WebClient
from tests.integration.test_links import grant, items  # noqa: F401 - the fixture

from .conftest import PASSWORD, ApiClient, make_user

pytestmark = pytest.mark.usefixtures("items")


@pytest.fixture
def api(client) -> ApiClient:
    return client


def test_the_api_publishes_the_citation_rule_and_the_links_both_ways(ctx, api):
    granted = grant(ctx, 800)
    process = api.get("/api/v1/processes/spend_item").get_json()
    (field,) = [f for f in process["start_form"] if f["name"] == "grant"]
    assert field["type"] == "matter" and field["cites"] == [{"process_key": "grant_item", "outcomes": ["big"]}]

    started = api.post("/api/v1/instances", json={"process_key": "spend_item", "village": "lushui_village",
                                                  "subject": "购置办公桌", "data": {"amount": 600, "grant": granted}})
    assert started.status_code == 201, started.get_json()
    spent = started.get_json()["id"]
    cites = api.get(f"/api/v1/instances/{spent}").get_json()["links"]["cites"]
    assert [(c["matter_id"], c["field_label"], c["status_name"]) for c in cites] == [(granted, "所依据的批复", "已办结")]
    cited_by = api.get(f"/api/v1/instances/{granted}").get_json()["links"]["cited_by"]
    assert [c["matter_id"] for c in cited_by] == [spent]

    refused = api.post("/api/v1/instances", json={"process_key": "spend_item", "village": "lushui_village",
                                                  "subject": "超额", "data": {"amount": 900, "grant": granted}})
    assert refused.status_code == 422
    assert refused.get_json()["errors"] == {"grant": f"所依据的批复：金额 900.00 元超过第 {granted} 号事项核定的 800.00 元"}


def test_the_pages_show_the_links_and_ask_for_a_matter_number(ctx, api):
    granted = grant(ctx, 800)
    make_user(ctx, "wangwu", ("VILLAGE_COMMITTEE",))
    web = WebClient(api.app)
    assert web.login("wangwu", PASSWORD).status_code == 302
    form = web.get("/start/spend_item").get_data(as_text=True)
    assert "填写本村已办结的“测试事项”事项的编号" in form
    done = web.post("/start/spend_item", {"village": "lushui_village", "subject": "购置办公桌",
                                          "data.amount": "600", "data.grant": f"#{granted}"})
    assert done.status_code == 302, done.get_data(as_text=True)
    spent = int(done.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = web.get(f"/matters/{spent}").get_data(as_text=True)
    assert "关联事项" in page and f'href="/matters/{granted}"' in page
    back = web.get(f"/matters/{granted}").get_data(as_text=True)
    assert f'href="/matters/{spent}"' in back and "引用为“所依据的批复”" in back
