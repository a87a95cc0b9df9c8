"""Issue 14, deliverables 1 and 4: a township declares its own roles and parameters, uploads an item
using them as a draft, and runs test matters of the draft in its 试运行村 (sandbox): the engine's
checks run as in a real village (forms, separation of duties, the publicity timer), and nothing of
it is public, counted, swept for red lines or in anyone's lists."""
from __future__ import annotations

from pathlib import Path

from engine import clock
from engine.services import Actor, redlines, statistics
from engine.services.preview import sandbox_code
from tests.hostile.items import upload

SYSTEM = Actor.system()
EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "tea_garden_subsidy.bpmn"
SANDBOX = sandbox_code("qingshan_town")
AGRI = {"code": "TOWNSHIP_AGRI_OFFICE", "name": "乡镇农业农村办", "level": "township"}
PARAMETERS = [
    {"name": "tea_subsidy_per_mu", "label": "茶园管护补助标准", "type": "integer", "min": 0, "max": 2000,
     "value": 300, "unit": "元/亩"},
    {"name": "tea_subsidy_publicity_days", "label": "茶园管护补助对象公示天数", "type": "integer", "min": 5,
     "max": 30, "value": 7, "unit": "天"},
]


def _declare(admin) -> None:
    r = admin.post("/api/v1/townships/qingshan_town/roles", json=AGRI)
    assert r.status_code == 201, r.json
    for parameter in PARAMETERS:
        r = admin.post("/api/v1/townships/qingshan_town/parameters", json=parameter)
        assert r.status_code == 201, r.json


def test_township_roles_are_its_own(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    url = "/api/v1/townships/qingshan_town/roles"
    # bad input: each refusal names the field
    for body, field in [({**AGRI, "code": "agri"}, "code"), ({**AGRI, "name": ""}, "name"),
                        ({**AGRI, "level": "county"}, "level"), ({**AGRI, "code": "PARTY_BRANCH"}, "code"),
                        ({**AGRI, "name": "村党组织"}, "name")]:
        r = admin.post(url, json=body)
        assert r.status_code == 422 and field in str(r.json), (body, r.json)
    assert clerk.post(url, json=AGRI).status_code == 403
    assert other.post(url, json=AGRI).status_code == 403          # not its township
    assert admin.post(url, json=AGRI).status_code == 201
    again = admin.post(url, json=AGRI)
    assert again.status_code == 422 and "本乡镇" in again.json["errors"]["code"]
    taken = other.post("/api/v1/townships/baiyun_town/roles", json={**AGRI, "name": "农业办"})
    assert taken.status_code == 422 and "其他乡镇" in taken.json["errors"]["code"]
    listed = admin.get("/api/v1/roles?township=qingshan_town").json
    assert {"code": "TOWNSHIP_AGRI_OFFICE", "name": "乡镇农业农村办", "level": "township",
            "township": "qingshan_town"} in listed
    assert "TOWNSHIP_AGRI_OFFICE" not in {r["code"] for r in admin.get("/api/v1/roles").json}
    assert "TOWNSHIP_AGRI_OFFICE" not in {r["code"] for r in admin.get("/api/v1/roles?township=baiyun_town").json}
    # granted in its township only: a village of another township is refused, by name
    r = other.post("/api/v1/users", json={"username": "wang", "display_name": "王五", "password": "correct horse 1"})
    assert r.status_code == 201, r.json
    r = other.post("/api/v1/users/wang/grants", json={"role": "TOWNSHIP_AGRI_OFFICE", "org": "baiyun_town"})
    assert r.status_code == 422 and "青山镇" in str(r.json), r.json
    r = admin.post("/api/v1/users/wang/grants", json={"role": "TOWNSHIP_AGRI_OFFICE", "org": "qingshan_town"})
    assert r.status_code == 200 and r.json["grants"] == [{"org": "qingshan_town", "role": "TOWNSHIP_AGRI_OFFICE"}]
    # the county's roles stay read-only: there is no way to change one over the API
    assert admin.put("/api/v1/roles", json=[]).status_code == 405


def test_a_draft_runs_in_the_sandbox_and_nowhere_else(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    _declare(admin)
    r = upload(admin, EXAMPLE.read_bytes(), name="tea_garden_subsidy.bpmn", publish=False)
    assert r.status_code == 201, r.json
    version = r.json[0]["version_id"]
    base = f"/api/v1/processes/tea_garden_subsidy/versions/{version}/preview"

    # only the township's administrators, and a clear refusal for bad data
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    assert clerk.post(base, json={"subject": "试", "data": {}}).status_code in (403, 404)
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    assert other.post(base, json={"subject": "试", "data": {}}).status_code in (403, 404)
    bad = admin.post(base, json={"subject": "试运行", "data": {"grower_name": "张三", "area": 0}})
    assert bad.status_code == 422 and "area" in bad.json["errors"], bad.json

    r = admin.post(base, json={"subject": "试运行：张三茶园", "data": {"grower_name": "张三", "area": 10}})
    assert r.status_code == 201, r.json
    matter = r.json
    assert matter["sandbox"] and matter["village"] == SANDBOX and matter["version_id"] == version
    (step,) = matter["ready_steps"]
    assert step["step_id"] == "verify_area"
    steps = f"/api/v1/processes/previews/{matter['id']}/steps"
    # the draft's own checks: an amount above area x the township's rate is refused
    over = admin.post(f"{steps}/{step['id']}", json={"data": {"verified_area": 10, "amount": 3001}})
    assert over.status_code == 422 and "amount" in over.json["errors"], over.json
    done = admin.post(f"{steps}/{step['id']}", json={"data": {"verified_area": 10, "amount": 3000}})
    assert done.status_code == 200 and done.json["done_by"] == "试运行·村民委员会（乙）", done.json
    (intake,) = done.json["ready_steps"]
    assert intake["step_id"] == "objection_intake" and done.json["waiting_timers"]

    # the publicity period: made due at once; the agri office's step comes next
    timed = admin.post(f"/api/v1/processes/previews/{matter['id']}/timer")
    assert timed.status_code == 200, timed.json
    (review,) = timed.json["ready_steps"]
    assert review["step_id"] == "township_review" and review["role"] == "TOWNSHIP_AGRI_OFFICE"
    assert admin.post(f"/api/v1/processes/previews/{matter['id']}/timer").status_code == 409
    end = admin.post(f"{steps}/{review['id']}", json={"data": {"review_decision": "approve"}})
    assert end.status_code == 200 and end.json["status"] == "completed" and end.json["outcome"] == "准予补助"
    assert end.json["done_by"] == "试运行·乡镇农业农村办"
    listed = admin.get(base).json
    assert [m["id"] for m in listed] == [matter["id"]]

    # never public: no record, and the portal does not know the village
    with ctx.uow(readonly=True) as uow:
        assert not uow.publications.shows(matter["id"])
    public = client.anonymous()
    assert public.get(f"/public/{SANDBOX}").status_code == 404
    assert SANDBOX not in public.get("/public/api/villages?q=试运行").get_data(as_text=True)
    # never counted, never swept, in nobody's lists
    year = clock.now().year
    report = statistics.statistics(ctx, SYSTEM, "year", year)
    assert SANDBOX not in {v.code for v in report.villages}
    assert sum(v.matters for v in report.villages) == 0
    with ctx.uow(readonly=True) as uow:
        assert uow.tallies.sums({SANDBOX}, year * 100 + 1, year * 100 + 12) == []
    assert redlines.sweep(ctx, SYSTEM).villages == 0          # the only matter is the test run
    assert matter["id"] not in [m["id"] for m in admin.get("/api/v1/instances").json]
    # what the test run made is on the audit chain
    with ctx.uow(readonly=True) as uow:
        made = [e.payload for e in uow.audit.all_in_order() if e.event == "sandbox_prepared"]
    assert made[0]["village"] == SANDBOX and SANDBOX in made[0]["made"]
    assert any("test.qingshan_town_sandbox.township_agri_office.1" in m["made"] for m in made)
    # test users cannot log in
    login = client.anonymous().post("/api/v1/auth/token", json={"username": f"test.{SANDBOX}.village_committee.1",
                                                                "password": "!test-user-cannot-log-in"})
    assert login.status_code == 401


def test_separation_of_duties_uses_the_next_test_user(client, ctx):
    """verify_area is separated from the start, in the same role: 试运行·村民委员会（乙） does it."""
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    _declare(admin)
    version = upload(admin, EXAMPLE.read_bytes(), name="tea_garden_subsidy.bpmn", publish=False).json[0]["version_id"]
    matter = admin.post(f"/api/v1/processes/tea_garden_subsidy/versions/{version}/preview",
                        json={"subject": "试运行", "data": {"grower_name": "李四", "area": 2}}).json
    step = matter["ready_steps"][0]["id"]
    done = admin.post(f"/api/v1/processes/previews/{matter['id']}/steps/{step}",
                      json={"data": {"verified_area": 2, "amount": 600}})
    assert done.status_code == 200 and done.json["done_by"] == "试运行·村民委员会（乙）", done.json


def test_the_api_works_out_form_bounds_a_client_need_not_evaluate(client, ctx):
    """A generic client reads bounds as numbers: the start form's from the village's township
    parameters (a township's own value where it set one), a step's from the matter's data so far;
    a bound over a field of the same form is not known yet (null)."""
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    county = {f["name"]: f for f in admin.get("/api/v1/processes/homestead").json["start_form"]}
    assert county["applied_area"]["max"] == "homestead_area_cap"
    assert county["applied_area"]["max_value"] == float(ctx.parameters["homestead_area_cap"].value)
    r = admin.put("/api/v1/townships/qingshan_town/parameters/homestead_area_cap",
                  json={"value": ctx.parameters["homestead_area_cap"].minimum})
    assert r.status_code == 200, r.json
    local = {f["name"]: f for f in admin.get("/api/v1/processes/homestead?village=lushui_village").json["start_form"]}
    assert local["applied_area"]["max_value"] == float(ctx.parameters["homestead_area_cap"].minimum)
    assert admin.get("/api/v1/processes/homestead?village=nowhere").status_code == 404

    _declare(admin)
    version = upload(admin, EXAMPLE.read_bytes(), name="tea_garden_subsidy.bpmn", publish=False).json[0]["version_id"]
    matter = admin.post(f"/api/v1/processes/tea_garden_subsidy/versions/{version}/preview",
                        json={"subject": "试运行", "data": {"grower_name": "张三", "area": 12.5}}).json
    form = {f["name"]: f for f in admin.get(f"/api/v1/tasks/{matter['ready_steps'][0]['id']}").json["form"]}
    assert (form["verified_area"]["min_value"], form["verified_area"]["max_value"]) == (0.0, 12.5)
    assert form["amount"]["max"] == "verified_area * tea_subsidy_per_mu" and form["amount"]["max_value"] is None


def test_a_test_run_is_not_counted_in_the_versions_list(client, ctx):
    """The versions list counts the matters started on each version: a test run (试运行) of the
    draft is none of them, before and after publishing; a real matter is."""
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    _declare(admin)
    version = upload(admin, EXAMPLE.read_bytes(), name="tea_garden_subsidy.bpmn", publish=False).json[0]["version_id"]
    run = admin.post(f"/api/v1/processes/tea_garden_subsidy/versions/{version}/preview",
                     json={"subject": "试运行", "data": {"grower_name": "张三", "area": 2}})
    assert run.status_code == 201 and run.json["status"] == "running" and run.json["sandbox"], run.json

    def counted():
        (listed,) = admin.get("/api/v1/processes/tea_garden_subsidy/versions").json
        assert listed["version_id"] == version
        return listed["running_matters"], listed["matters"]

    assert counted() == (0, 0)
    assert admin.post(f"/api/v1/processes/tea_garden_subsidy/versions/{version}/publish").status_code == 200
    assert counted() == (0, 0)
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    real = clerk.post("/api/v1/instances", json={"process_key": "tea_garden_subsidy", "village": "lushui_village",
                                                 "subject": "张三茶园", "data": {"grower_name": "张三", "area": 2}})
    assert real.status_code == 201, real.json
    assert counted() == (1, 1)
