import pytest
from lxml import etree

from engine.errors import InvalidData
from engine.forms import FormField, Form, clean_form_data, parse_form

FORM = Form((
    FormField("title", "标题", "string", required=True, maxlength=10),
    FormField("total", "总数", "long", required=True, min="1"),
    FormField("attending", "到会", "long", required=True, min="0", max="total"),
    FormField("amount", "金额", "money", min="0"),
    FormField("ok", "同意", "boolean"),
    FormField("on", "日期", "date"),
    FormField("choice", "选项", "enum", options=(("a", "甲"), ("b", "乙"))),
    FormField("files", "附件", "file"),
))


def clean(data, context=None):
    return clean_form_data(FORM, data, context or {})


def test_valid_data_is_typed():
    assert clean({"title": " 修路 ", "total": "7", "attending": 5, "amount": "1200.50", "ok": "true",
                  "on": "2026-03-02", "choice": "b", "files": "f1"}) == {
        "title": "修路", "total": 7, "attending": 5, "amount": 1200.5, "ok": True, "on": "2026-03-02",
        "choice": "b", "files": ["f1"]}


def test_money_whole_yuan_is_an_int():
    assert clean({"title": "x", "total": 1, "attending": 1, "amount": 50000})["amount"] == 50000


def test_every_failing_field_is_named_in_chinese():
    with pytest.raises(InvalidData) as info:
        clean({"title": "x" * 11, "attending": 9, "amount": "1.234", "ok": "maybe", "on": "2026-02-30",
               "choice": "c", "extra": 1, "files": [1]})
    errors = info.value.errors
    assert set(errors) == {"title", "total", "amount", "ok", "on", "choice", "extra", "files"}
    assert "必填" in errors["total"] and "不能超过10个字" in errors["title"]
    assert "甲、乙" in errors["choice"] and errors["extra"] == "表单中没有此字段"


def test_max_may_read_another_field():
    with pytest.raises(InvalidData) as info:
        clean({"title": "x", "total": 7, "attending": 8})
    assert info.value.errors == {"attending": "到会：不能大于7"}


def test_max_may_read_the_matters_data():
    form = Form((FormField("price", "合同价", "money", required=True, max="control_price"),))
    with pytest.raises(InvalidData):
        clean_form_data(form, {"price": 100.01}, {"control_price": 100})
    assert clean_form_data(form, {"price": 100}, {"control_price": 100}) == {"price": 100}


@pytest.mark.parametrize("value", [True, [1], {"a": 1}, "1e5", "abc"])
def test_bad_numbers_are_refused(value):
    with pytest.raises(InvalidData):
        clean({"title": "x", "total": value, "attending": 0})


def test_data_must_be_an_object():
    with pytest.raises(InvalidData):
        clean_form_data(FORM, ["x"], {})


def test_parse_form_reads_camunda_form_data():
    xml = """<task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="votes" label="票数" type="long">
          <camunda:validation><camunda:constraint name="required"/><camunda:constraint name="max" config="attendees"/></camunda:validation>
        </camunda:formField>
        <camunda:formField id="kind" label="类型" type="enum"><camunda:value id="a" name="甲"/></camunda:formField>
      </camunda:formData></bpmn:extensionElements></task>"""
    form, problems = parse_form(etree.fromstring(xml.encode()))
    assert problems == []
    assert form.fields[0] == FormField("votes", "票数", "long", required=True, max="attendees")
    assert form.fields[1].options == (("a", "甲"),)


def test_parse_form_reports_bad_fields():
    xml = """<task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="Bad Name" type="string"/><camunda:formField id="x" type="colour"/>
        <camunda:formField id="e" type="enum"/>
      </camunda:formData></bpmn:extensionElements></task>"""
    _, problems = parse_form(etree.fromstring(xml.encode()))
    assert len(problems) == 3


def test_a_matter_field_declares_what_it_cites_and_takes_a_matter_number():
    xml = """<task xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="basis" label="依据" type="matter"><camunda:properties>
          <camunda:property id="cites" value="major_decision:end_passed, annual_plan, grant:big|small"/>
          <camunda:property id="amount_field" value="amount"/></camunda:properties></camunda:formField>
        <camunda:formField id="bare" label="无声明" type="matter"/>
      </camunda:formData></bpmn:extensionElements></task>"""
    form, problems = parse_form(etree.fromstring(xml.encode()))
    assert problems == ["关联事项字段 bare 没有声明可引用的事项（camunda:property cites，如 “major_decision:end_passed”）"]
    (basis,) = form.fields
    assert basis.cites == (("major_decision", ("end_passed",)), ("annual_plan", ()), ("grant", ("big", "small")))
    assert basis.amount_field == "amount" and basis.limit_field is None
    assert basis.as_dict()["cites"][0] == {"process_key": "major_decision", "outcomes": ["end_passed"]}
    cited = Form((basis,))
    assert [clean_form_data(cited, {"basis": v}, {})["basis"] for v in (12, "12", " #12 ", 12.0)] == [12, 12, 12, 12]
    for wrong in ("第十二号", 0, -3, True, [12]):
        with pytest.raises(InvalidData) as info:
            clean_form_data(cited, {"basis": wrong}, {})
        assert info.value.errors["basis"].startswith("依据：应为事项编号")


@pytest.mark.parametrize("value", ["1234.56", 1234.56, "0.3", 0.3])
def test_money_bounds_are_exact(value):
    form = Form((FormField("x", "金额", "money", required=True, min=str(value), max=str(value)),))
    assert clean_form_data(form, {"x": value}, {}) == {"x": float(value)}


def test_fraction_bounds_are_enforced():
    form = Form((FormField("reserve", "公积金", "money", required=True, min='frac("1/10") * income'),))
    with pytest.raises(InvalidData):
        clean_form_data(form, {"reserve": 9999.99}, {"income": 100000})
    assert clean_form_data(form, {"reserve": 10000}, {"income": 100000}) == {"reserve": 10000}


def test_float_noise_in_a_computed_bound_does_not_refuse_the_exact_value():
    form = Form((FormField("paid", "发放金额", "money", required=True, max="area * rate"),))
    assert clean_form_data(form, {"paid": 1020}, {"area": 10.2, "rate": 100}) == {"paid": 1020}
    with pytest.raises(InvalidData):
        clean_form_data(form, {"paid": 1020.01}, {"area": 10.2, "rate": 100})


DATES = Form((FormField("starts", "开工日期", "date", required=True, min="2026-01-01"),
              FormField("ends", "完工日期", "date", min="starts", max="2030-12-31")))


def test_a_date_may_not_come_before_the_date_it_follows():
    labels = {"starts": "开工日期", "ends": "完工日期"}
    assert clean_form_data(DATES, {"starts": "2026-04-01", "ends": "2026-04-01"}, {}, labels)["ends"] == "2026-04-01"
    with pytest.raises(InvalidData) as info:
        clean_form_data(DATES, {"starts": "2026-04-01", "ends": "2026-03-31"}, {}, labels)
    assert info.value.errors == {"ends": "完工日期：不能早于开工日期 2026-04-01"}
    with pytest.raises(InvalidData) as info:
        clean_form_data(DATES, {"starts": "2025-12-31", "ends": "2031-01-01"}, {}, labels)
    assert info.value.errors == {"starts": "开工日期：不能早于2026-01-01", "ends": "完工日期：不能晚于2030-12-31"}
    # The start date given at an earlier step (in the matter's data) bounds this one as well.
    assert clean_form_data(Form(DATES.fields[1:]), {"ends": "2026-05-01"}, {"starts": "2026-04-01"}, labels)
    with pytest.raises(InvalidData):
        clean_form_data(Form(DATES.fields[1:]), {"ends": "2026-03-01"}, {"starts": "2026-04-01"}, labels)


def test_a_date_limit_that_is_neither_a_day_nor_a_field_is_refused_at_load():
    xml = ('<bpmn:userTask xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
           'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="t"><bpmn:extensionElements><camunda:formData>'
           '<camunda:formField id="ends" label="完工日期" type="date"><camunda:validation>'
           '<camunda:constraint name="min" config="2026-13-01" /></camunda:validation></camunda:formField>'
           '</camunda:formData></bpmn:extensionElements></bpmn:userTask>')
    form, problems = parse_form(etree.fromstring(xml))
    assert problems and "2026-13-01" in problems[0] and "日期" in problems[0]
