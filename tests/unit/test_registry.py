"""Roles and parameters are data, and every item keeps to them."""
from dataclasses import replace

import pytest

from engine.errors import InvalidData
from engine.redlines import RuleBook, rules_path
from engine.registry import Parameter, check_definition, check_override, load_parameters, load_roles
from tests.scenario import PROCESSES, catalog

ROLES = load_roles(PROCESSES)
PARAMETERS = load_parameters(PROCESSES)
ITEMS = sorted(catalog().processes)


@pytest.mark.parametrize("key", ITEMS)
def test_every_lane_is_a_registered_role(key):
    assert set(catalog().processes[key].lanes) <= set(ROLES)


@pytest.mark.parametrize("key", ITEMS)
def test_every_name_an_item_reads_is_a_field_or_a_parameter(key):
    bundle = catalog().bundle(key)
    known = set(PARAMETERS)
    for info in bundle.processes.values():
        known |= info.field_names() | info.mi_items
    assert bundle.info.reads - known == set()


# Read by every item's official flowchart (its footer), not by an expression.
CHART_PARAMETERS = {"supervision_phone", "complaint_phone"}


def _rule_parameters(value) -> set[str]:
    """The parameters a red-line rule's thresholds read (`{ param = "..." }`, processes/redlines.toml)."""
    if isinstance(value, dict):
        return {value["param"]} if "param" in value else set().union(set(), *map(_rule_parameters, value.values()))
    if isinstance(value, list):
        return set().union(set(), *map(_rule_parameters, value))
    return set()


def test_every_parameter_is_read_by_some_item():
    rules = RuleBook.load(rules_path(PROCESSES))
    read = (set().union(*(info.reads for info in catalog().processes.values())) | CHART_PARAMETERS
            | set().union(*(_rule_parameters(rule.thresholds) for rule in rules)))
    assert set(PARAMETERS) - read == set(), "a parameter no item and no red line reads is dead configuration"
    assert set().union(*(_rule_parameters(rule.thresholds) for rule in rules)) - set(PARAMETERS) == set()


def test_no_form_field_shadows_a_parameter():
    for info in catalog().processes.values():
        assert info.field_names() & set(PARAMETERS) == set(), info.key


def test_county_defaults_respect_their_floors_and_ceilings():
    for parameter in PARAMETERS.values():
        assert check_override(parameter, parameter.value) == parameter.value


def test_every_number_and_fraction_has_a_ceiling():
    for parameter in PARAMETERS.values():
        if parameter.type in ("integer", "number", "fraction"):
            assert parameter.maximum is not None, parameter.name


DAYS = Parameter("days", "天数", 7, minimum=5, maximum=60, unit="天")
QUORUM = Parameter("q", "比例", "2/3", minimum="2/3", maximum="1", type="fraction")
LIST = Parameter("l", "列表", ["A"], type="list")


@pytest.mark.parametrize("parameter, value", [
    (DAYS, 4), (DAYS, 61), (DAYS, "7"), (DAYS, True), (DAYS, float("nan")), (DAYS, float("inf")),
    (DAYS, -float("inf")), (DAYS, 7.5), (DAYS, None), (DAYS, [7]), (DAYS, {"value": 7}),
    (QUORUM, "1/2"), (QUORUM, "3/2"), (QUORUM, 0.7), (QUORUM, "nan"), (QUORUM, "1/0"), (QUORUM, "9" * 30),
    (LIST, []), (LIST, [1]), (LIST, ["x" * 65]), (LIST, ["a"] * 201), (LIST, "A"),
])
def test_township_values_outside_the_range_or_of_the_wrong_kind_are_refused(parameter, value):
    with pytest.raises(InvalidData):
        check_override(parameter, value)


def test_values_are_typed_within_the_range():
    assert check_override(DAYS, 5) == 5 and check_override(DAYS, 60.0) == 60 and type(check_override(DAYS, 60.0)) is int
    assert check_override(QUORUM, "3/4") == "3/4" and check_override(QUORUM, "1") == "1"


@pytest.mark.parametrize("parameter, problem", [
    (Parameter("days", "天数", 7, minimum=5, maximum=None, unit="天"), "上限"),
    (Parameter("days", "天数", 7, minimum=9, maximum=8, unit="天"), "下限不能高于上限"),
    (Parameter("days", "天数", 70, minimum=5, maximum=60, unit="天"), "不能高于上限"),
    (Parameter("days", "天数", 7, minimum=5, maximum=60, type="date"), "类型"),
    (Parameter("Days", "天数", 7, minimum=5, maximum=60), "参数名"),
])
def test_a_declaration_that_breaks_the_rules_is_refused(parameter, problem):
    with pytest.raises(InvalidData) as caught:
        check_definition(parameter)
    assert problem in caught.value.message + str(caught.value.errors)


def test_roles_have_levels():
    assert ROLES["PARTY_BRANCH"].level == "village" and ROLES["TOWNSHIP_DISCIPLINE"].level == "township"
    assert ROLES["COUNTY_DEPT"].level == "county"


def test_a_list_parameter_may_grow_but_never_drop_its_statutory_items():
    national = Parameter("negative", "不得出具的证明", ["a", "b"], minimum=["a", "b"], type="list")
    assert check_override(national, ["a", "b", "c"]) == ["a", "b", "c"]
    with pytest.raises(InvalidData):
        check_override(national, ["a"])


# -- text parameters: the township's telephones on the official flowcharts ----------------------
def phone_parameter(**changes):
    return replace(Parameter("supervision_phone", "监督电话", "12345", None, 30, None, "text", pattern="phone"), **changes)


@pytest.mark.parametrize("value", ["12388", "0738-8321234", "0738 832 1234", "0738-8321234转801", " 12345 "])
def test_a_telephone_parameter_takes_telephone_numbers(value):
    assert check_override(phone_parameter(), value) == value.strip()


@pytest.mark.parametrize("value", ["", "   ", "电话", "0738-832123a", "-12345", "1" * 31, "123\n456", 12345, None, ["12345"]])
def test_a_telephone_parameter_refuses_anything_else(value):
    with pytest.raises(InvalidData):
        check_override(phone_parameter(), value)


@pytest.mark.parametrize("changes, problem", [
    ({"maximum": None}, "最多字数"), ({"maximum": 500}, "最多字数"), ({"minimum": 1}, "不设下限"),
    ({"pattern": "regex:.*"}, "格式应为"),
])
def test_a_text_parameter_declares_its_length_and_a_known_pattern(changes, problem):
    with pytest.raises(InvalidData) as caught:
        check_definition(phone_parameter(**changes))
    assert problem in str(caught.value.errors)


def test_only_text_parameters_have_a_pattern_and_the_county_ships_both_telephones():
    with pytest.raises(InvalidData):
        check_definition(Parameter("x_days", "天数", 3, 1, 9, pattern="phone"))
    shipped = PARAMETERS
    assert shipped["supervision_phone"].type == shipped["complaint_phone"].type == "text"
    assert shipped["complaint_phone"].value == "12388"


def test_every_matter_field_cites_items_and_ends_that_exist():
    """A `matter` field names items of the county list and end events of theirs: a typo would refuse
    every citation at run time."""
    processes = catalog().processes
    cited = 0
    for info in processes.values():
        for form in [info.start_form, *(step.form for step in info.steps.values())]:
            for f in (f for f in form.fields if f.type == "matter"):
                for key, ends in f.cites:
                    assert key in processes, f"{info.key}.{f.name} cites {key}"
                    assert ends == ("running",) or set(ends) <= set(processes[key].end_events), f"{info.key}.{f.name}: {ends}"
                    cited += 1
    assert cited >= 4
