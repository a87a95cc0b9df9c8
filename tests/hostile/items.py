"""Small township items written the way a careless (or hostile) administrator might write them:
one start form, one step, one decision, two ends. Tests change one piece at a time."""
from __future__ import annotations

import io

NS = ('xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
      'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
      'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"')


def field(name: str, kind: str = "long", label: str | None = None) -> str:
    return f'<camunda:formField id="{name}" label="{label or name}" type="{kind}" />'


def item(key: str = "hostile_item", start_fields: str = field("amount", "money", "金额"),
         step_fields: str = field("note", "string", "意见"), condition: str = "amount >= 100",
         extra: str = "", step_props: str = "", step_name: str = "审核") -> bytes:
    """A township item: 发起 (start form) -> 审核 (step form) -> decision on `condition` -> 大额 / 小额."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions {NS} id="defs_{key}" targetNamespace="https://xiaowei.example/test">
  <bpmn:process id="{key}" name="测试事项" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties>
      <spiffworkflow:property name="list_code" value="TS-T-01" /><spiffworkflow:property name="category" value="村务管理" />
      <spiffworkflow:property name="policy_basis" value="《青山镇村务管理办法（测试）》" />
    </spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="lanes"><bpmn:lane id="VILLAGE_COMMITTEE" name="村民委员会">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
      <bpmn:flowNodeRef>decide</bpmn:flowNodeRef><bpmn:flowNodeRef>big</bpmn:flowNodeRef><bpmn:flowNodeRef>small</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" name="发起">
      <bpmn:extensionElements><camunda:formData>{start_fields}</camunda:formData></bpmn:extensionElements>
    </bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review" name="{step_name}">
      <bpmn:extensionElements>{step_props}<camunda:formData>{step_fields}</camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="decide" />
    <bpmn:exclusiveGateway id="decide" name="金额" default="f_small" />
    <bpmn:sequenceFlow id="f_big" name="大额" sourceRef="decide" targetRef="big"><bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_small" name="小额" sourceRef="decide" targetRef="small" />
    <bpmn:endEvent id="big" name="大额" />
    <bpmn:endEvent id="small" name="小额" />
    {extra}
  </bpmn:process>
</bpmn:definitions>'''.encode("utf-8")


def upload(client, data: bytes, township: str = "qingshan_town", name: str = "hostile_item.bpmn", publish: bool = True):
    """Upload an item; published at once (`?publish=true`) unless `publish` is False (a draft)."""
    return client.post("/api/v1/processes" + ("?publish=true" if publish else ""),
                       data={"file": (io.BytesIO(data), name), "township": township},
                       content_type="multipart/form-data")
