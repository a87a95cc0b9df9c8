"""Issue 14 parts 1-2: a township item version is a draft until published; check runs every load-time
check and the lint; publish makes it current (running matters keep theirs); withdraw stops new
matters with a reason; the versions list and the diff; all of it audited."""
from __future__ import annotations

from pathlib import Path

from engine.services import Actor, audit, matters, parameters
from tests.hostile.items import field, item, upload

LINT = Path(__file__).resolve().parents[1] / "fixtures" / "lint"

SYSTEM = Actor.system()
START = {"process_key": "hostile_item", "village": "lushui_village", "subject": "测试事项", "data": {"amount": 50}}


def _events(ctx, name):
    with ctx.uow() as uow:
        return [e.payload for e in uow.audit.all_in_order() if e.event == name]


def test_draft_check_publish_supersede_withdraw(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    r = upload(admin, item(), publish=False)
    assert r.status_code == 201 and r.json[0]["state"] == "draft"
    v1 = r.json[0]["version_id"]
    # a draft is seen by the township's administrators only, and nobody can start it
    assert clerk.get("/api/v1/processes/hostile_item").status_code == 404
    assert clerk.get("/api/v1/processes/hostile_item/versions").status_code == 404
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    assert other.get("/api/v1/processes/hostile_item/versions").status_code == 404
    assert other.post(f"/api/v1/processes/hostile_item/versions/{v1}/publish").status_code == 404
    assert clerk.post("/api/v1/instances", json=START).status_code == 422
    listed = admin.get("/api/v1/processes/hostile_item/versions").json
    assert [(v["version_id"], v["state"], v["created_by"]) for v in listed] == [(v1, "draft", "qingshan_admin")]

    report = admin.post(f"/api/v1/processes/hostile_item/versions/{v1}/check")
    assert report.status_code == 200 and report.json["ok"] and report.json["errors"] == 0, report.json
    assert {f["rule"] for f in report.json["findings"]} == {"step-deadline"}          # a warning only
    assert report.json["findings"][0]["element"] == "review" and report.json["findings"][0]["line"]

    published = admin.post(f"/api/v1/processes/hostile_item/versions/{v1}/publish")
    assert published.status_code == 200 and published.json["state"] == "published" and published.json["is_current"]
    assert admin.post(f"/api/v1/processes/hostile_item/versions/{v1}/publish").status_code == 409
    first = clerk.post("/api/v1/instances", json=START)
    assert first.status_code == 201, first.json

    # a second version: a draft beside the published one; then published, the first is superseded
    v2 = upload(admin, item(step_name="初审", step_fields=field("note", "text", "审核意见")), publish=False).json[0]
    assert v2["state"] == "draft" and v2["version_id"] != v1
    assert clerk.get("/api/v1/processes/hostile_item").json["version_id"] == v1
    diff = admin.get(f"/api/v1/processes/hostile_item/diff?from={v1}&to={v2['version_id']}")
    assert diff.status_code == 200, diff.json
    texts = [c["text"] for c in diff.json["changes"]]
    assert "步骤“初审”的名称：审核 → 初审" in texts
    assert any("审核意见" in t and "类型" in t for t in texts), texts
    assert admin.post(f"/api/v1/processes/hostile_item/versions/{v2['version_id']}/publish").status_code == 200
    states = {v["version_id"]: v for v in admin.get("/api/v1/processes/hostile_item/versions").json}
    assert states[v1]["state"] == "superseded" and states[v2["version_id"]]["state"] == "published"
    assert states[v1]["running_matters"] == 1 and states[v2["version_id"]]["running_matters"] == 0
    # the clerk sees the published versions, not drafts
    assert {v["state"] for v in clerk.get("/api/v1/processes/hostile_item/versions").json} == {"published", "superseded"}

    # withdraw: a reason is required; then new matters are refused, the running one finishes
    url = f"/api/v1/processes/hostile_item/versions/{v2['version_id']}/withdraw"
    assert admin.post(url, json={"reason": ""}).status_code == 422
    assert admin.post(url, json={}).status_code == 422
    assert clerk.post(url, json={"reason": "x"}).status_code == 403
    withdrawn = admin.post(url, json={"reason": "镇里改用县级清单"})
    assert withdrawn.status_code == 200 and withdrawn.json["state"] == "withdrawn"
    refused = clerk.post("/api/v1/instances", json=START)
    assert refused.status_code == 409 and "已撤回" in refused.json["message"] and "镇里改用县级清单" in refused.json["message"]
    step = first.json["ready_steps"][0]["id"]
    assert matters.complete_step(ctx, SYSTEM, step, {"note": "同意"}).status == "completed"
    assert admin.post(url, json={"reason": "again"}).status_code == 409

    assert [p["version_id"] for p in _events(ctx, "definition_published")] == [v1, v2["version_id"]]
    assert _events(ctx, "definition_withdrawn")[0]["reason"] == "镇里改用县级清单"
    assert _events(ctx, "definition_checked")[0]["version_id"] == v1
    assert audit.verify_chain(ctx, SYSTEM).ok


def test_lint_errors_block_publishing(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    no_basis = item().replace('<spiffworkflow:property name="policy_basis" value="《青山镇村务管理办法（测试）》" />'.encode(), b"")
    assert upload(admin, no_basis).status_code == 422                   # ?publish=true: refused, nothing published
    draft = upload(admin, no_basis, publish=False)
    assert draft.status_code == 201
    vid = draft.json[0]["version_id"]
    report = admin.post(f"/api/v1/processes/hostile_item/versions/{vid}/check").json
    assert not report["ok"] and report["errors"] == 1
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert error["rule"] == "policy-basis" and error["element"] == "review" and "政策依据" in error["message"]
    r = admin.post(f"/api/v1/processes/hostile_item/versions/{vid}/publish")
    assert r.status_code == 422 and "规则检查" in r.json["message"]
    assert r.json["errors"]["findings"][0]["rule"] == "policy-basis"
    with ctx.uow() as uow:
        assert uow.definitions.current("hostile_item") is None


def test_the_check_measures_publicity_at_the_townships_own_floor_and_against_the_county_item(client, ctx):
    """The check reads the township's own parameters with their floors, the statutory floors and
    the county items in force; both rules' errors block publishing."""
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    parameters.define_township_parameter(ctx, SYSTEM, "qingshan_town", "qs_dibao_days", "低保金补发公示天数",
                                         "integer", 3, 30, 7, "天")
    data = (LINT / "publicity-floor.pass.bpmn").read_bytes().replace(b"days(dibao_publicity_days)",
                                                                     b"days(qs_dibao_days)")
    vid = upload(admin, data, name="dibao_topup.bpmn", publish=False).json[0]["version_id"]
    report = admin.post(f"/api/v1/processes/lint_item/versions/{vid}/check").json
    (error,) = [f for f in report["findings"] if f["severity"] == "error"]
    assert error["rule"] == "publicity-floor" and error["element"] == "publicity"
    assert error["message"].startswith("低保公示期最短可为 3 天，少于法定的 7 天")
    assert admin.post(f"/api/v1/processes/lint_item/versions/{vid}/publish").status_code == 422

    works = upload(admin, (LINT / "weakens-county.fail.bpmn").read_bytes(), name="works.bpmn", publish=False)
    vid = works.json[0]["version_id"]
    report = admin.post(f"/api/v1/processes/lint_works/versions/{vid}/check").json
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert {f["rule"] for f in errors} == {"weakens-county"} and len(errors) == 5
    assert all("村级工程项目建设" in f["message"] for f in errors)
    assert admin.post(f"/api/v1/processes/lint_works/versions/{vid}/publish").status_code == 422


def test_county_items_are_not_published_or_withdrawn_here(client, ctx):
    admin = client.as_user("county_admin", ["COUNTY_ADMIN"])
    (version,) = admin.get("/api/v1/processes/major_decision/versions").json
    assert version["state"] == "published" and version["created_by"] == "system"
    base = f"/api/v1/processes/major_decision/versions/{version['version_id']}"
    assert admin.post(f"{base}/withdraw", json={"reason": "x"}).status_code == 409
    assert admin.post(f"{base}/publish").status_code == 409
    assert admin.post(f"{base}/check").json["ok"]
    assert admin.get("/api/v1/processes/major_decision/diff?from=1&to=999999").status_code == 404
    assert admin.get("/api/v1/processes/major_decision/diff?from=x&to=1").status_code == 422
    assert admin.post("/api/v1/processes/major_decision/versions/999999/check").status_code == 404
