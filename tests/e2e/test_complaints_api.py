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
    nowhere = discipline.post(f"/api/v1/complaints/{second['id']}/merge", json={"into": 999999, "reason": "同一路灯"})
    assert nowhere.status_code == 422 and "没有这件诉求" in nowhere.get_json()["errors"]["into"]   # the field, not the page
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


def test_the_json_of_each_answer_keeps_its_shape(client, bot):
    """The services answer frozen views (issue 18, item 4); the JSON stays what it was: every key, and
    none added (a view's field that a dict left out, as the merged case's matter, stays out)."""
    summary = {"id", "number", "village", "village_name", "township", "category", "category_name", "channel",
               "channel_name", "status", "status_name", "handler_level", "handler_name", "rating", "rating_name",
               "supervisions", "matter_id", "received_at", "answer_due", "concluded"}
    first = bot.post("/api/v1/complaints", json=BOT_BODY).get_json()
    assert set(first) == {"id", "number", "status", "village", "category", "matter_id", "received_at", "lookup_code"}
    assert first["status"] == "received" and first["village"] == "lushui_village" and first["category"] == "project"
    second = bot.post("/api/v1/complaints", json=BOT_BODY).get_json()
    discipline = client.as_user("jiwei", ["TOWNSHIP_DISCIPLINE"])
    listed = discipline.get("/api/v1/complaints").get_json()
    assert all(set(c) == summary for c in listed) and listed[0]["status"] == "received"
    assert listed[0]["concluded"] is False and listed[0]["status_name"] == "待受理"
    merged = discipline.post(f"/api/v1/complaints/{second['id']}/merge", json={"into": first["id"], "reason": "同一路灯"})
    assert merged.get_json() == {"id": second["id"], "number": second["number"], "status": "merged",
                                 "merged_into": {"id": first["id"], "number": first["number"]}}
    case = discipline.get(f"/api/v1/complaints/{first['id']}").get_json()
    assert set(case) == summary | {
        "content", "concerned_matter", "about_cadre", "publish_consent", "public_summary", "answer", "handler_unit",
        "accept_due", "accepted_at", "answered_at", "rated_at", "closed_at", "registered_at", "outcome", "reopened",
        "reviewed", "created_by", "created_by_name", "merged_into", "merged", "supervision_orders", "reporter_visible",
        "reporter"}
    assert case["merged"] == [{"id": second["id"], "number": second["number"], "matter_id": second["matter_id"]}]
    assert case["merged_into"] is None and case["supervision_orders"] == [] and case["reporter_visible"] is True
    duplicate = discipline.get(f"/api/v1/complaints/{second['id']}").get_json()
    assert duplicate["merged_into"] == {"id": first["id"], "number": first["number"], "matter_id": first["matter_id"]}
    assert duplicate["status"] == "merged" and duplicate["concluded"] is True
    stats = discipline.get("/api/v1/complaints/statistics?org=qingshan_town&start=2020-01-01T00:00:00%2B08:00").get_json()
    assert set(stats) == {"scope", "period", "generated_at", "totals", "group_level", "group_level_name", "by_unit"}
    assert stats["scope"] == {"code": "qingshan_town", "name": "青山镇", "level": "township"}
    assert stats["period"] == {"from": "2020-01-01T00:00:00+08:00", "to": None}
    figures = {"received", "answered", "on_time", "overdue", "closed", "closure_rate", "rated", "satisfied",
               "satisfaction", "supervisions", "reopened", "repeat", "categories"}
    assert set(stats["totals"]) == figures and stats["totals"]["categories"] == [
        {"category": "project", "name": "工程项目", "count": 2}]
    assert [set(u) for u in stats["by_unit"]] == [figures | {"code", "name"}]
    assert stats["by_unit"][0]["code"] == "lushui_village" and stats["by_unit"][0]["closure_rate"] == 50.0
