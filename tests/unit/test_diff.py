"""The Chinese diff between two versions of an item (engine/diff.py), over their parsed ProcessInfo."""
from __future__ import annotations

from pathlib import Path

from engine.definitions import Catalog
from engine.diff import diff_items, item_facts
from engine.registry import load_parameters, load_roles
from engine.services.context import DEFAULT_PROCESSES_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "lint"
BASE = (FIXTURES / "compliant.bpmn").read_bytes()
MAJOR = DEFAULT_PROCESSES_DIR / "county" / "major_decision.bpmn"


def facts(data: bytes) -> dict:
    catalog = Catalog({"county/major_decision.bpmn": MAJOR.read_bytes(), "townships/t/lint_item.bpmn": data},
                      role_codes=set(load_roles(DEFAULT_PROCESSES_DIR)),
                      parameter_names=set(load_parameters(DEFAULT_PROCESSES_DIR)))
    return item_facts(catalog.processes["lint_item"].as_dict(), data)


def texts(old: bytes, new: bytes) -> list[str]:
    return [c["text"] for c in diff_items(facts(old), facts(new))]


def test_the_same_version_has_no_changes():
    assert diff_items(facts(BASE), facts(BASE)) == []


def test_steps_roles_forms_time_limits_and_separation():
    new = (BASE.replace('name="村委会审核"'.encode(), 'name="村委会初审"'.encode())
           .replace(b'value="P5D"', b'value="P10D"')
           .replace(b'value="start,pay"', b'value="start"')
           .replace(b'<camunda:formField id="review_note" label="' + "审核意见".encode() + b'" type="string" />',
                    b'<camunda:formField id="review_note" label="' + "审核意见".encode() + b'" type="text" />'
                    b'<camunda:formField id="minutes" label="' + "会议记录".encode() + b'" type="file" />'))
    found = texts(BASE, new)
    assert "步骤“村委会初审”的名称：村委会审核 → 村委会初审" in found
    assert "步骤“村委会初审”的时限：P5D → P10D" in found
    assert "步骤“村务监督委员会核查”的职责分离：start、pay → start" in found
    assert "步骤“村委会初审”的表单新增字段“会议记录”（minutes）" in found
    assert "步骤“村委会初审”的表单字段“审核意见”的类型：string → text" in found


def test_flows_conditions_publicity_and_added_or_removed_steps():
    new = (BASE.replace(b"amount &gt;= expense_decision_threshold", b"amount &gt; expense_decision_threshold")
           .replace(b"days(resolution_publicity_days)", b"days(resolution_publicity_days + 2)")
           .replace(b'<bpmn:sequenceFlow id="f_checked" sourceRef="sc_check" targetRef="end_done" />',
                    b'<bpmn:sequenceFlow id="f_checked" sourceRef="sc_check" targetRef="archive" />'
                    b'<bpmn:userTask id="archive" name="' + "归档".encode() + b'"><bpmn:extensionElements><spiffworkflow:properties>'
                    b'<spiffworkflow:property name="deadline" value="P3D" /></spiffworkflow:properties></bpmn:extensionElements>'
                    b'</bpmn:userTask><bpmn:sequenceFlow id="f_archived" sourceRef="archive" targetRef="end_done" />')
           .replace(b"<bpmn:flowNodeRef>end_done</bpmn:flowNodeRef>",
                    b"<bpmn:flowNodeRef>end_done</bpmn:flowNodeRef><bpmn:flowNodeRef>archive</bpmn:flowNodeRef>"))
    found = texts(BASE, new)
    assert "顺序流 “金额”→“四议两公开” 的条件：amount >= expense_decision_threshold → " \
           "amount > expense_decision_threshold" in found, found
    assert "定时器“支付公示”的时长：days(resolution_publicity_days) → days(resolution_publicity_days + 2)" in found
    assert "新增步骤“归档”（角色 VILLAGE_COMMITTEE，时限 P3D）" in found
    assert "顺序流 f_checked 改为 “村务监督委员会核查”→“归档”（原为 “村务监督委员会核查”→“支付完成”）" in found
    assert "删除步骤“归档”" in texts(new, BASE)
    kinds = {c["kind"] for c in diff_items(facts(BASE), facts(new))}
    assert kinds == {"added", "changed"}


def test_item_metadata_and_roles():
    new = BASE.replace("《青山镇村级财务管理办法》".encode(), "《青山镇村级财务管理办法（2027年修订）》".encode())
    assert texts(BASE, new) == ["事项政策依据：《青山镇村级财务管理办法》 → 《青山镇村级财务管理办法（2027年修订）》"]
