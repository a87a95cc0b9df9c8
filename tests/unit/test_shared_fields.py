"""Shared form fields (issue 13, deliverable 5): a field that several items ask for is defined once
(bpmn_fragments/fields.py, CATALOGUE) and every copy of it in the power list is a marked block
`<!-- fragment:field name="..." -->` generated from that definition. A copy written by hand, or
edited by hand, fails here; a changed definition reaches every copy."""
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from api.cli import cli
from bpmn_fragments import CATALOGUE, FragmentError, fields, regenerate
from engine.definitions import Catalog
from engine.registry import load_parameters, load_roles
from tests.unit.test_fragments import HEAD      # the same minimal definitions header

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = ROOT / "processes"
SHIPPED = sorted(PROCESSES.rglob("*.bpmn"))
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
BLOCK = re.compile(r"<!-- fragment:(\w+).*?<!-- /fragment:\1 -->", re.S)
FIELD_MARKER = re.compile(r'<!-- fragment:field name="(\w+)"(?: id="(\w+)")?')


def marked_lines(text: str) -> list[tuple[int, int]]:
    """The first and last line of every marked block of a file, read with a plain regex."""
    return [(text.count("\n", 0, m.start()) + 1, text.count("\n", 0, m.end()) + 1) for m in BLOCK.finditer(text)]


def form_fields(text: str):
    return list(etree.fromstring(text.encode("utf-8")).iter(f"{{{CAMUNDA}}}formField"))


def shared_ids() -> dict[str, str]:
    """Every id a shared field has in the shipped files (its definition's, and those its uses
    declare), with the definition's name."""
    ids = {name: name for name in CATALOGUE}
    for path in SHIPPED:
        for name, own in FIELD_MARKER.findall(path.read_text(encoding="utf-8")):
            if own:
                ids[own] = name
    return ids


def field_uses() -> Counter:
    """How many times each definition is used in the shipped files."""
    return Counter(name for path in SHIPPED for name, _ in FIELD_MARKER.findall(path.read_text(encoding="utf-8")))


def load(files: dict[str, bytes]) -> Catalog:
    return Catalog(files, role_codes=set(load_roles(PROCESSES)), parameter_names=set(load_parameters(PROCESSES)))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_copy_of_a_shared_field_is_inside_a_marked_block(path):
    """A field with the id of a shared field (archive_no, or result_published_on, which a use of
    published_on declares) written outside a marked block is a copy by hand."""
    text = path.read_text(encoding="utf-8")
    ids, blocks = shared_ids(), marked_lines(text)
    by_hand = [f'{field.get("id")}（第 {field.sourceline} 行，共用字段 {ids[field.get("id")]}）'
               for field in form_fields(text)
               if field.get("id") in ids and not any(first <= field.sourceline <= last for first, last in blocks)]
    assert not by_hand, f"{path.name}: 手写的共用字段：{'、'.join(by_hand)}"


def test_the_shipped_copies_are_what_the_definitions_write(monkeypatch):
    uses = field_uses()
    assert sum(uses.values()) >= 380 and uses["archive_no"] == 25 and uses["tc_attendees"] == 8
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        result = regenerate(text, path.name)
        assert result.text == text and not any(o.changed for o in result.occurrences), path.name
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")   # never used
    checked = CliRunner().invoke(cli, ["processes", "fragments", "--check", *map(str, SHIPPED)])
    assert checked.exit_code == 0, checked.output
    assert f"field {sum(uses.values())}、" in checked.output and "：0 个文件与模板不符" in checked.output


def test_every_definition_is_used_and_sound():
    """No definition lies unused (it would be a copy nobody marked); each writes a field the
    engine reads as defined."""
    uses = field_uses()
    assert [name for name in CATALOGUE if not uses[name]] == []
    for name, definition in CATALOGUE.items():
        assert definition.id == name
        assert (definition.type == "enum") == bool(definition.options), name
    item = ITEM.replace("%s", "\n".join(f'<!-- fragment:field name="{name}" -->\n<!-- /fragment:field -->' for name in CATALOGUE))
    form = load({"p.bpmn": regenerate(item, "p.bpmn").text.encode()}).bundle("p").info.steps["archive"].form
    for read, definition in zip(form.fields[2:], CATALOGUE.values(), strict=True):     # after period_end, ballots_cast
        bounds = {k: v for k, v in (("min", read.min), ("max", read.max), ("minlength", read.minlength),
                                    ("maxlength", read.maxlength)) if v is not None}
        assert (read.name, read.label, read.type, read.required, tuple(read.options)) == \
               (definition.id, definition.label, definition.type, definition.required, definition.options)
        assert {k: str(v) for k, v in bounds.items()} == dict(definition.bounds), definition.id


def test_a_changed_definition_changes_every_copy(tmp_path, monkeypatch):
    """A label changed once reaches every copy that does not declare its own; a constraint reaches
    every copy, whatever its id and label. Every item still loads."""
    monkeypatch.setitem(CATALOGUE, "archive_no", CATALOGUE["archive_no"].but(label="档案号").bound("maxlength", "40"))
    monkeypatch.setitem(CATALOGUE, "notice_photo", CATALOGUE["notice_photo"].but(required=False))
    files, changed = {}, Counter()
    for path in SHIPPED:
        result = regenerate(path.read_text(encoding="utf-8"), path.name)
        changed.update(o.label for o in result.occurrences if o.changed)
        files[str(path.relative_to(PROCESSES))] = result.text.encode("utf-8")
    uses = field_uses()
    photo_ids = {own for path in SHIPPED
                 for name, own in FIELD_MARKER.findall(path.read_text(encoding="utf-8")) if name == "notice_photo"}
    assert changed["archive_no"] == uses["archive_no"] == 25
    assert sum(changed[i] for i in photo_ids | {"notice_photo"}) == uses["notice_photo"] >= 30
    assert sum(changed.values()) == uses["archive_no"] + uses["notice_photo"]
    catalog = load(files)
    for key in catalog.processes:
        catalog.bundle(key)
    archive = {f.name: f for f in catalog.bundle("annual_plan").info.steps["archive"].form.fields}["archive_no"]
    assert (archive.label, archive.maxlength, archive.required) == ("档案号", 40, True)
    publish = {f.name: f for f in catalog.bundle("temp_hiring").info.steps["publish_result"].form.fields}
    assert publish["result_photos"].label == "公开栏照片及平台截图" and not publish["result_photos"].required


ITEM = HEAD + '''  <bpmn:process id="p" name="测试事项" isExecutable="true">
    <bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="category" value="村务管理" /></spiffworkflow:properties></bpmn:extensionElements>
    <bpmn:laneSet id="ls">
      <bpmn:lane id="VILLAGE_COMMITTEE" name="村民委员会">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>archive</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>done</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="archive" />
    <bpmn:userTask id="archive" name="归档">
      <bpmn:extensionElements>
        <camunda:formData>
          <camunda:formField id="period_end" label="截止日期" type="date" />
          <camunda:formField id="ballots_cast" label="投票人数" type="long" />
%s
        </camunda:formData>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="f_archive" sourceRef="archive" targetRef="done" />
    <bpmn:endEvent id="done" name="完成" />
  </bpmn:process>
</bpmn:definitions>
'''

USES = '''          <!-- fragment:field name="archive_no" -->
          <!-- /fragment:field -->
          <!-- fragment:field name="published_on" id="result_published_on" label="公开日期" min="period_end" -->
          <!-- /fragment:field -->
          <!-- fragment:field name="panel_for" id="votes_for" max="ballots_cast" -->
          <!-- /fragment:field -->
          <!-- fragment:field name="notice_review" option.approve="与决议一致，同意公开" -->
          <!-- /fragment:field -->'''


def test_a_use_declares_where_it_differs_and_keeps_the_rest():
    text = regenerate(ITEM % USES, "p.bpmn").text
    assert ('          <!-- fragment:field name="archive_no" -->\n'
            '          <camunda:formField id="archive_no" label="档案编号" type="string">\n'
            '            <camunda:validation><camunda:constraint name="required" /></camunda:validation>\n'
            '          </camunda:formField>\n'
            '          <!-- /fragment:field -->\n') in text
    form = {f.name: f for f in load({"p.bpmn": text.encode()}).bundle("p").info.steps["archive"].form.fields}
    published = form["result_published_on"]
    assert (published.label, published.type, published.required, published.min) == ("公开日期", "date", True, "period_end")
    votes = form["votes_for"]
    assert (votes.label, votes.min, votes.max) == ("同意票数", "0", "ballots_cast")            # max: this item's own
    assert form["notice_review"].options == (("approve", "与决议一致，同意公开"), ("return", "退回修改"))
    again = regenerate(text, "p.bpmn")
    assert again.text == text and not again.differs()
    assert [o.kind for o in again.occurrences] == ["field"] * 4
    assert [o.label for o in again.occurrences] == ["archive_no", "result_published_on", "votes_for", "notice_review"]


def test_a_hand_edit_of_one_copy_fails_the_check_and_is_undone(tmp_path, monkeypatch):
    monkeypatch.setenv("XIAOWEI_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    shipped = PROCESSES / "county" / "procurement.bpmn"
    original = shipped.read_text(encoding="utf-8")
    copy = ('<camunda:formField id="tc_attendees" label="到会人数" type="long">\n'
            '            <camunda:validation><camunda:constraint name="required" /><camunda:constraint name="min" config="0" />'
            '<camunda:constraint name="max" config="tc_members" /></camunda:validation>')
    assert original.count(copy) == 1
    edited = tmp_path / "procurement.bpmn"
    edited.write_text(original.replace(copy, copy.replace(' config="tc_members"', ' config="99"')), encoding="utf-8")
    runner = CliRunner()
    checked = runner.invoke(cli, ["processes", "fragments", "--check", str(edited)])
    assert checked.exit_code == 1 and "procurement.bpmn: 与模板不符：tc_attendees（第" in checked.output, checked.output
    written = runner.invoke(cli, ["processes", "fragments", str(edited)])
    assert written.exit_code == 0 and "1 changed" in written.output, written.output
    assert edited.read_text(encoding="utf-8") == original


def refused(uses: str) -> FragmentError:
    with pytest.raises(FragmentError) as info:
        regenerate(ITEM % uses, "p.bpmn")
    return info.value


LINE = 19     # the line of the first use in ITEM


@pytest.mark.parametrize("marker, problem", [
    ('name="archive_number"', "没有名为 archive_number 的共用字段"),
    ('id="archive_no"', "缺少参数 name"),
    ('name="archive_no" lable="档案号"', "fragment:field 没有参数 lable"),
    ('name="archive_no" label=""', "参数 label 为空"),
    ('name="archive_no" id="archive no"', '参数 id="archive no" 不是合法的标识'),
    ('name="archive_no" min="1"', "共用字段 archive_no 的类型是 string，不能有 min"),
    ('name="notice_review" option.maybe="也许"', "共用字段 notice_review 没有选项 maybe（它的选项：approve、return）"),
    ('name="archive_no" name="archive_files"', "参数 name 写了两次"),
])
def test_a_declaration_that_cannot_be_used_is_named(marker, problem):
    error = refused(f"          <!-- fragment:field {marker} -->\n          <!-- /fragment:field -->")
    assert (error.source, error.line) == ("p.bpmn", LINE) and problem in error.problem, str(error)
    assert str(error).startswith(f"p.bpmn 第 {LINE} 行：")


@pytest.mark.parametrize("edit, problem, line", [
    # outside the form: the engine would never read it
    (lambda t: t.replace('        <camunda:formData>\n', '        <!-- fragment:field name="archive_no" -->\n'
                         '        <!-- /fragment:field -->\n        <camunda:formData>\n'), "须写在 <camunda:formData> 之内", 16),
    (lambda t: t.replace("          <!-- /fragment:field -->\n", "", 1), "没有结束标记", LINE),
    (lambda t: t.replace("<!-- /fragment:field -->", "<!-- /fragment:publicity -->", 1), "结束标记 /fragment:publicity 没有对应的开始标记", LINE + 1),
    (lambda t: t.replace('          <!-- /fragment:field -->\n', '          <!-- fragment:field name="archive_files" -->\n'
                         '          <!-- /fragment:field -->\n', 1), "片段不能嵌套", LINE),
])
def test_a_marker_that_cannot_be_used_is_named(edit, problem, line):
    text = edit(ITEM % '          <!-- fragment:field name="archive_no" -->\n          <!-- /fragment:field -->')
    with pytest.raises(FragmentError) as info:
        regenerate(text, "p.bpmn")
    assert info.value.source == "p.bpmn" and info.value.line == line and problem in info.value.problem, str(info.value)


def test_the_definitions_are_in_one_place():
    """The catalogue is the only place a shared field's label is written in bpmn_fragments."""
    sources = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "bpmn_fragments").glob("*.py")}
    for definition in CATALOGUE.values():
        holders = [name for name, source in sources.items() if f'"{definition.label}"' in source]
        assert holders == ["fields.py"], (definition.id, holders)
    assert fields.CATALOGUE is CATALOGUE
