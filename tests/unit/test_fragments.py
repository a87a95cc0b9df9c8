"""One publicity fragment (issue 13, deliverable 5): every publicity period with objections in the
power list is a marked block generated from one template (bpmn_fragments/publicity.py), so a
correction is made once. A hand edit of one copy fails here; so does an objection intake written
outside a marked block."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

import bpmn_fragments
from api.cli import cli
from bpmn_fragments import FragmentError, fields, regenerate
from engine.definitions import Catalog
from engine.registry import load_parameters, load_roles

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
SHIPPED = sorted(PROCESSES.rglob("*.bpmn"))
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"


def intake_steps(data: bytes) -> list[str]:
    """The ids of the objection-intake steps of a file, read with plain lxml."""
    root = etree.fromstring(data)
    return [task.get("id") for task in root.iter(f"{{{BPMN}}}userTask")
            if any(p.get("name") == "objection_intake" and p.get("value") == "true" for p in task.iter(f"{{{SPIFF}}}property"))]


def shipped_intakes() -> int:
    return sum(len(intake_steps(path.read_bytes())) for path in SHIPPED)


def load(files: dict[str, bytes]) -> Catalog:
    return Catalog(files, role_codes=set(load_roles(PROCESSES)), parameter_names=set(load_parameters(PROCESSES)))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_objection_intake_is_inside_a_marked_fragment(path):
    marked = [o.label for o in regenerate(path.read_text(encoding="utf-8"), path.name).occurrences if o.kind == "publicity"]
    assert sorted(marked) == sorted(intake_steps(path.read_bytes()))


def test_the_shipped_copies_are_what_the_template_writes(monkeypatch):
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        result = regenerate(text, path.name)
        assert not result.differs() and result.text == text, path.name
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")   # never used
    checked = CliRunner().invoke(cli, ["processes", "fragments", "--check", *map(str, SHIPPED)])
    assert checked.exit_code == 0, checked.output
    assert f"publicity {shipped_intakes()}）：0 个文件与模板不符" in checked.output
    assert shipped_intakes() >= 48


def test_a_hand_edit_of_one_copy_fails_the_check_and_is_undone(tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    shipped = PROCESSES / "county" / "temp_hiring.bpmn"
    edited = tmp_path / "temp_hiring.bpmn"
    original = shipped.read_text(encoding="utf-8")
    # one copy's verification loses its time limit and its gateway moves to another lane
    text = original.replace('<bpmn:userTask id="reverify_result" name="拟聘人员异议核实">\n'
                            '      <bpmn:extensionElements>\n'
                            '        <spiffworkflow:properties><spiffworkflow:property name="deadline" '
                            'value="days(objection_verify_days)" />', '<bpmn:userTask id="reverify_result" '
                            'name="拟聘人员异议核实">\n      <bpmn:extensionElements>\n        <spiffworkflow:properties>', 1)
    text = text.replace("        <bpmn:flowNodeRef>gw_result_objection</bpmn:flowNodeRef>\n", "", 1)
    assert text.count("days(objection_verify_days)") == original.count("days(objection_verify_days)") - 1
    edited.write_text(text.replace("<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>",
                                   "<bpmn:flowNodeRef>archive</bpmn:flowNodeRef>\n        "
                                   "<bpmn:flowNodeRef>gw_result_objection</bpmn:flowNodeRef>", 1), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["processes", "fragments", "--check", str(edited), str(shipped)])
    assert checked.exit_code == 1
    assert "temp_hiring.bpmn: 与模板不符" in checked.output and "result_objection" in checked.output
    assert "gw_result_objection → TWO_COMMITTEES" in checked.output and "post_objection" not in checked.output
    assert edited.read_text(encoding="utf-8") != original                      # --check writes nothing
    written = runner.invoke(cli, ["processes", "fragments", str(edited)])
    assert written.exit_code == 0 and "1 changed" in written.output, written.output
    assert edited.read_text(encoding="utf-8") == original                      # diagram included


def test_changing_the_template_changes_every_copy(tmp_path, monkeypatch):
    """A shared field definition changed once reaches every copy, and every file still loads."""
    monkeypatch.setattr(fields, "OBJECTOR", fields.OBJECTOR.but(label="异议人姓名（可匿名）"))
    monkeypatch.setattr(fields, "FINDING", fields.FINDING.but(label="核实经过"))
    files, changed = {}, 0
    for path in SHIPPED:
        original = path.read_text(encoding="utf-8")
        result = regenerate(original, path.name)
        changed += sum(o.changed for o in result.occurrences)
        out = tmp_path / path.relative_to(PROCESSES)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.text, encoding="utf-8")
        files[str(path.relative_to(PROCESSES))] = result.text.encode("utf-8")
    total = shipped_intakes()
    assert changed == total
    assert sum(text.count("异议人姓名（可匿名）".encode()) for text in files.values()) == total
    assert b"\xe5\xbc\x82\xe8\xae\xae\xe4\xba\xba\xef\xbc\x88" not in b"".join(files.values())   # 异议人（ nowhere
    # a finding label a copy chose itself (复查情况, 核实情况（对照承包台账…）) is kept; the default changed
    default_findings = sum(len(re.findall(rb'id="verification_finding" label="\xe6\xa0\xb8\xe5\xae\x9e\xe7\xbb\x8f\xe8\xbf\x87"', t))
                           for t in files.values())
    assert default_findings > 30
    shipped = load({str(p.relative_to(PROCESSES)): p.read_bytes() for p in SHIPPED})
    regenerated = load(files)
    for key in shipped.processes:
        regenerated.bundle(key)
    steps = regenerated.bundle("temp_hiring").info.steps
    assert [f.label for f in steps["post_objection"].form.fields][1] == "异议人姓名（可匿名）"


HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">\n')

ITEM = HEAD + '''  <bpmn:process id="p" name="测试事项" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="category" value="村务管理" /></spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls">
      <bpmn:lane id="VILLAGE_COMMITTEE" name="村民委员会">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>merge_draft</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>publish</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>stopped</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="SUPERVISION_COMMITTEE" name="村务监督委员会"></bpmn:lane>
      <bpmn:lane id="TWO_COMMITTEES" name="村“两委”联席会议">
      </bpmn:lane>
      <bpmn:lane id="PUBLIC_PLATFORM" name="公开平台"><bpmn:flowNodeRef>old_node</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="merge_draft" />
    <bpmn:exclusiveGateway id="merge_draft" />
    <bpmn:sequenceFlow id="f_merge_draft" sourceRef="merge_draft" targetRef="publish" />
    <bpmn:userTask id="publish" name="公示" />
    <bpmn:sequenceFlow id="f_publish" sourceRef="publish" targetRef="merge_plan_publicity" />
    <!-- fragment:publicity stem="plan" days="objection_verify_days" verifier="TWO_COMMITTEES"
         intake_name="方案公示期异议受理" period_name="方案公示" on_period_over="done"
         verify_name="方案异议核实" %s -->
    <bpmn:exclusiveGateway id="old_node" />
    <!-- /fragment:publicity -->
    <bpmn:endEvent id="done" name="完成" />
    <bpmn:endEvent id="stopped" name="终止" />
  </bpmn:process>
</bpmn:definitions>
'''


def made(declaration: str) -> str:
    return regenerate(ITEM % declaration, "p.bpmn").text


def test_a_declaration_makes_a_fragment_that_loads_in_its_lanes():
    text = made('on_upheld="stopped" upheld_label="异议成立，终止" separate_from="start"')
    info = load({"p.bpmn": text.encode()}).bundle("p").info
    assert info.steps["plan_objection"].role == "SUPERVISION_COMMITTEE" and info.steps["plan_objection"].objection_intake
    assert info.steps["reverify_plan"].role == "TWO_COMMITTEES"
    assert info.steps["reverify_plan"].separate_from == ("start",)
    assert [f.name for f in info.steps["reverify_plan"].form.fields] == ["verification_finding", "objection_upheld"]
    assert "old_node" not in text                                      # its lane reference went with it
    assert '<bpmn:lane id="SUPERVISION_COMMITTEE" name="村务监督委员会"><bpmn:flowNodeRef>plan_objection</bpmn:flowNodeRef>' \
           '<bpmn:flowNodeRef>plan_publicity</bpmn:flowNodeRef></bpmn:lane>' in text
    assert ('        <bpmn:flowNodeRef>reverify_plan</bpmn:flowNodeRef>\n        <bpmn:flowNodeRef>gw_plan_objection'
            '</bpmn:flowNodeRef>\n      </bpmn:lane>') in text
    assert regenerate(text, "p.bpmn").text == text and not regenerate(text, "p.bpmn").differs()


def test_the_conclusion_verdict_and_several_upheld_branches():
    text = made('verdict="conclusion" conclusion_options="upheld_redo:异议成立，重做; upheld_stop:异议成立，终止" '
                'on_upheld="stopped" upheld_label="异议成立"')
    info = load({"p.bpmn": text.encode()}).bundle("p").info
    verdict = info.steps["reverify_plan"].form.fields[-1]
    assert verdict.name == "objection_conclusion" and [o[0] for o in verdict.options] == ["dismissed", "upheld_redo", "upheld_stop"]
    assert "<bpmn:conditionExpression>objection_conclusion != 'dismissed'</bpmn:conditionExpression>" in text
    text = made('on_upheld.redo="merge_draft" upheld_label.redo="异议成立，重做" upheld_when.redo="objection_verify_days < 3 or objection_verify_days > 9" '
                'on_upheld.stop="stopped" upheld_label.stop="异议成立，终止" upheld_when.stop="True"')
    assert 'id="f_plan_upheld_redo"' in text and 'id="f_plan_upheld_stop"' in text
    # a comment holds `<` as it is; the condition is escaped, and bracketed for its `or`
    assert "objection_upheld and (objection_verify_days &lt; 3 or objection_verify_days &gt; 9)" in text
    assert "objection_upheld and True" in text
    load({"p.bpmn": text.encode()}).bundle("p")


@pytest.mark.parametrize("declaration, problem", [
    ('on_upheld="merge_draft"', "缺少参数 upheld_label"),
    ('on_upheld="merge_draft" upheld_label="x" upheld_lable="y"', "没有参数 upheld_lable"),
    ('on_upheld="merge draft" upheld_label="x"', '参数 on_upheld="merge draft" 不是合法的标识'),
    ('on_upheld="merge_draft" upheld_label="x" verdict="maybe"', "verdict=\"maybe\" 应为 boolean、conclusion 之一"),
    ('on_upheld="merge_draft" upheld_label="x" record_field="minutes"', "record_field 和 record_label 须同时给出"),
    ('on_upheld="merge_draft" upheld_label="x" on_upheld.b="done" upheld_label.b="y" upheld_when.b="z"',
     "on_upheld 与 on_upheld.X 只能用一种"),
    ('on_upheld="merge_draft" upheld_label=x', "声明无法读取"),
    ('on_upheld="merge_draft" upheld_label="x" upheld_label="y"', "参数 upheld_label 写了两次"),
])
def test_a_declaration_that_cannot_be_used_names_the_parameter(declaration, problem):
    with pytest.raises(FragmentError) as info:
        made(declaration)
    assert info.value.source == "p.bpmn" and info.value.line == 24 and problem in info.value.problem


@pytest.mark.parametrize("edit, problem, line", [
    (lambda t: t.replace("    <!-- /fragment:publicity -->\n", ""), "没有结束标记", 24),
    (lambda t: t.replace("/fragment:publicity", "/fragment:publicty"), "未知的片段 fragment:publicty", 28),
    (lambda t: t.replace("    <!-- /fragment:publicity -->\n", "    <x/><!-- /fragment:publicity -->\n"), "须独占一行", 28),
    (lambda t: t.replace('id="TWO_COMMITTEES"', 'id="TWO_COMMITTEE"'), "流程没有泳道 TWO_COMMITTEES", None),
])
def test_a_marker_that_cannot_be_used_is_named(edit, problem, line):
    text = edit(ITEM % 'on_upheld="merge_draft" upheld_label="x"')
    with pytest.raises(FragmentError) as info:
        regenerate(text, "p.bpmn")
    assert problem in info.value.problem and (line is None or info.value.line == line)


def test_windows_line_ends_are_kept():
    text = (ITEM % 'on_upheld="merge_draft" upheld_label="x"').replace("\n", "\r\n")
    out = regenerate(text, "p.bpmn").text
    assert out.count("\n") == out.count("\r\n") and regenerate(out, "p.bpmn").text == out


def test_the_template_is_the_only_copy_of_the_shared_fields():
    """The fragment's forms come from the shared definitions (bpmn_fragments/fields.py)."""
    source = (ROOT / "bpmn_fragments" / "publicity.py").read_text(encoding="utf-8")
    assert "异议人（可匿名）" not in source and "异议人（可匿名）" in (ROOT / "bpmn_fragments" / "fields.py").read_text(encoding="utf-8")
    assert set(bpmn_fragments.TEMPLATES) == {"publicity", "field"}
