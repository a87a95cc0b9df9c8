"""Township parameters: the county defaults (processes/parameters*.toml), a township's values
within each parameter's floor and ceiling, and the parameters a township declares for its own
special-list items. A matter copies the values in force when it starts."""
from __future__ import annotations

from dataclasses import replace

from .. import clock
from ..errors import InvalidData, NotFound
from ..registry import Parameter, check_definition, check_override
from . import definition_views
from .access import records_refusals, require_admin
from .definition_views import ParameterView
from .orgs import township_unit
from ..vocabulary import quoted


def parameters_in_force(ctx, uow, township: str | None) -> dict[str, Parameter]:
    """Every parameter a township's matters see, with its value in force (county parameters
    first, then the township's own), by name."""
    declared = dict(ctx.parameters)
    overrides = {}
    if township:
        declared.update(uow.parameters.township_defined(township))
        overrides = uow.parameters.overrides(township)
    return {name: replace(p, value=overrides[name]) if name in overrides else p for name, p in declared.items()}


def effective_parameters(ctx, uow, township: str | None) -> dict:
    """name -> value in force: what a new matter of the township copies."""
    return {name: p.value for name, p in parameters_in_force(ctx, uow, township).items()}


def list_parameters(ctx, actor, township: str | None = None) -> list[ParameterView]:
    """Every parameter with its default and, for a township, the value in force there.

    Raises:
        NotFound: `township` is not a township's code.
    """
    with ctx.uow(readonly=True) as uow:
        if township:
            township_unit(uow, township)
        return _views(ctx, uow, township)


@records_refusals("set_township_parameter")
def set_township_parameter(ctx, actor, township: str, name: str, value) -> list[ParameterView]:
    """A township's value of a parameter, within its floor and ceiling; new matters only.
    Returns the township's parameters afterwards.

    Raises:
        NotFound: no such township, or no such parameter in force there.
        Forbidden: the actor is not an administrator of the township or above.
        InvalidData: the value is of the wrong type, not finite, or outside the floor and ceiling.
    """
    with ctx.uow() as uow:
        township_unit(uow, township)
        require_admin(uow, actor, township, "修改乡镇参数")
        parameter = parameters_in_force(ctx, uow, township).get(name)
        if parameter is None:
            raise NotFound(f"没有参数 {name}")
        value = check_override(parameter, value)
        now = clock.now()
        uow.parameters.set(township, name, value, actor.name, now)
        uow.audit.append("parameter_changed", actor.name, None,
                         {"township": township, "name": name, "value": value}, now.isoformat())
        result = _views(ctx, uow, township)
        uow.commit()
        return result


@records_refusals("define_township_parameter")
def define_township_parameter(ctx, actor, township: str, name: str, label: str, type: str,
                              minimum, maximum, value, unit: str | None = None) -> ParameterView:
    """A township administrator declares a parameter for the township's own items (type, floor,
    ceiling and default), so a special item need not hard-code a number or borrow a county one.
    Its name may not be one the township's items already use for data: a parameter wins over
    submitted data, so it would silently replace what clerks enter.

    Raises:
        InvalidData: a bad label, unit, type, floor, ceiling or default, or a name already used.
        NotFound: no such township.
        Forbidden: the actor is not an administrator of the township or above.
    """
    label, unit = (label or "").strip(), (unit or "").strip() or None
    if not label or len(label) > 100:
        raise InvalidData("参数名称有误", {"label": "名称不能为空，且不超过100个字"})
    if unit is not None and len(unit) > 20:
        raise InvalidData("单位有误", {"unit": "单位不超过20个字"})
    parameter = check_definition(Parameter(name, label, value, minimum, maximum, unit, type, township))
    with ctx.uow() as uow:
        township_unit(uow, township)
        require_admin(uow, actor, township, "设置本乡镇参数")
        _refuse_taken_name(ctx, uow, township, name)
        now = clock.now()
        uow.parameters.define(parameter, actor.name, now)
        uow.audit.append("parameter_defined", actor.name, None, {"township": township, **parameter.as_dict()},
                         now.isoformat())
        uow.commit()
        return _view(parameter, parameter.value)


def _refuse_taken_name(ctx, uow, township: str, name: str) -> None:
    if name in ctx.parameters:
        raise InvalidData("参数名已被使用", {"name": f"{name} 是县级参数，请直接修改其在本乡镇的取值"})
    if name in uow.parameters.township_defined(township):
        raise InvalidData("参数名已被使用", {"name": f"本乡镇已有参数 {name}"})
    for version in uow.definitions.list_current():
        if version.owner_org in (None, township) and name in _data_names(version.info):
            raise InvalidData("参数名已被使用", {"name": f"事项{quoted(version.name)}的数据中已有 {name}，参数会覆盖所填内容"})


def _data_names(info: dict) -> set[str]:
    """Every field name and every name an item's expressions read (stored version info)."""
    fields = [f["name"] for f in info.get("start_form", [])]
    fields += [f["name"] for step in info.get("steps", []) for f in step.get("form", [])]
    return set(fields) | set(info.get("reads", []))



def _views(ctx, uow, township: str | None) -> list[ParameterView]:
    defaults = dict(ctx.parameters)
    if township:
        defaults.update(uow.parameters.township_defined(township))
    in_force = parameters_in_force(ctx, uow, township)
    return [_view(defaults[name], parameter.value) for name, parameter in in_force.items()]


def _view(default: Parameter, value) -> ParameterView:
    return definition_views.parameter(default, value)
