"""Roles and township parameters as data (processes/roles.toml, processes/parameters.toml).

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


def load_roles(path: Path) -> dict[str, Role]:
    table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("roles", {})
    roles = {}
    for code, row in table.items():
        if row.get("level") not in LEVELS:
            raise ValueError(f"{path}: role {code} has level {row.get('level')!r}, expected one of {LEVELS}")
        roles[code] = Role(code, row["name"], row["level"])
    return roles


def load_parameters(path: Path) -> dict[str, Parameter]:
    table = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("parameters", {})
    return {name: Parameter(name, row["label"], row["value"], row.get("min"), row.get("unit"))
            for name, row in table.items()}


def check_override(parameter: Parameter, value) -> object:
    """The value a township may set for a parameter, or InvalidData saying why not."""
    default = parameter.value
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value) and value
        return _or_fail(parameter, value if ok else None, "应为非空的文字列表")
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
