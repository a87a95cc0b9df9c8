"""The complaints API over HTTP (Flask test client, SQLite and PostgreSQL): the chat-group bot files
with its service token, the township's discipline office reads the reporter and merges, others
do not; statistics as JSON, CSV and XLSX; bad input is a 4xx in the one error shape."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from engine.services import Actor, identity

from .conftest import make_user

BOT_BODY = {"village": "lushui_village", "data": {"category": "project", "content": "村口路灯坏了一个月没人修",
                                                  "channel": "wechat", "publish_consent": True},
            "reporter": {"name": "张群众", "phone": "13700001111"}}


@pytest.fixture
def bot(client):
    make_user(client.ctx, "wechat.bot", ["COMPLAINT_BOT"])
    token = identity.service_token(client.ctx, Actor.system(), "wechat.bot", days=365).token
    return type(client)(client.app, client.ctx, token)


def test_the_bot_files_with_its_service_token(client, bot):
    answer = bot.post("/api/v1/complaints", json=BOT_BODY)
    assert answer.status_code == 201, answer.get_json()
    body = answer.get_json()
    assert body["number"].startswith("SQ") and len(body["lookup_code"].replace(" ", "")) == 12
    discipline = client.as_user("jiwei", ["TOWNSHIP_DISCIPLINE"])
    seen = discipline.get(f"/api/v1/complaints/{body['id']}").get_json()
    assert seen["reporter"] == {"name": "张群众", "phone": "13700001111", "address": None}
    assert seen["channel_name"] == "监督微信群" and seen["status"] == "received"
    clerk = client.as_user("cunwei", ["VILLAGE_COMMITTEE"])
    shown = clerk.get(f"/api/v1/complaints/{body['id']}").get_json()
    assert shown["reporter"] is None and "13700001111" not in str(shown)


def test_refusals_are_4xx_with_chinese_messages(client, bot):
    bad = bot.post("/api/v1/complaints", json={**BOT_BODY, "data": {"category": "weather", "channel": "wechat"}})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) >= {"category", "content"}
    assert bot.post("/api/v1/complaints", json={**BOT_BODY, "village": "nowhere"}).status_code == 422
    assert bot.post("/api/v1/complaints", json={**BOT_BODY, "reporter": {"phone": "call me"}}).status_code == 422
    keeper = client.as_user("keeper", ["SEAL_KEEPER"])
    assert keeper.post("/api/v1/complaints", json=BOT_BODY).status_code == 403
    assert client.anonymous().post("/api/v1/complaints", json=BOT_BODY).status_code == 401
    assert bot.get("/api/v1/complaints/999999").status_code == 404
    merged = client.as_user("jiwei", ["TOWNSHIP_DISCIPLINE"]).post("/api/v1/complaints/999999/merge",
                                                                 json={"into": 1, "reason": "同一问题"})
    assert merged.status_code == 404


def test_merge_and_statistics_files(client, bot):
    first = bot.post("/api/v1/complaints", json=BOT_BODY).get_json()
    second = bot.post("/api/v1/complaints", json=BOT_BODY).get_json()
    discipline = client.as_user("jiwei", ["TOWNSHIP_DISCIPLINE"])
    assert client.as_user("cunwei", ["VILLAGE_COMMITTEE"]).post(
        f"/api/v1/complaints/{second['id']}/merge", json={"into": first["id"], "reason": "同一路灯"}).status_code == 403
    merged = discipline.post(f"/api/v1/complaints/{second['id']}/merge", json={"into": first["id"], "reason": "同一路灯"})
    assert merged.status_code == 200 and merged.get_json()["merged_into"]["number"] == first["number"]
    stats = discipline.get("/api/v1/complaints/statistics?org=qingshan_town").get_json()
    assert stats["totals"]["received"] == 2 and stats["totals"]["repeat"] == 1 and stats["group_level"] == "village"
    csv = discipline.get("/api/v1/complaints/statistics.csv?org=qingshan_town")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    text = csv.get_data().decode("utf-8-sig")
    assert "办结率(%)" in text and "绿水村" in text and "合计" in text
    xlsx = discipline.get("/api/v1/complaints/statistics.xlsx?org=qingshan_town")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "村" and values[2][0] == "绿水村" and values[2][1] == 2
    assert discipline.get("/api/v1/complaints/statistics?org=baiyun_town").status_code == 404
    assert discipline.get("/api/v1/complaints/statistics?start=2026-03-02").status_code == 422
    listed = discipline.get("/api/v1/complaints?status=merged").get_json()
    assert [c["number"] for c in listed] == [second["number"]]
