"""The REST API over the Flask test client, on SQLite and PostgreSQL."""
import io
from datetime import datetime, timedelta, timezone

import pytest

from engine import clock
from engine.services import Actor, timers




PDF = b"%PDF-1.7\n%%EOF\n"


def start(client, **overrides):
    body = {"process_key": "major_decision", "village": "lushui_village", "subject": "修建村道",
            "data": {"summary": "村道硬化", "amount": 120000}, **overrides}
    return client.post("/api/v1/instances", json=body)


def complete(client, instance: dict, step_id: str, data: dict, evidence: bool = True):
    """Complete a ready step; a scan is uploaded for each required evidence field left empty."""
    task = next(s for s in instance["ready_steps"] if s["step_id"] == step_id)
    if evidence:
        form = client.get(f"/api/v1/tasks/{task['id']}").json.get("form", [])
        for f in form:
            if f["type"] == "file" and f["required"] and not data.get(f["name"]):
                upload = client.post("/api/v1/attachments", data={"file": (io.BytesIO(PDF), f"{f['label']}.pdf")},
                                     content_type="multipart/form-data")
                data = {**data, f["name"]: [upload.json["id"]]}
    return client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data})


def assert_error_shape(response, code: int):
    assert response.status_code == code, response.json
    assert set(response.json) >= {"code", "status", "message"} and response.json["code"] == code


def test_catalogue(client):
    groups = client.get("/api/v1/processes").json
    assert groups[0]["category"] == "村级重大决策"
    assert "major_decision" in [i["key"] for i in groups[0]["items"]]
    assert len({g["category"] for g in groups}) == len(groups)
    item = client.get("/api/v1/processes/major_decision").json
    assert item["name"] == "村级重大事项决策（四议两公开）" and item["list_code"] == "JC-01"
    step = next(s for s in item["steps"] if s["id"] == "review")
    assert step["role"] == "PARTY_MEMBERS_MEETING" and step["role_name"] == "党员大会" and step["deadline"] == "P7D"
    assert {f["name"] for f in step["form"]} == {"pm_total", "pm_attendees", "pm_for", "pm_minutes", "pm_township_cadres",
                                                 "pm_sign_in_file"}
    assert [f["name"] for f in item["start_form"]] == ["summary", "amount"]
    assert_error_shape(client.get("/api/v1/processes/nothing"), 404)


def test_start_step_and_read_a_matter(client):
    created = start(client)
    assert created.status_code == 201
    m = created.json
    r = complete(client, m, "propose", {"proposal": "修路", "matter_source": "villager_suggestion", "meeting_type": "FULL"})
    assert r.status_code == 200 and r.json["ready_steps"][0]["step_id"] == "deliberate"
    got = client.get(f"/api/v1/instances/{m['id']}").json
    assert got["status"] == "running" and got["outcome"] is None and got["data"]["meeting_type"] == "FULL"
    assert got["ready_steps"][0]["role"] == "TWO_COMMITTEES"
    task = client.get(f"/api/v1/tasks/{got['ready_steps'][0]['id']}").json
    assert task["form"][0]["name"] == "tc_members" and task["form"][0]["required"] is True
    history = client.get(f"/api/v1/instances/{m['id']}/history").json
    assert [e["event"] for e in history] == ["matter_started", "step_completed"]
    listing = client.get("/api/v1/instances?process_key=major_decision&status=running&page_size=10")
    assert listing.json[0]["id"] == m["id"] and '"total": 1' in listing.headers["X-Pagination"]
    tasks = client.get("/api/v1/tasks?role=TWO_COMMITTEES&village=lushui_village").json
    assert [t["instance_id"] for t in tasks] == [m["id"]]


def test_waiting_timers_are_shown_with_their_due_time(client, ctx):
    m = start(client).json
    m = complete(client, m, "propose", {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}).json
    m = complete(client, m, "deliberate", {"tc_members": 5, "tc_attendees": 5, "tc_for": 3, "tc_minutes": "x", "tc_township_cadres": "无"}).json
    m = complete(client, m, "send_plan", {"plan_sent_on": "2026-03-02", "plan_text": "方案"}).json
    (timer,) = m["waiting_timers"]
    assert timer["name"] == "党员审阅" and datetime.fromisoformat(timer["due"]) > datetime.now(timezone.utc)
    with clock.use_clock(clock.FixedClock(datetime.now(timezone.utc) + timedelta(days=4))):
        timers.advance_due_timers(ctx, Actor.system())
    m = client.get(f"/api/v1/instances/{m['id']}").json
    assert m["waiting_timers"] == [] and m["ready_steps"][0]["step_id"] == "review"


def test_errors(client):
    m = start(client).json
    assert_error_shape(start(client, village="nowhere"), 422)
    bad = complete(client, m, "propose", {"proposal": "", "matter_source": "x"})
    assert_error_shape(bad, 422)
    assert set(bad.json["errors"]) == {"proposal", "matter_source", "meeting_type"}
    wrong_role = complete(client.as_user("li", ["VILLAGE_COMMITTEE"]), m, "propose", {}, evidence=False)
    assert_error_shape(wrong_role, 403)
    ok = complete(client, m, "propose", {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"})
    assert ok.status_code == 200
    assert_error_shape(complete(client, m, "propose", {"proposal": "修路", "matter_source": "cadre_proposal", "meeting_type": "REP"}), 409)
    assert_error_shape(client.get("/api/v1/instances/999999"), 404)
    assert_error_shape(client.get("/api/v1/tasks/not-a-task"), 404)
    assert_error_shape(client.post("/api/v1/instances", data="{oops", content_type="application/json"), 400)
    assert_error_shape(client.post("/api/v1/instances", json=[1]), 422)
    assert_error_shape(client.get("/api/v1/instances?status=lost"), 422)
    assert_error_shape(client.anonymous().get("/api/v1/instances"), 401)
    assert_error_shape(client.post(f"/api/v1/instances/{m['id']}/cancel", json={}), 422)
    assert client.post(f"/api/v1/instances/{m['id']}/cancel", json={"reason": "重复"}).json["status"] == "cancelled"
    assert_error_shape(client.post(f"/api/v1/instances/{m['id']}/cancel", json={"reason": "again"}), 409)


@pytest.mark.parametrize("body", [{"data": "x"}, {"data": {"proposal": ["x"]}}, {"data": {"proposal": {"a": 1}}}, {"other": 1}])
def test_odd_completion_bodies_are_422_not_500(client, body):
    m = start(client).json
    task = m["ready_steps"][0]["id"]
    assert_error_shape(client.post(f"/api/v1/tasks/{task}/complete", json=body), 422)


def test_audit_verify_and_openapi(client):
    start(client)
    report = client.get("/api/v1/audit/verify").json
    assert report["ok"] is True and report["events"] >= 2 and report["broken_seq"] is None
    spec = client.get("/api/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/tasks/{task_id}/complete" in spec["paths"]
    assert client.get("/api/docs").status_code == 200
