"""Expressions cannot exhaust memory or time (issue 9, item 2): what can be refused on sight is
refused at upload; what depends on submitted data is stopped by the run-time budget with a 422,
the matter staying at its last good state and nothing allocated on the way."""
from __future__ import annotations

import tracemalloc

from xml.sax.saxutils import escape

import pytest

from engine.services import Actor, audit, matters
from tests.hostile.items import field, item, upload

SYSTEM = Actor.system()
ON_SIGHT = ["'%0999999999d' % 1", 'f"{note:>999999999}"', "'x'.ljust(1000000000)", "len(range(1000000000)) > 0",
            "[note] * 1000000000", "note * 10 ** 9", "[c for c in note]", "(lambda: 1)()", "'x' * amount"]


@pytest.mark.parametrize("condition", ON_SIGHT)
def test_expressions_that_could_never_be_safe_are_refused_at_upload(client, ctx, condition):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    r = upload(admin, item(condition=condition))
    assert r.status_code == 422 and r.json["errors"]["element"] == "f_big" and r.json["errors"]["line"], r.json
    assert audit.verify_chain(ctx, SYSTEM).ok


BUDGET = [
    ("note * int(amount) == 'x'", {"amount": 1_000_000_000}, {"note": "x"}, "重复"),
    ("note % amount == 'x'", {"amount": 1}, {"note": "%0999999999d"}, "格式化"),
    ("round(frac('1/3'), int(amount)) > 0", {"amount": 999_999_999}, {"note": "x"}, "保留位数"),
    ("str(note) + str(note) + str(note) == ''", {"amount": 1}, {"note": "长" * 4000}, "超过"),
    ("amount * amount * amount * amount * amount * amount * amount * amount * amount * amount * amount * amount"
     " * amount * amount * amount * amount * amount * amount * amount * amount * amount * amount * amount > 0",
     {"amount": 9_999_999_999_999.99}, {"note": "x"}, None),
]


@pytest.mark.parametrize("condition, start, step, words", BUDGET)
def test_data_that_would_blow_an_expression_up_is_refused_and_the_matter_kept(client, ctx, condition, start, step, words):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    assert upload(admin, item(step_fields=field("note", "text"), condition=condition)).status_code == 201
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "预算", start)
    task = matter.ready_steps[0].id
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    tracemalloc.start()
    try:
        r = clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": step})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024 * 1024, f"{peak / 1e6:.0f} MB allocated"
    if words is None:            # a long product of amounts stays cheap and is not refused
        assert r.status_code == 200, r.json
        return
    assert r.status_code == 422 and words in str(r.json), r.json
    after = matters.get_matter(ctx, SYSTEM, matter.id)
    assert after.status == "running" and [s.id for s in after.ready_steps] == [task]
    history = [e.event for e in matters.matter_history(ctx, SYSTEM, matter.id)]
    assert "step_completed" not in history and "engine_error" not in history
    assert audit.verify_chain(ctx, SYSTEM).ok


def test_a_timer_of_a_billion_days_is_refused_when_it_would_start(client, ctx):
    timer = ('<bpmn:boundaryEvent id="period" name="公示" attachedToRef="review" cancelActivity="true">'
             '<bpmn:timerEventDefinition><bpmn:timeDuration>days(amount)</bpmn:timeDuration></bpmn:timerEventDefinition>'
             '</bpmn:boundaryEvent><bpmn:sequenceFlow id="f_period" sourceRef="period" targetRef="small" />')
    props = '<spiffworkflow:properties><spiffworkflow:property name="objection_intake" value="true" /></spiffworkflow:properties>'
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    assert upload(admin, item(extra=timer, step_props=props)).status_code == 201
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    r = clerk.post("/api/v1/instances", json={"process_key": "hostile_item", "village": "lushui_village",
                                             "subject": "十亿天", "data": {"amount": 1_000_000_000}})
    assert r.status_code == 422 and "时长" in str(r.json)
    assert matters.list_matters(ctx, SYSTEM, {}, 1, 10)[1] == 0
    ok = clerk.post("/api/v1/instances", json={"process_key": "hostile_item", "village": "lushui_village",
                                              "subject": "七天", "data": {"amount": 7}})
    assert ok.status_code == 201 and ok.json["waiting_timers"]


def test_a_definition_fault_met_at_run_time_is_an_incident_naming_file_and_element(client, ctx):
    """Not the clerk's data being too big, but the definition dividing by a number that may be 0:
    the matter is kept at status error, and the record says which file and which element failed."""
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    assert upload(admin, item(step_fields=field("households", "long"), condition="amount / households > 100")).status_code == 201
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "除以零", {"amount": 1000})
    after = matters.complete_step(ctx, SYSTEM, matter.ready_steps[0].id, {"households": 0})
    assert after.status == "error"
    assert "townships/qingshan_town/hostile_item.bpmn" in after.error and "decide" in after.error
    (incident,) = [e for e in matters.matter_history(ctx, SYSTEM, matter.id) if e.event == "engine_error"]
    assert incident.payload["process"] == "hostile_item" and incident.payload["element"] == "decide"
    assert audit.verify_chain(ctx, SYSTEM).ok


@pytest.mark.parametrize("bound, words", [
    ("1/0", "除数为零"), ("1e9999999", "数值超出范围"), ("'%0999999999d' % 1", "格式化"), ("amount +", "语法"),
])
def test_a_number_bound_that_can_never_be_worked_out_is_refused_at_upload(client, bound, words):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    bounded = ('<camunda:formField id="note" label="意见" type="long"><camunda:validation>'
               f'<camunda:constraint name="max" config="{escape(bound, {chr(34): "&quot;"})}" /></camunda:validation></camunda:formField>')
    r = upload(admin, item(step_fields=bounded))
    assert r.status_code == 422 and words in r.json["errors"]["problem"], r.json


def test_a_bound_the_clerks_data_makes_unworkable_refuses_the_field_not_the_server(client, ctx):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    step = (field("households", "long", "户数") + '<camunda:formField id="per_household" label="户均金额" type="money">'
            '<camunda:validation><camunda:constraint name="max" config="amount / households" /></camunda:validation>'
            '</camunda:formField>')
    assert upload(admin, item(step_fields=step)).status_code == 201
    matter = matters.start_matter(ctx, SYSTEM, "hostile_item", "lushui_village", "户均", {"amount": 1000})
    task = matter.ready_steps[0].id
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    r = clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": {"households": 0, "per_household": 10}})
    assert r.status_code == 422 and "除数为零" in r.json["errors"]["per_household"], r.json
    assert matters.get_matter(ctx, SYSTEM, matter.id).ready_steps[0].id == task
    assert clerk.post(f"/api/v1/tasks/{task}/complete", json={"data": {"households": 4, "per_household": 250}}).status_code == 200


@pytest.mark.parametrize("value", [1e19, 1e300, 10 ** 16, "#99999999999999999999"])
def test_a_number_past_any_range_is_a_field_error_not_a_server_error(client, ctx, value):
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    fields = field("count", "long", "数量") + ('<camunda:formField id="cited" label="所依据的事项" type="matter">'
                                             '<camunda:properties><camunda:property id="cites" value="hostile_item" />'
                                             '</camunda:properties></camunda:formField>')
    assert upload(admin, item(start_fields=field("amount", "money", "金额") + fields)).status_code == 201
    clerk = client.as_user("clerk", ["VILLAGE_COMMITTEE"])
    for name in ("count", "cited"):
        r = clerk.post("/api/v1/instances", json={"process_key": "hostile_item", "village": "lushui_village",
                                                  "subject": "大数", "data": {"amount": 1, name: value}})
        assert r.status_code == 422 and name in r.json["errors"], (name, r.get_data(as_text=True))
