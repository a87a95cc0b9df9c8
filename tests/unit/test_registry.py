"""Roles and parameters are data, and every item keeps to them."""
import pytest

from engine.errors import InvalidData
from engine.registry import Parameter, check_override, load_parameters, load_roles
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


def test_every_parameter_is_read_by_some_item():
    read = set().union(*(info.reads for info in catalog().processes.values()))
    assert set(PARAMETERS) - read == set(), "a parameter no item reads is dead configuration"


def test_no_form_field_shadows_a_parameter():
    for info in catalog().processes.values():
        assert info.field_names() & set(PARAMETERS) == set(), info.key


def test_county_defaults_respect_their_floors():
    for parameter in PARAMETERS.values():
        assert check_override(parameter, parameter.value) == parameter.value


@pytest.mark.parametrize("parameter, value", [
    (Parameter("days", "天数", 7, 7, "天"), 6), (Parameter("days", "天数", 7, 7, "天"), "7"),
    (Parameter("q", "比例", "2/3", "2/3"), "1/2"), (Parameter("q", "比例", "2/3", "2/3"), "3/2"),
    (Parameter("q", "比例", "2/3", "2/3"), 0.7), (Parameter("l", "列表", ["A"]), []),
    (Parameter("days", "天数", 7, 7, "天"), True),
])
def test_township_values_below_the_floor_or_of_the_wrong_kind_are_refused(parameter, value):
    with pytest.raises(InvalidData):
        check_override(parameter, value)


def test_roles_have_levels():
    assert ROLES["PARTY_BRANCH"].level == "village" and ROLES["TOWNSHIP_DISCIPLINE"].level == "township"
    assert ROLES["COUNTY_DEPT"].level == "county"


def test_a_list_parameter_may_grow_but_never_drop_its_statutory_items():
    national = Parameter("negative", "不得出具的证明", ["a", "b"], ["a", "b"])
    assert check_override(national, ["a", "b", "c"]) == ["a", "b", "c"]
    with pytest.raises(InvalidData):
        check_override(national, ["a"])
