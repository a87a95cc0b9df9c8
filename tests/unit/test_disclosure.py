"""Publicity points declared in the definitions: read at load time, refused when wrong (file,
element, line, in Chinese), and applied to a matter's data by `disclose`."""
import pytest

from engine.definitions import Catalog
from engine.disclosure import disclose
from engine.errors import DefinitionError
from tests.scenario import catalog

HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        'xmlns:xiaowei="https://xiaowei.example/bpmn/disclosure" id="d" targetNamespace="t">\n')
CATEGORY = ('<bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="category" value="便民服务"/></spiffworkflow:properties></bpmn:extensionElements>')
LANES = ('<bpmn:laneSet id="ls"><bpmn:lane id="VILLAGE_COMMITTEE" name="村委会">'
         '<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>publish</bpmn:flowNodeRef>'
         '<bpmn:flowNodeRef>merge</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>'
         '<bpmn:lane id="SUPERVISION_COMMITTEE" name="村监委"><bpmn:flowNodeRef>objection</bpmn:flowNodeRef>'
         '<bpmn:flowNodeRef>period</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>')
START_FORM = ('<camunda:formData>'
              '<camunda:formField id="applicant_name" label="申请人" type="string"/>'
              '<camunda:formField id="id_number" label="身份证号" type="string"/>'
              '<camunda:formField id="phone" label="联系电话" type="string"/>'
              '<camunda:formField id="amount" label="金额（元）" type="money"/>'
              '<camunda:formField id="kind" label="类别" type="enum"><camunda:value id="a" name="甲类"/></camunda:formField>'
              '<camunda:formField id="photo" label="照片" type="file"/>'
              '</camunda:formData>')

DEFAULT_PUBLISH = ('<xiaowei:publish section="service_result" stage="结果公示" title="结果公示">'
                   '<xiaowei:field ref="applicant_name" mask="name_partial" key="subject"/>'
                   '<xiaowei:field ref="id_number" mask="id_number"/>'
                   '<xiaowei:field ref="phone" class="never"/>'
                   '<xiaowei:field ref="amount" key="amount"/>'
                   '<xiaowei:field ref="kind"/>'
                   '<xiaowei:field ref="notice"/>'
                   '<xiaowei:field ref="photo"/>'
                   '<xiaowei:field label="公开渠道" value="村务公开栏"/>'
                   '</xiaowei:publish>')


def item(publish: str = DEFAULT_PUBLISH, end: str = "") -> bytes:
    body = (f'<bpmn:startEvent id="start"><bpmn:extensionElements>{START_FORM}</bpmn:extensionElements></bpmn:startEvent>\n'
            '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="publish"/>\n'
            '<bpmn:userTask id="publish" name="结果公示"><bpmn:extensionElements>\n'
            '<camunda:formData><camunda:formField id="notice" label="公示内容" type="text"/></camunda:formData>\n'
            f'{publish}\n</bpmn:extensionElements></bpmn:userTask>\n'
            '<bpmn:sequenceFlow id="f2" sourceRef="publish" targetRef="merge"/>'
            '<bpmn:exclusiveGateway id="merge"/><bpmn:sequenceFlow id="f3" sourceRef="merge" targetRef="objection"/>'
            '<bpmn:userTask id="objection" name="异议受理"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="objection_intake" value="true"/></spiffworkflow:properties>'
            '<camunda:formData><camunda:formField id="objection" label="异议" type="text"/></camunda:formData>'
            '</bpmn:extensionElements></bpmn:userTask>'
            '<bpmn:boundaryEvent id="period" name="公示" attachedToRef="objection" cancelActivity="true">'
            '<bpmn:timerEventDefinition><bpmn:timeDuration>P7D</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>'
            '<bpmn:sequenceFlow id="f4" sourceRef="objection" targetRef="merge"/>'
            '<bpmn:sequenceFlow id="f5" sourceRef="period" targetRef="end"/>'
            f'<bpmn:endEvent id="end" name="完成">{end}</bpmn:endEvent>')
    return (f'{HEAD}<bpmn:process id="p" name="测试" isExecutable="true">{CATEGORY}{LANES}\n{body}'
            '</bpmn:process></bpmn:definitions>').encode()


def load(data: bytes) -> Catalog:
    return Catalog({"p.bpmn": data}, role_codes={"VILLAGE_COMMITTEE", "SUPERVISION_COMMITTEE"}, parameter_names=set())


def refused(publish: str = DEFAULT_PUBLISH, end: str = "") -> DefinitionError:
    with pytest.raises(DefinitionError) as info:
        load(item(publish, end))
    return info.value


def test_a_publicity_point_is_read_into_the_step():
    info = load(item()).bundle("p").info
    (publication,) = info.steps["publish"].publications
    assert (publication.section, publication.stage, publication.title) == ("service_result", "结果公示", "结果公示")
    assert publication.publicity_step == "objection", "found along the flow, through the merge gateway"
    by_ref = {f.ref: f for f in publication.fields}
    assert by_ref["applicant_name"].cls == "masked" and by_ref["applicant_name"].mask == "name_partial"
    assert by_ref["phone"].cls == "never" and by_ref["amount"].cls == "public" and by_ref["amount"].key == "amount"
    assert by_ref["notice"].label == "公示内容", "a field of the step's own form"
    assert by_ref["photo"].type == "file"
    assert info.publications()[0]["element_name"] == "结果公示"
    assert [f["ref"] for f in info.as_dict()["publications"][0]["fields"]] == [
        "applicant_name", "id_number", "amount", "kind", "notice", "photo", None], "never-fields are not listed"


def test_an_end_event_may_publish_too():
    end = ('<bpmn:extensionElements><xiaowei:publish section="service_result" stage="办结">'
           '<xiaowei:field ref="amount"/></xiaowei:publish></bpmn:extensionElements>')
    info = load(item(end=end)).bundle("p").info
    assert info.end_publications["end"][0].stage == "办结" and info.end_publications["end"][0].title == "完成"


def test_spiffworkflow_never_sees_the_declarations():
    bundle = load(item()).bundle("p")
    assert "publish" in bundle.spec.task_specs and "objection" in bundle.spec.task_specs


def test_disclose_masks_by_rule_and_leaves_out_what_is_not_listed():
    (publication,) = load(item()).bundle("p").info.steps["publish"].publications
    data = {"applicant_name": "王大山", "id_number": "110101199003071234", "phone": "13812345678",
            "amount": 900, "kind": "a", "notice": "户主王大山，电话13812345678，每月900元", "photo": ["att-1"],
            "payment_account": "6217000012345678"}
    out = disclose(publication, data, {"village": "绿水村", "township": "青山镇"})
    shown = {f["label"]: f["text"] for f in out["fields"]}
    assert shown == {"申请人": "王*山", "身份证号": "1101**********1234", "金额（元）": "900.00 元", "类别": "甲类",
                     "公示内容": "户主王大山，电话138****5678，每月900元", "公开渠道": "村务公开栏"}
    assert out["subject"] == "王*山" and out["documents"] == ["att-1"]
    amount = next(f for f in out["fields"] if f["label"] == "金额（元）")
    assert amount["value"] == 900 and amount["key"] == "amount"
    assert "value" not in next(f for f in out["fields"] if f["label"] == "身份证号")
    assert "13812345678" not in str(out) and "6217000012345678" not in str(out)


def test_missing_values_are_left_out():
    (publication,) = load(item()).bundle("p").info.steps["publish"].publications
    out = disclose(publication, {"amount": 0})
    assert [f["label"] for f in out["fields"]] == ["金额（元）", "公开渠道"] and out["subject"] is None


@pytest.mark.parametrize("publish, words", [
    ('<xiaowei:publish section="power" stage="x"><xiaowei:field ref="amount"/></xiaowei:publish>', "无需声明"),
    ('<xiaowei:publish section="news" stage="x"><xiaowei:field ref="amount"/></xiaowei:publish>', "公开栏目 'news' 不存在"),
    ('<xiaowei:publish section="project"><xiaowei:field ref="amount"/></xiaowei:publish>', "须写明阶段"),
    ('<xiaowei:publish section="project" stage="x"/>', "没有任何字段"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="amout"/></xiaowei:publish>', "'amout' 不是本流程表单中的字段"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="id_number" mask="idcard"/></xiaowei:publish>', "打码规则 'idcard' 不存在"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="amount" class="secret"/></xiaowei:publish>', "class='secret' 不存在"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="amount" class="masked"/></xiaowei:publish>', "须写打码规则"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="phone" class="public" mask="phone"/></xiaowei:publish>', "须写打码规则"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="photo" mask="health"/></xiaowei:publish>', "附件字段 photo 不能打码"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field ref="amount" key="total"/></xiaowei:publish>', "key='total' 不存在"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field value="公开栏"/></xiaowei:publish>', "须写 label"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:field/></xiaowei:publish>', "其中之一"),
    ('<xiaowei:publish section="project" stage="x"><xiaowei:feild ref="amount"/></xiaowei:publish>', "未知的公开声明元素 xiaowei:feild"),
    ('<xiaowei:field ref="amount"/>', "xiaowei:field 只能写在xiaowei:publish中"),
    ('<xiaowei:publish section="project" stage="x" term="forever"><xiaowei:field ref="amount"/></xiaowei:publish>',
     "公开期限 term='forever' 不存在"),
])
def test_a_wrong_declaration_is_refused_with_file_element_and_line(publish, words):
    error = refused(publish)
    assert words in error.problem, error.problem
    assert error.file == "p.bpmn" and error.element == "publish" and error.line == 8, (error.element, error.line)


def test_a_long_term_publicity_is_marked():
    """term="long": 长期公示 (a 低保 household's confirmed allowance stays up, 民发〔2021〕57号第二十七条)."""
    assert not load(item()).bundle("p").info.steps["publish"].publications[0].long_term
    info = load(item(DEFAULT_PUBLISH.replace('title="结果公示"', 'title="结果公示" term="long"'))).bundle("p").info
    (publication,) = info.steps["publish"].publications
    assert publication.long_term and info.publications()[0]["long_term"] is True


def test_a_declaration_on_an_element_that_cannot_publish_is_refused():
    misplaced = item().replace(b'<bpmn:exclusiveGateway id="merge"/>', (
        b'<bpmn:exclusiveGateway id="merge"><bpmn:extensionElements><xiaowei:publish section="project" stage="x">'
        b'<xiaowei:field ref="amount"/></xiaowei:publish></bpmn:extensionElements></bpmn:exclusiveGateway>'))
    with pytest.raises(DefinitionError) as info:
        load(misplaced)
    assert "只能写在办理步骤或结束事件" in info.value.problem and info.value.element == "merge"
def test_the_section_of_called_processes_is_read_from_the_call_activity():
    shipped = catalog().processes
    assert shipped["village_project"].called_sections == {"major_decision": "project"}
    assert shipped["asset_lease"].called_sections == {"major_decision": "asset"}


# Publicity periods no publicity point opens, by item: {item key: {intake step: why}}. A period whose
# notice is not declared never reaches the portal's 公示中 (nobody can object online) nor the notice
# board. Every shipped period is opened by a declared notice, so the list is empty; an entry needs a
# reason a reviewer can check (the notice is published by another item, say), never "not done yet".
UNOPENED_PERIODS: dict[str, dict[str, str]] = {}


def unopened_periods(info) -> list[str]:
    """The objection-intake steps of an item that no publicity point of it opens (a notice declared
    with xiaowei:publish on the step before the period, engine/disclosure.publicity_intake)."""
    opened = {p["publicity_step"] for p in info.publications()}
    return [key for key, step in info.steps.items() if step.objection_intake and key not in opened]


def test_the_check_finds_a_publicity_period_no_notice_opens():
    assert unopened_periods(load(item()).bundle("p").info) == []
    undeclared = item().replace(DEFAULT_PUBLISH.encode(), b"")
    assert unopened_periods(load(undeclared).bundle("p").info) == ["objection"]


def test_every_shipped_publicity_period_is_opened_by_a_declared_notice():
    """Every shipped item with an objection intake (a publicity period) declares the notice that
    opens it: the step posting the notice publishes, and its publicity_step is that intake."""
    shipped = catalog().processes
    assert set(UNOPENED_PERIODS) <= set(shipped), "an exemption names an item that is not shipped"
    with_periods = {key for key, info in shipped.items() if any(s.objection_intake for s in info.steps.values())}
    assert len(with_periods) >= 30, sorted(with_periods)           # the check sees the list, not nothing
    missing = {key: found for key, info in shipped.items()
               if (found := sorted(set(unopened_periods(info)) - set(UNOPENED_PERIODS.get(key, {}))))}
    assert missing == {}, f"公示期没有对应的公开声明（xiaowei:publish）：{missing}"
    stale = {key: sorted(set(steps) - set(unopened_periods(shipped[key]))) for key, steps in UNOPENED_PERIODS.items()}
    assert {k: v for k, v in stale.items() if v} == {}, "an exemption no longer needed: remove it"


def test_an_item_publishing_results_without_a_publicity_period_declares_them():
    """出具证明 publishes what was issued (办事结果) with no objection period: the check above cannot
    see it."""
    (publication, *_) = catalog().processes["certificate"].publications()
    assert publication["section"] == "service_result" and publication["publicity_step"] is None


# Where a notice names private people (a list of members, the person to be hired), the portal
# shows the structured figures and the names partly hidden, never the list file or the notice text
# that repeats every full name (docs/bpmn-conventions.md, "What is public").
PRIVATE_NOTICES = {
    ("land_compensation", "publish_list"): {"never": {"eligible_list", "corrected_list", "list_notice"},
                                            "public": {"eligible_count", "per_person_amount", "ballot_for"}},
    ("land_compensation", "publish_payment"): {"never": {"bank_records"}, "public": {"paid_count", "paid_total"}},
    ("temp_hiring", "publish_result"): {"never": {"result_notice", "applicant_list", "declaration_file", "relation_detail"},
                                        "masked": {"selected_names"}, "public": {"selected_count", "monthly_pay"}},
}


@pytest.mark.parametrize("item_key, step", sorted(PRIVATE_NOTICES))
def test_a_notice_naming_private_people_publishes_figures_and_partly_hidden_names(item_key, step):
    (publication,) = catalog().processes[item_key].steps[step].publications
    by_class = {cls: {f.ref for f in publication.fields if f.cls == cls} for cls in ("public", "masked", "never")}
    for cls, refs in PRIVATE_NOTICES[(item_key, step)].items():
        assert refs <= by_class[cls], (cls, refs - by_class[cls])
    assert all(f.mask == "name_partial" for f in publication.fields if f.cls == "masked")



# Health and disability are special categories of personal data (个人信息保护法 Art. 28): the law
# publishes who is helped and how much, never the illness or the disability behind it.
HEALTH_WORDS = ("病", "残疾", "精神", "艾滋", "传染", "伤残")
NAMED_BY_POLICY = {
    # 疾病/残疾状况证明 are on the negative list: refused before any certificate is issued.
    ("certificate", "cert_type"),
    # 危房改造's official target group "因病因灾因意外事故…" (建村〔2021〕35号) does not say which.
    ("dilapidated_housing", "target_group"),
    # 医疗救助 is published as what it is; its legal classes (特困, 低保, 因病致贫重病患者…) are the
    # basis of the amount, which the law publishes with it.
    ("medical_assistance", "applicant_category")}


def test_no_shipped_item_publishes_a_choice_that_names_an_illness_or_a_disability():
    exposed = []
    for key, info in catalog().processes.items():
        for publication in info.publications():
            for field in publication["fields"]:
                for column in [field, *field.get("columns", [])]:
                    if column["class"] == "public" and column["ref"] and (key, column["ref"]) not in NAMED_BY_POLICY:
                        exposed += [(key, publication["element"], column["ref"], label)
                                    for label in _choices(info, column["ref"]) if any(w in label for w in HEALTH_WORDS)]
    assert not exposed, exposed


def _choices(info, ref: str) -> list[str]:
    forms = [info.start_form, *(step.form for step in info.steps.values())]
    return [label for form in forms if form is not None for field in form.fields if field.name == ref
            for _, label in field.options]

# -- a table field (清册), published row by row --------------------------------------------------
ROSTER_FORM = ('<camunda:formData><camunda:formField id="notice" label="公示内容" type="text"/>'
               '<camunda:formField id="roster" label="补贴清册" type="table"><camunda:properties>'
               '<camunda:property id="columns" value="household_head:string:户主姓名; id_number:idcard:身份证号码; '
               'group:enum(一组|二组):所在小组; area:money:补贴面积（亩）; amount:money:补贴金额（元）; phone:string?:联系电话"/>'
               '</camunda:properties></camunda:formField></camunda:formData>')
ROSTER_PUBLISH = ('<xiaowei:publish section="service_result" stage="清册公示" title="补贴清册公示">'
                  '<xiaowei:field ref="roster">'
                  '<xiaowei:column ref="household_head" mask="name_partial"/><xiaowei:column ref="group"/>'
                  '<xiaowei:column ref="area"/><xiaowei:column ref="amount"/>'
                  '<xiaowei:column ref="id_number" class="never"/></xiaowei:field></xiaowei:publish>')


def roster_item(publish: str = ROSTER_PUBLISH) -> bytes:
    return item(publish).replace(
        b'<camunda:formData><camunda:formField id="notice" label="\xe5\x85\xac\xe7\xa4\xba\xe5\x86\x85\xe5\xae\xb9" type="text"/></camunda:formData>',
        ROSTER_FORM.encode())


def test_a_table_is_published_row_by_row_with_its_columns_masked_as_declared():
    (publication,) = load(roster_item()).bundle("p").info.steps["publish"].publications
    (field,) = publication.fields
    assert [(c.ref, c.cls) for c in field.columns] == [("household_head", "masked"), ("group", "public"),
                                                        ("area", "public"), ("amount", "public"), ("id_number", "never")]
    assert [c["ref"] for c in field.as_dict()["columns"]] == ["household_head", "group", "area", "amount"]
    rows = [{"household_head": "刘长根", "id_number": "11010519491231002X", "group": "一组", "area": 6.5, "amount": 812.5,
             "phone": "13812345678"},
            {"household_head": "陈桂芬", "id_number": "440524188001010014", "group": "二组", "area": 3, "amount": 375}]
    out = disclose(publication, {"roster": rows})
    (entry,) = out["fields"]
    assert entry["label"] == "补贴清册" and entry["text"] == "共 2 行；补贴面积合计 9.50；补贴金额合计 1,187.50 元"
    assert entry["table"] == {"columns": ["户主姓名", "所在小组", "补贴面积（亩）", "补贴金额（元）"],
                              "rows": [["刘*根", "一组", "6.50", "812.50 元"], ["陈*芬", "二组", "3.00", "375.00 元"]]}
    text = str(out)
    assert "11010519491231002X" not in text and "1231002X" not in text and "0014" not in text
    assert "13812345678" not in text and "刘长根" not in text


@pytest.mark.parametrize("publish, words", [
    ('<xiaowei:field ref="roster"/>', "须用 xiaowei:column 声明公开哪些列"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="id_number" class="never"/></xiaowei:field>', "须用 xiaowei:column"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="id_number"/></xiaowei:field>', "身份证号码列 id_number 依法不公开"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="id_number" mask="id_number"/></xiaowei:field>', "依法不公开"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="mobile"/></xiaowei:field>', "'mobile' 不是清册 roster 的列"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="area"/><xiaowei:column ref="area"/></xiaowei:field>', "重复声明"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="area" mask="secret"/></xiaowei:field>', "打码规则 'secret' 不存在"),
    ('<xiaowei:field ref="roster"><xiaowei:column ref="area" class="masked"/></xiaowei:field>', "列的公开类别"),
    ('<xiaowei:field ref="roster" mask="name_partial"><xiaowei:column ref="area"/></xiaowei:field>', "不能整体打码"),
    ('<xiaowei:field ref="notice"><xiaowei:column ref="area"/></xiaowei:field>', "不是清册字段"),
    ('<xiaowei:column ref="area"/>', "xiaowei:column 只能写在清册字段的 xiaowei:field中"),
])
def test_a_wrong_table_declaration_is_refused(publish, words):
    with pytest.raises(DefinitionError) as info:
        load(roster_item(f'<xiaowei:publish section="service_result" stage="x">{publish}</xiaowei:publish>'))
    assert words in info.value.problem, info.value.problem


def test_a_table_never_published_needs_no_columns():
    (publication,) = load(roster_item('<xiaowei:publish section="service_result" stage="x">'
                                      '<xiaowei:field ref="roster" class="never"/><xiaowei:field ref="notice"/>'
                                      '</xiaowei:publish>')).bundle("p").info.steps["publish"].publications
    assert [f["label"] for f in disclose(publication, {"roster": [{"household_head": "刘长根"}], "notice": "x"})["fields"]] == ["公示内容"]


def test_the_power_list_says_which_columns_of_a_list_are_published():
    from engine.services.public.catalogue import _publication_words
    info = load(roster_item()).bundle("p").info
    (publication,) = info.publications()
    assert _publication_words(publication).fields == (
        "补贴清册（逐行：户主姓名（部分隐去）、所在小组、补贴面积（亩）、补贴金额（元））",)
