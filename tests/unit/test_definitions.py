"""The loader refuses what would be unsafe or broken at run time, naming file, element, problem."""
import pytest

from engine.definitions import Catalog
from engine.errors import DefinitionError
from tests.scenario import catalog

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">')


CATEGORY = ('<bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="category" value="村务管理"/></spiffworkflow:properties></bpmn:extensionElements>')


def bpmn(body: str, lanes: str = '<bpmn:lane id="VILLAGE_COMMITTEE" name="村委会"><bpmn:flowNodeRef>work</bpmn:flowNodeRef></bpmn:lane>',
         pid: str = "p") -> bytes:
    return (f'{HEAD}<bpmn:process id="{pid}" name="测试" isExecutable="true">{CATEGORY}'
            f'<bpmn:laneSet id="ls">{lanes}</bpmn:laneSet>{body}</bpmn:process></bpmn:definitions>').encode()


SIMPLE = ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
          '<bpmn:userTask id="work" name="办理"/><bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>'
          '<bpmn:endEvent id="end" name="完成"/>')


def load(files: dict, **kw) -> Catalog:
    return Catalog(files, role_codes=kw.pop("roles", {"VILLAGE_COMMITTEE"}), parameter_names=kw.pop("params", set()))


def refused(files: dict, **kw) -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load(files, **kw)
    return info.value


def test_a_simple_item_loads():
    bundle = load({"p.bpmn": bpmn(SIMPLE)}).bundle("p")
    assert bundle.info.steps["work"].role == "VILLAGE_COMMITTEE"
    assert bundle.info.end_events == {"end": "完成"}
    assert len(bundle.bundle_sha256) == 64


def test_every_shipped_item_loads_with_registered_roles_and_parameters():
    shipped = catalog()
    assert "major_decision" in shipped.processes
    for key in shipped.processes:
        shipped.bundle(key)   # specs and called processes resolve


def test_malformed_xml():
    error = refused({"bad.bpmn": b"<bpmn:definitions"})
    assert error.file == "bad.bpmn" and "XML" in error.problem


def test_doctype_and_entities_are_refused():
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    assert "DOCTYPE" in refused({"x.bpmn": xxe}).problem


def test_size_limit():
    assert "过大" in refused({"big.bpmn": b" " * (3 * 1024 * 1024)}).problem


def test_not_bpmn():
    assert "<definitions>" in refused({"x.bpmn": b"<html/>"}).problem


@pytest.mark.parametrize("task", [
    '<bpmn:scriptTask id="s" name="脚本"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>',
    '<bpmn:serviceTask id="s" name="服务"/>',
    '<bpmn:businessRuleTask id="s" name="规则"/>',
])
def test_code_running_tasks_are_refused(task):
    body = SIMPLE.replace('<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/>',
                          f'<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="s"/>{task}'
                          '<bpmn:sequenceFlow id="f3" sourceRef="s" targetRef="end"/>')
    error = refused({"p.bpmn": bpmn(body)})
    assert error.element == "s" and "不允许" in error.problem


def test_pre_script_is_refused():
    body = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>',
                          '<bpmn:userTask id="work" name="办理"><bpmn:extensionElements>'
                          '<spiffworkflow:preScript>x = 1</spiffworkflow:preScript></bpmn:extensionElements></bpmn:userTask>')
    assert refused({"p.bpmn": bpmn(body)}).element == "work"


def gateway(condition: str) -> str:
    return ('<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
            '<bpmn:userTask id="work" name="办理"/><bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw"/>'
            '<bpmn:exclusiveGateway id="gw" default="f4"/>'
            f'<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"><bpmn:conditionExpression>{condition}</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end2"/>'
            '<bpmn:endEvent id="end"/><bpmn:endEvent id="end2"/>')


def test_unsafe_condition_is_refused_at_load_time():
    error = refused({"p.bpmn": bpmn(gateway("__import__('os').system('id') == 0"))})
    assert error.element == "f3" and "不允许" in error.problem      # the flow that holds the condition


def test_condition_reading_an_unknown_name_is_refused():
    error = refused({"p.bpmn": bpmn(gateway("amount &gt; limit"))}, params={"limit"})
    assert "amount" in error.problem


def test_condition_over_parameters_and_fields_loads():
    body = gateway("amount &gt; limit").replace(
        '<bpmn:userTask id="work" name="办理"/>',
        '<bpmn:userTask id="work" name="办理"><bpmn:extensionElements><camunda:formData>'
        '<camunda:formField id="amount" label="金额" type="money"/></camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    assert load({"p.bpmn": bpmn(body)}, params={"limit"}).bundle("p").info.reads == {"amount", "limit"}


def test_step_outside_any_lane_is_refused():
    error = refused({"p.bpmn": bpmn(SIMPLE, lanes='<bpmn:lane id="VILLAGE_COMMITTEE" name="x"/>')})
    assert error.element == "work" and "泳道" in error.problem


def test_lane_that_is_not_a_role_is_refused():
    error = refused({"p.bpmn": bpmn(SIMPLE)}, roles={"PARTY_BRANCH"})
    assert error.element == "VILLAGE_COMMITTEE" and "角色" in error.problem


def test_missing_call_activity_target_is_refused():
    body = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>',
                          '<bpmn:callActivity id="work" name="子流程" calledElement="nowhere"/>')
    error = refused({"p.bpmn": bpmn(body)})
    assert "nowhere" in error.problem


def test_duplicate_process_ids_across_files_are_refused():
    error = refused({"a.bpmn": bpmn(SIMPLE), "b.bpmn": bpmn(SIMPLE)})
    assert "重复" in error.problem or "Duplicate" in error.problem


def test_bad_form_field_is_refused_with_the_step():
    body = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>',
                          '<bpmn:userTask id="work" name="办理"><bpmn:extensionElements><camunda:formData>'
                          '<camunda:formField id="x" type="colour"/></camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    error = refused({"p.bpmn": bpmn(body)})
    assert error.element == "work" and "colour" in error.problem


def test_category_must_be_one_of_the_lists():
    error = refused({"p.bpmn": bpmn(SIMPLE).replace("村务管理".encode(), "杂项".encode())})
    assert error.element == "p" and "杂项" in error.problem


def test_bundle_hash_changes_when_a_called_process_changes():
    caller = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>',
                            '<bpmn:callActivity id="work" name="子流程" calledElement="sub"/>')
    sub_v1 = bpmn(SIMPLE.replace('id="work"', 'id="work"'), pid="sub")
    sub_v2 = bpmn(SIMPLE.replace('name="办理"', 'name="办理（新）"'), pid="sub")
    h1 = load({"a.bpmn": bpmn(caller), "s.bpmn": sub_v1}).bundle("p")
    h2 = load({"a.bpmn": bpmn(caller), "s.bpmn": sub_v2}).bundle("p")
    assert h1.info.sha256 == h2.info.sha256 and h1.bundle_sha256 != h2.bundle_sha256
    assert set(h1.processes) == {"p", "sub"}


def test_a_form_option_may_share_its_id_with_a_step():
    body = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>',
                          '<bpmn:userTask id="work" name="办理"><bpmn:extensionElements><camunda:formData>'
                          '<camunda:formField id="decision" label="意见" type="enum"><camunda:value id="work" name="同意"/>'
                          '</camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    bundle = load({"p.bpmn": bpmn(body)}).bundle("p")
    assert bundle.info.steps["work"].form.fields[0].options == (("work", "同意"),)


def test_form_limits_are_read_names_and_an_unknown_one_is_refused():
    field = ('<bpmn:userTask id="work" name="办理"><bpmn:extensionElements><camunda:formData>'
             '<camunda:formField id="amount" label="金额" type="money"><camunda:validation>'
             '<camunda:constraint name="max" config="{limit}"/><camunda:constraint name="min" config="0"/>'
             '</camunda:validation></camunda:formField></camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    body = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>', field.format(limit="amount_cap"))
    assert load({"p.bpmn": bpmn(body)}, params={"amount_cap"}).bundle("p").info.reads == {"amount_cap"}
    misspelt = SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>', field.format(limit="amount_cpa"))
    assert "amount_cpa" in refused({"p.bpmn": bpmn(misspelt)}, params={"amount_cap"}).problem


def _split_item(field_type: str, names: str = "total") -> bytes:
    work = ('<bpmn:userTask id="work" name="台账核查"><bpmn:extensionElements><spiffworkflow:properties>'
            f'<spiffworkflow:property name="split_total" value="{names}"/></spiffworkflow:properties>'
            f'<camunda:formData><camunda:formField id="total" label="合计" type="{field_type}"/></camunda:formData>'
            '</bpmn:extensionElements></bpmn:userTask>')
    return bpmn(SIMPLE.replace('<bpmn:userTask id="work" name="办理"/>', work))


def test_split_total_names_a_money_field_of_its_own_step():
    assert load({"p.bpmn": _split_item("money")}).bundle("p").info.steps["work"].split_total == "total"
    for item in (_split_item("long"), _split_item("money", names="elsewhere")):
        err = refused({"p.bpmn": item})
        assert err.element == "work" and "split_total" in str(err)
