"""Long loops keep working (issue 9, item 11): the 189th objection used to answer 500 for ever
(RecursionError in SpiffWorkflow's task tree) and each objection cost more than the last. The
engine prunes earlier passes from the tree, so a matter stays the same size however long it loops."""
from __future__ import annotations

from engine.services import Actor, audit, definitions, matters
from tests.hostile.items import field, item
from tests.scenario import Scenario
from tests.unit.test_item_procurement import CONTRACT, accepted, contract, handed_over_and_published, quotes, start, \
    two_committees_decide

SYSTEM = Actor.system()


def _published_purchase() -> Scenario:
    s = start(15000)
    two_committees_decide(s)
    quotes(s, CONTRACT)
    contract(s, CONTRACT)
    accepted(s)
    handed_over_and_published(s, CONTRACT)
    return s


def _object_and_dismiss(s: Scenario) -> None:
    s.wait(0.1)
    s.do("result_objection", {"objection": "成交价偏高", "objector": "村民甲"}, role="SUPERVISION_COMMITTEE")
    s.do("reverify_result", {"verification_finding": "价格与询价记录一致", "objection_upheld": False}, role="TWO_COMMITTEES")


def test_a_thousand_objections_on_one_matter(monkeypatch):
    s = _published_purchase()
    monkeypatch.setattr(Scenario, "_reload", lambda self: None)     # the reload check once every 100 passes below
    sizes = {}
    for n in range(1, 1001):
        _object_and_dismiss(s)
        if n % 100 == 0 or n in (1, 10):
            sizes[n] = (len(s.matter.workflow.tasks), len(s.matter.dump()))
            monkeypatch.undo()
            s._reload()                                              # still reloads to the same matter
            monkeypatch.setattr(Scenario, "_reload", lambda self: None)
    assert s.ready().keys() == {"result_objection"} and s.matter.status == "running"
    tasks_10, size_10 = sizes[10]
    for n, (tasks, size) in sizes.items():
        assert tasks <= tasks_10 and size <= size_10 * 1.05, (n, tasks, size, sizes)
    s.wait(30)
    s.do("archive", {"archive_no": "ZB01-2026-1000"}, role="REPORTING_CLERK")
    assert s.matter.status == "completed" and s.matter.outcome() == "采购完成"


OBJECTION_LOOP = item(
    key="objection_loop", start_fields=field("amount", "money"), step_fields=field("notice", "string", "公示内容"),
    step_name="公示", condition="False",
    extra="""<bpmn:exclusiveGateway id="merge_publicity" />
    <bpmn:userTask id="objection" name="公示期异议受理">
      <bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="objection_intake" value="true" />
      </spiffworkflow:properties><camunda:formData><camunda:formField id="objection" label="异议" type="text" />
      </camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:boundaryEvent id="publicity" name="公示" attachedToRef="objection" cancelActivity="true">
      <bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:userTask id="reverify" name="异议核实">
      <bpmn:extensionElements><camunda:formData><camunda:formField id="upheld" label="异议是否成立" type="boolean" />
      </camunda:formData></bpmn:extensionElements></bpmn:userTask>
    <bpmn:exclusiveGateway id="gw_objection" default="f_republish" />
    <bpmn:sequenceFlow id="f_merge" sourceRef="merge_publicity" targetRef="objection" />
    <bpmn:sequenceFlow id="f_objection" sourceRef="objection" targetRef="reverify" />
    <bpmn:sequenceFlow id="f_reverify" sourceRef="reverify" targetRef="gw_objection" />
    <bpmn:sequenceFlow id="f_upheld" sourceRef="gw_objection" targetRef="big"><bpmn:conditionExpression>upheld</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_republish" sourceRef="gw_objection" targetRef="merge_publicity" />
    <bpmn:sequenceFlow id="f_publicity" sourceRef="publicity" targetRef="small" />""")
OBJECTION_LOOP = OBJECTION_LOOP.replace(b'<bpmn:sequenceFlow id="f_small" name="\xe5\xb0\x8f\xe9\xa2\x9d" sourceRef="decide" targetRef="small" />',
                                        b'<bpmn:sequenceFlow id="f_small" sourceRef="decide" targetRef="merge_publicity" />')
OBJECTION_LOOP = OBJECTION_LOOP.replace(b'<bpmn:flowNodeRef>start</bpmn:flowNodeRef>', b''.join(
    f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>".encode() for n in
    ("start", "merge_publicity", "objection", "publicity", "reverify", "gw_objection")))


def test_two_hundred_objections_through_the_services(ctx):
    """The same through the services and the database: every pass answers, the stored state stays
    flat, the audit chain stays whole."""
    definitions.upload_definition(ctx, SYSTEM, "qingshan_town", "objection_loop.bpmn", OBJECTION_LOOP, publish=True)
    matter = matters.start_matter(ctx, SYSTEM, "objection_loop", "lushui_village", "反复异议", {"amount": 1})
    matter = matters.complete_step(ctx, SYSTEM, matter.ready_steps[0].id, {"notice": "公示"})
    sizes = []
    for n in range(200):
        (step,) = matter.ready_steps
        assert step.step_id == "objection", step
        matter = matters.complete_step(ctx, SYSTEM, step.id, {"objection": f"第{n + 1}次异议"})
        matter = matters.complete_step(ctx, SYSTEM, matter.ready_steps[0].id, {"upheld": False})
        if n in (9, 199):
            with ctx.uow() as uow:
                sizes.append(len(uow.matters.get(matter.id).state))
    assert sizes[1] <= sizes[0] * 1.05, sizes
    assert matters.complete_step(ctx, SYSTEM, matter.ready_steps[0].id, {"objection": "成立"}).status == "running"
    assert audit.verify_chain(ctx, SYSTEM).ok
