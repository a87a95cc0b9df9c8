"""/api/v1/warnings and /api/v1/statistics over HTTP: supervisors only, Chinese 4xx for bad input,
the 督办 lifecycle, CSV and XLSX exports."""
import csv
import io
from datetime import date, timedelta

from openpyxl import load_workbook

from engine import clock
from engine.services import Actor, redlines

DISCIPLINE = ("TOWNSHIP_DISCIPLINE",)


def start_purchase(client, amount, name="太阳能路灯"):
    answer = client.post("/api/v1/instances", json={
        "process_key": "procurement", "village": "lushui_village", "subject": f"采购{name}",
        "data": {"item_name": name, "purchase_type": "goods", "specification": "三组", "amount": amount,
                 "in_annual_plan": True}})
    assert answer.status_code == 201, answer.json
    return answer.json


def test_warning_raised_by_an_api_start_and_handled_over_http(client):
    clerk = client.as_user("applicant1", ("APPLICANT",))
    start_purchase(clerk, 15000)
    start_purchase(clerk, 9000)                        # the app's listener runs the rules after the commit
    jw = client.as_user("jw1", DISCIPLINE)
    listed = jw.get("/api/v1/warnings?rule=R4")
    assert listed.status_code == 200 and len(listed.json) == 1
    warning = listed.json[0]
    assert warning["severity"] == "high" and warning["status"] == "open" and len(warning["instance_ids"]) == 2
    assert jw.get(f"/api/v1/warnings/{warning['id']}").json["actions"] == ["assigned", "dismissed"]
    assert clerk.get("/api/v1/warnings").status_code == 403                 # a clerk sees no warnings
    no_reason = jw.post(f"/api/v1/warnings/{warning['id']}/dismiss", json={"reason": ""})
    assert no_reason.status_code == 422
    bad_unit = jw.post(f"/api/v1/warnings/{warning['id']}/assign", json={"unit": "baiyun_town", "due": "2099-01-01"})
    assert bad_unit.status_code == 422 and "交办单位" in bad_unit.json["message"]
    due = (clock.now().date() + timedelta(days=7)).isoformat()
    assigned = jw.post(f"/api/v1/warnings/{warning['id']}/assign", json={"unit": "lushui_village", "due": due})
    assert assigned.status_code == 200 and assigned.json["status"] == "assigned"
    self_answer = jw.post(f"/api/v1/warnings/{warning['id']}/answer", json={"answer": "纪委代答"})
    assert self_answer.status_code == 403 and "不能代被交办单位反馈" in self_answer.json["message"]
    monitor = client.as_user("jwh1", ("SUPERVISION_COMMITTEE",))
    refused = monitor.post(f"/api/v1/warnings/{warning['id']}/answer", json={"answer": "村监委代答"})
    assert refused.status_code == 403 and "村民委员会" in refused.json["message"]
    village = client.as_user("vc1", ("VILLAGE_COMMITTEE",))
    mine = village.get("/api/v1/warnings")                 # the warnings assigned to its village
    assert mine.status_code == 200 and [w["id"] for w in mine.json] == [warning["id"]]
    answered = village.post(f"/api/v1/warnings/{warning['id']}/answer", json={"answer": "已说明情况"})
    assert answered.status_code == 200 and answered.json["status"] == "answered"
    assert answered.json["actions"] == []                    # the village answered; now the 纪委 checks it
    assert jw.get(f"/api/v1/warnings/{warning['id']}").json["actions"] == ["assigned", "verified", "returned",
                                                                          "dismissed"]
    assert jw.post(f"/api/v1/warnings/{warning['id']}/close", json={"note": "x"}).status_code == 409
    assert jw.post(f"/api/v1/warnings/{warning['id']}/verify", json={"accepted": True}).status_code == 200
    closed = jw.post(f"/api/v1/warnings/{warning['id']}/close", json={"note": "整改到位"})
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    assert [h["action"] for h in jw.get(f"/api/v1/warnings/{warning['id']}").json["history"]] == [
        "raised", "assigned", "answered", "verified", "closed"]
    assert jw.get("/api/v1/warnings/999999").status_code == 404
    assert jw.get("/api/v1/warnings?severity=extreme").status_code == 422
    unknown_rule = jw.get("/api/v1/warnings?rule=R99")
    assert unknown_rule.status_code == 422 and "R99" in unknown_rule.json["errors"]["rule"]


def test_statistics_json_csv_and_xlsx(client):
    clerk = client.as_user("applicant2", ("APPLICANT",))
    start_purchase(clerk, 15000)
    start_purchase(clerk, 9000)
    redlines.sweep(client.ctx, Actor.system())
    jw = client.as_user("jw2", DISCIPLINE)
    today = clock.now().date()
    url = f"/api/v1/statistics?period=month&year={today.year}&number={today.month}"
    report = jw.get(url)
    assert report.status_code == 200, report.json
    lushui = next(v for v in report.json["villages"] if v["code"] == "lushui_village")
    assert lushui["matters"] == 2 and lushui["by_item"] == {"procurement": 2}
    assert lushui["warnings"]["high"]["open"] == 1 and lushui["score"] is not None
    assert [t["code"] for t in report.json["townships"]] == ["qingshan_town"]
    exported = jw.get(url + "&format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][0] == "单位" and rows[1][0] == "青山镇" and rows[2][0] == "绿水村"
    workbook = jw.get(url + "&format=xlsx")
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    assert sheet.cell(1, 14).value == "考核得分" and sheet.cell(3, 1).value == "绿水村"
    assert jw.get(f"/api/v1/statistics?period=quarter&year={today.year}&number=5").status_code == 422
    assert jw.get("/api/v1/statistics?period=month&year=2026").status_code == 422
    assert client.as_user("applicant3", ("APPLICANT",)).get(url).status_code == 403
    assert date.fromisoformat(report.json["period"]["start"][:10]) <= today
