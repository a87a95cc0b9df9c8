"""Definitions are checked fully when they are loaded (issue 9, item 4): every shipped item still
loads, and each bad item below is refused at upload with its file, its element and the problem in
Chinese, and nothing is stored."""
from __future__ import annotations

import re

import pytest

from engine.definitions import Catalog
from engine.registry import load_parameters, load_roles
from engine.services import Actor, audit
from engine.services.context import DEFAULT_PROCESSES_DIR
from tests.hostile.items import NS, field, item, upload

CJK = re.compile(r"[\u4e00-\u9fff]")
FILE = "townships/qingshan_town/hostile_item.bpmn"
TIMER = '<bpmn:boundaryEvent id="period" name="公示" attachedToRef="review" cancelActivity="true">' \
        '<bpmn:timerEventDefinition><bpmn:timeDuration>{}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>' \
        '<bpmn:sequenceFlow id="f_period" sourceRef="period" targetRef="small" />'
OBJECTION = '<spiffworkflow:properties><spiffworkflow:property name="objection_intake" value="true" /></spiffworkflow:properties>'


def _chain(n: int) -> bytes:
    """发起 -> n steps in a row -> 完成: the shape that made SpiffWorkflow's parser recurse."""
    steps = "".join(f'<bpmn:userTask id="t{i}" name="第{i}步" /><bpmn:sequenceFlow id="c{i}" sourceRef="t{i}" '
                    f'targetRef="{"t" + str(i + 1) if i + 1 < n else "end"}" />' for i in range(n))
    refs = "".join(f"<bpmn:flowNodeRef>t{i}</bpmn:flowNodeRef>" for i in range(n))
    return f'''<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions {NS} id="d"><bpmn:process id="hostile_item" name="长链"
 isExecutable="true"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="category"
 value="村务管理" /></spiffworkflow:properties></bpmn:extensionElements><bpmn:laneSet id="ls"><bpmn:lane
 id="VILLAGE_COMMITTEE" name="村委"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>{refs}<bpmn:flowNodeRef>end</bpmn:flowNodeRef>
 </bpmn:lane></bpmn:laneSet><bpmn:startEvent id="start" /><bpmn:sequenceFlow id="cs" sourceRef="start" targetRef="t0" />
 {steps}<bpmn:endEvent id="end" name="完成" /></bpmn:process></bpmn:definitions>'''.encode()


def _replace(data: bytes, old: str, new: str) -> bytes:
    assert old.encode() in data, old
    return data.replace(old.encode(), new.encode(), 1)


BAD = {
    "flow typo": (_replace(item(), 'targetRef="decide"', 'targetRef="decde"'), "f2", "不是本流程中的元素"),
    "timer of ten years": (item(extra=TIMER.format("P10Y"), step_props=OBJECTION), "period", "超过五年"),
    "timer built from text": (item(extra=TIMER.format("'P' + str(amount) + 'D'"), step_props=OBJECTION), "period", "ISO 时长"),
    "timer without a duration": (item(extra=TIMER.replace("<bpmn:timeDuration>{}</bpmn:timeDuration>", ""),
                                      step_props=OBJECTION), "period", "timeDuration"),
    "deadline of 9999 days": (item(step_props='<spiffworkflow:properties><spiffworkflow:property name="deadline" '
                                              'value="P9999D" /></spiffworkflow:properties>'), "review", "超过五年"),
    "a chain of 300 steps": (_chain(300), "hostile_item", "过多"),
    "objection intake without its publicity timer": (item(step_props=OBJECTION), "review", "定时边界事件"),
    "an unreachable step": (item(extra='<bpmn:userTask id="orphan" name="孤立步骤" /><bpmn:sequenceFlow id="fo" '
                                       'sourceRef="orphan" targetRef="small" />'), "orphan", "走不到"),
    "a step without a name": (item(step_name=""), "review", "没有名称"),
    "a step repeated as often as the clerk says": (
        _replace(item(), '<bpmn:userTask id="review" name="审核">',
                 '<bpmn:userTask id="review" name="审核"><bpmn:multiInstanceLoopCharacteristics>'
                 '<bpmn:loopCardinality>amount</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>'),
        "review", "多实例的次数"),
    "a loop of gateways alone": (
        _replace(item(), '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />',
                 '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="spin" /><bpmn:exclusiveGateway id="spin" '
                 'default="f_out" /><bpmn:sequenceFlow id="f_round" sourceRef="spin" targetRef="spin2">'
                 '<bpmn:conditionExpression>amount &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>'
                 '<bpmn:exclusiveGateway id="spin2" default="f_back" /><bpmn:sequenceFlow id="f_back" sourceRef="spin2" '
                 'targetRef="spin" /><bpmn:sequenceFlow id="f_out" sourceRef="spin" targetRef="decide" />'),
        "spin", "无限空转"),
    "a loop that skips its gateway": (
        _replace(_replace(item(), '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />',
                          '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="join" /><bpmn:parallelGateway id="join" />'
                          '<bpmn:sequenceFlow id="f1b" sourceRef="join" targetRef="review" />'),
                 '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />',
                 '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="split" /><bpmn:parallelGateway id="split" />'
                 '<bpmn:sequenceFlow id="f2a" sourceRef="split" targetRef="decide" />'
                 '<bpmn:sequenceFlow id="f2b" sourceRef="split" targetRef="again" />'
                 '<bpmn:userTask id="again" name="重办" /><bpmn:sequenceFlow id="f_again" sourceRef="again" targetRef="join" />'),
        None, "排他网关"),
    "an inclusive gateway": (_replace(item(), '<bpmn:exclusiveGateway id="decide"', '<bpmn:inclusiveGateway id="decide"'),
                             "decide", "不支持"),
    "a branch without a condition": (_replace(item(), "<bpmn:conditionExpression>amount >= 100</bpmn:conditionExpression>", ""),
                                     "f_big", "没有条件"),
    "two start events": (item(extra='<bpmn:startEvent id="start2" /><bpmn:sequenceFlow id="fs2" sourceRef="start2" '
                                    'targetRef="big" />'), "hostile_item", "开始事件"),
    "a message catch event": (item(extra='<bpmn:intermediateCatchEvent id="wait_msg" name="等消息" />'
                                         '<bpmn:sequenceFlow id="fm" sourceRef="wait_msg" targetRef="small" />'), "wait_msg", "定时器"),
    "a step with two exits": (item(extra='<bpmn:sequenceFlow id="f2b" sourceRef="review" targetRef="small" />'),
                              "review", "出口"),
    "a task without an exit": (_replace(item(), '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />', ''),
                               "review", "出口"),
    "a duplicate id": (item(extra='<bpmn:userTask id="review" name="重复" />'), "review", "重复"),
}


@pytest.mark.parametrize("case", sorted(BAD), ids=str)
def test_a_bad_item_is_refused_naming_file_and_element_in_chinese(client, ctx, case):
    data, element, words = BAD[case]
    admin = client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"])
    with ctx.uow() as uow:
        before = len(uow.definitions.list_current())
    r = upload(admin, data)
    assert r.status_code == 422, r.get_data(as_text=True)
    errors = r.json["errors"]
    assert errors["file"] == FILE and CJK.search(errors["problem"]), errors
    if element:
        assert errors["element"] == element, errors
    if words:
        assert words in errors["problem"], errors
    assert "Traceback" not in r.get_data(as_text=True) and "RecursionError" not in errors["problem"]
    with ctx.uow() as uow:
        assert len(uow.definitions.list_current()) == before
    assert audit.verify_chain(ctx, Actor.system()).ok


def test_the_loop_case_names_a_node_of_the_loop(client):
    r = upload(client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"]), BAD["a loop that skips its gateway"][0])
    assert r.status_code == 422 and r.json["errors"]["element"] in ("join", "review", "split", "again")
    assert "排他网关" in r.json["errors"]["problem"]


def test_every_shipped_item_loads_with_every_check():
    processes = DEFAULT_PROCESSES_DIR
    catalog = Catalog.from_directory(processes, role_codes=set(load_roles(processes)),
                                     parameter_names=set(load_parameters(processes)))
    assert len(catalog.processes) >= 25
    for key in catalog.processes:
        assert catalog.bundle(key).spec is not None


def test_a_field_error_names_the_line(client):
    data = _replace(item(), 'targetRef="decide"', 'targetRef="decde"')
    r = upload(client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"]), data)
    line = r.json["errors"]["line"]
    assert isinstance(line, int) and 'id="f2"' in data.decode().splitlines()[line - 1]


def test_a_good_item_still_loads(client):
    assert upload(client.as_user("qingshan_admin", ["TOWNSHIP_ADMIN"]), item(start_fields=field("amount", "money"))).status_code == 201
