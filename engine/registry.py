"""Roles and township parameters as data: processes/roles.toml, and processes/parameters.toml plus
any processes/parameters/*.toml (one file per group of items, so authors of different items do not
edit the same file).

A role code is a lane id. A parameter is a local rule (a threshold, a quorum fraction, a number of
publicity days) with a county default that a township may override, never below its statutory floor.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .errors import InvalidData

LEVELS = ("village", "township", "county", "system")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    level: str


@dataclass(frozen=True)
class Parameter:
    name: str
    label: str
    value: object
    minimum: object = None
    unit: str | None = None

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "value": self.value,
                "min": self.minimum, "unit": self.unit}


def load_roles(processes_dir: Path) -> dict[str, Role]:
    path = Path(processes_dir) / "roles.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("roles", {})
    roles = {}
    for code, row in table.items():
        if row.get("level") not in LEVELS:
            raise ValueError(f"{path}: role {code} has level {row.get('level')!r}, expected one of {LEVELS}")
        roles[code] = Role(code, row["name"], row["level"])
    return roles


def load_parameters(processes_dir: Path) -> dict[str, Parameter]:
    processes_dir = Path(processes_dir)
    paths = [processes_dir / "parameters.toml", *sorted((processes_dir / "parameters").glob("*.toml"))]
    parameters: dict[str, Parameter] = {}
    for path in paths:
        if not path.exists():
            continue
        for name, row in tomllib.loads(path.read_text(encoding="utf-8")).get("parameters", {}).items():
            if name in parameters:
                raise ValueError(f"{path}: parameter {name} is defined twice")
            parameters[name] = Parameter(name, row["label"], row["value"], row.get("min"), row.get("unit"))
            _check_default(path, parameters[name])
    return parameters


def _check_default(path: Path, parameter: Parameter) -> None:
    """A county default must itself respect its floor: check it as a township value would be."""
    try:
        check_override(parameter, parameter.value)
    except InvalidData as exc:
        raise ValueError(f"{path}: default of {parameter.name} is invalid: {exc.errors}") from None


def check_override(parameter: Parameter, value) -> object:
    """The value a township may set for a parameter, or InvalidData saying why not."""
    default = parameter.value
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value) and value
        _or_fail(parameter, value if ok else None, "应为非空的文字列表")
        missing = [v for v in (parameter.minimum or []) if v not in value]
        return _or_fail(parameter, None if missing else value, f"不能去掉法定项：{'、'.join(missing)}")
    if isinstance(default, str):
        try:
            fraction = Fraction(value) if isinstance(value, str) and "/" in value else None
        except (ValueError, ZeroDivisionError):
            fraction = None
        if fraction is None or not 0 < fraction <= 1:
            return _or_fail(parameter, None, "应为 0 到 1 之间的分数，如 \"2/3\"")
        if parameter.minimum is not None and fraction < Fraction(parameter.minimum):
            return _or_fail(parameter, None, f"不能低于法定下限 {parameter.minimum}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return _or_fail(parameter, None, "应为数字")
    if parameter.minimum is not None and value < parameter.minimum:
        return _or_fail(parameter, None, f"不能低于下限 {parameter.minimum}{parameter.unit or ''}")
    return value


def _or_fail(parameter: Parameter, value, problem: str):
    if value is None:
        raise InvalidData(f"参数 {parameter.label} 的值不合规", {parameter.name: problem})
    return value
