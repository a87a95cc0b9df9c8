"""A form field can never talk a matter out of its township's threshold, and parameters stay
within their floor and ceiling (issue 9, items 1 and 3)."""
from __future__ import annotations

import json

import pytest

from engine.services import Actor, audit, matters, parameters
from tests.hostile.items import field, item, upload

SYSTEM = Actor.system()


def chain_ok(ctx) -> bool:
    return audit.verify_chain(ctx, SYSTEM).ok


def count_versions(ctx) -> int:
    with ctx.uow() as uow:
        return len(uow.definitions.list_current())


HOLDS = ('<spiffworkflow:properties><spiffworkflow:property name="actor_holds" '
         'value="project_decision_threshold=VILLAGE_COMMITTEE:门槛" /></spiffworkflow:properties>')


@pytest.mark.parametrize("where", ["start", "step", "actor_holds"])
def test_an_item_with_a_field_named_like_a_parameter_is_refused_at_upload(client, ctx, where):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    bad = field("project_decision_threshold", "money", "门槛")
    data = (item(start_fields=bad + field("amount", "money")) if where == "start" else item(step_fields=bad)
            if where == "step" else item(step_props=HOLDS))
    before = count_versions(ctx)
    r = upload(admin, data)
    assert r.status_code == 422
    assert r.json["errors"]["file"] == "townships/qingshan_town/hostile_item.bpmn"
    assert r.json["errors"]["element"] == ("start" if where == "start" else "review")
    assert "project_decision_threshold" in r.json["message"] and "乡镇参数同名" in r.json["message"]
    assert count_versions(ctx) == before and chain_ok(ctx)


def _store_unchecked(ctx, data: bytes) -> None:
    """A version stored before the load-time check existed (or written around it)."""
    from engine.definitions import Catalog
    from engine.services.definitions import _version_columns
    bundle = Catalog({"townships/qingshan_town/old.bpmn": data}).bundle("hostile_item")
    with ctx.uow() as uow:
        version = uow.definitions.add(**_version_columns(bundle))
        uow.definitions.make_current(version)
        uow.commit()


def test_at_run_time_parameters_win_over_submitted_data(client, ctx):
    """The attack of the issue: a start form that carries `project_decision_threshold`, and an
    applicant who sends 1 to put a 100,000-yuan matter on the small path."""
    _store_unchecked(ctx, item(start_fields=field("amount", "money") + field("project_decision_threshold", "money"),
                               condition="amount >= project_decision_threshold"))
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    r = clerk.post("/api/v1/instances", json={"process_key": "hostile_item", "village": "lushui_village",
                                             "subject": "绕过门槛", "data": {"amount": 100000, "project_decision_threshold": 1}})
    assert r.status_code == 422 and "project_decision_threshold" in r.json["errors"]
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 0 and chain_ok(ctx)


def test_a_step_field_named_like_a_parameter_cannot_change_it_either(client, ctx):
    _store_unchecked(ctx, item(step_fields=field("project_decision_threshold", "money"),
                               condition="amount >= project_decision_threshold"))
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "步骤改门槛", {"amount": 100000})
    task = matter.ready_steps[0].id
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    r = clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": {"project_decision_threshold": 1}})
    assert r.status_code == 422
    after = matters.get_matter(ctx, SYSTEM, matter.id)
    assert after.status == "running" and [s.id for s in after.ready_steps] == [task]
    assert after.params["project_decision_threshold"] == 100000 and chain_ok(ctx)


def _strict(text: str):
    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")
    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize("raw, problem", [
    ('{"value": NaN}', "有限"), ('{"value": Infinity}', "有限"), ('{"value": -Infinity}', "有限"),
    ('{"value": 1e999}', "有限"), ('{"value": 91}', "上限"), ('{"value": 0}', "下限"), ('{"value": 3.5}', "整数"),
    ('{"value": "3"}', "有限"), ('{"value": true}', "有限"), ('{"value": [3]}', "有限"), ('{"value": {"a": 1}}', "有限"),
])
def test_a_parameter_value_outside_its_range_or_type_is_refused(client, ctx, raw, problem):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    r = admin.put("/api/v1/townships/qingshan_town/parameters/party_notice_days", data=raw,
                  headers={"Content-Type": "application/json"})
    # NaN, Infinity and a number past a double are not JSON: the request reader refuses them (400)
    not_json = any(word in raw for word in ("NaN", "Infinity", "1e999"))
    assert r.status_code == (400 if not_json else 422), r.get_data(as_text=True)
    assert problem in json.dumps(r.json, ensure_ascii=False)
    listed = admin.get("/api/v1/parameters?township=qingshan_town")
    assert listed.status_code == 200
    values = {p["name"]: p["value"] for p in _strict(listed.get_data(as_text=True))}
    assert values["party_notice_days"] == 3 and chain_ok(ctx)


def test_a_fraction_above_one_or_below_its_floor_is_refused(client):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    for value in ("3/2", "1/2", "nan", "1/0", 0.7, "1e-9999999", "1e-99999999999"):
        r = admin.put("/api/v1/townships/qingshan_town/parameters/party_quorum", json={"value": value})
        assert r.status_code == 422, value
    assert admin.put("/api/v1/townships/qingshan_town/parameters/party_quorum", json={"value": "3/4"}).status_code == 200


TEA_DAYS = {"name": "tea_review_days", "label": "茶园发包评审天数", "type": "integer", "min": 1, "max": 30,
            "value": 5, "unit": "天"}


def test_a_township_declares_its_own_parameter_and_its_items_read_it(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    r = admin.post("/api/v1/townships/qingshan_town/parameters", json=TEA_DAYS)
    assert r.status_code == 201 and r.json["township"] == "qingshan_town" and r.json["value"] == 5
    listed = {p["name"]: p for p in admin.get("/api/v1/parameters?township=qingshan_town").json}
    assert listed["tea_review_days"]["max"] == 30
    assert "tea_review_days" not in {p["name"] for p in admin.get("/api/v1/parameters?township=baiyun_town").json}
    assert admin.put("/api/v1/townships/qingshan_town/parameters/tea_review_days", json={"value": 31}).status_code == 422
    assert admin.put("/api/v1/townships/qingshan_town/parameters/tea_review_days", json={"value": 7}).status_code == 200
    assert upload(admin, item(condition="amount >= tea_review_days")).status_code == 201
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "读本乡镇参数", {"amount": 6})
    assert matter.params["tea_review_days"] == 7
    # Another township's item cannot read it: refused at upload, naming the name.
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    r = upload(other, item(key="baiyun_item", condition="amount >= tea_review_days"), township="baiyun_town")
    assert r.status_code == 422 and "tea_review_days" in r.json["message"]


@pytest.mark.parametrize("change, problem", [
    ({"name": "amount"}, "数据中已有"), ({"name": "party_notice_days"}, "县级参数"), ({"name": "Bad-Name"}, "参数名"),
    ({"min": 40}, "下限不能高于上限"), ({"value": 31}, "上限"), ({"max": float("inf")}, "有限"),
    ({"type": "date"}, "type"), ({"label": ""}, "名称"),
    ({"type": "fraction", "min": "1e-999999", "max": "1", "value": "1/2"}, "下限"),
    ({"type": "list", "min": 1, "max": None, "value": ["a"]}, "法定项"), ({"type": "list", "min": None, "value": ["a"]}, "上限"),
    ({"max": 1e300}, "之内"),
])
def test_a_bad_township_parameter_is_refused(client, ctx, change, problem):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    before = parameters.list_parameters(ctx, SYSTEM, "qingshan_town")
    r = admin.post("/api/v1/townships/qingshan_town/parameters", json={**TEA_DAYS, **change})
    not_json = change.get("max") == float("inf")          # Infinity is not JSON: the reader's 400
    assert r.status_code == (400 if not_json else 422), r.get_data(as_text=True)
    assert problem in json.dumps(r.json, ensure_ascii=False)
    assert parameters.list_parameters(ctx, SYSTEM, "qingshan_town") == before and chain_ok(ctx)


def test_only_the_townships_administrator_declares_its_parameters(client):
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    assert clerk.post("/api/v1/townships/qingshan_town/parameters", json=TEA_DAYS).status_code == 403
    other = client.as_user("baiyun_admin", ["TOWNSHIP_ADMIN"], village="hongqi_village")
    assert other.post("/api/v1/townships/qingshan_town/parameters", json=TEA_DAYS).status_code == 403
