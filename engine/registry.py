"""Roles and township parameters as data: processes/roles.toml, and processes/parameters.toml plus
any processes/parameters/*.toml (one file per group of items, so authors of different items do not
edit the same file); the statutory publicity floors, processes/publicity_floors.toml.

A role code is a lane id. A parameter is a local rule (a threshold, a quorum fraction, a number of
publicity days) with a county default that a township may override, never below its statutory floor.
"""
from __future__ import annotations

import functools
import math
import re
import tomllib
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from .errors import InvalidData
from .exact import exact_fraction

LEVELS = ("village", "township", "county", "system")


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    level: str


PARAMETER_TYPES = {"integer": "整数", "number": "数值", "fraction": "比例（分数）", "list": "文字列表",
                   "text": "文字"}
PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]{2,62}$")
MAX_LIST_ITEMS, MAX_LIST_ITEM_LENGTH, MAX_FRACTION_TEXT = 200, 64, 20
MAX_TEXT_LENGTH = 200
# What a text parameter may hold, by name (a township never writes a regular expression: a named
# pattern cannot be a slow one). A telephone: digits with area code, extension, hyphens, spaces.
TEXT_PATTERNS = {
    "phone": (re.compile(r"^[0-9][0-9 \-]{1,18}[0-9](?:转[0-9]{1,6})?$"),
              "电话号码，如 0738-8321234、12388 或 0738-8321234转801"),
}


@dataclass(frozen=True)
class Parameter:
    """A local rule: a county default (processes/parameters*.toml) or a township's own parameter.

    Numbers live between a floor (`minimum`, the statutory floor where the law sets one) and a
    ceiling (`maximum`, the sane range), fractions within (0, 1] and their floor; a list keeps its
    statutory items (`minimum`). `township` is None for a county parameter."""
    name: str
    label: str
    value: object
    minimum: object = None
    maximum: object = None
    unit: str | None = None
    type: str = "integer"
    township: str | None = None
    pattern: str | None = None     # a text parameter's named pattern (TEXT_PATTERNS)

    def as_dict(self) -> dict:
        return {"name": self.name, "label": self.label, "value": self.value, "type": self.type,
                "min": self.minimum, "max": self.maximum, "unit": self.unit, "township": self.township,
                "pattern": self.pattern}


def parameter_type(value) -> str:
    """The type a TOML default implies."""
    if isinstance(value, bool):
        raise ValueError("a parameter cannot be true/false")
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "fraction"       # a text parameter says `type = "text"`
    if isinstance(value, list):
        return "list"
    raise ValueError(f"unsupported parameter value {value!r}")


def load_roles(processes_dir: Path) -> dict[str, Role]:
    path = Path(processes_dir) / "roles.toml"
    table = tomllib.loads(path.read_text(encoding="utf-8")).get("roles", {})
    roles = {}
    for code, row in table.items():
        if row.get("level") not in LEVELS:
            raise ValueError(f"{path}: role {code} has level {row.get('level')!r}, expected one of {LEVELS}")
        roles[code] = Role(code, row["name"], row["level"])
    return roles


@dataclass(frozen=True)
class PublicityFloor:
    """A statutory minimum publicity period for a kind of item (processes/publicity_floors.toml):
    its Chinese label, the floor in days, the rule that sets it, and the words that identify it."""
    kind: str
    label: str
    days: int
    basis: str
    words: tuple[str, ...]

    def applies_to(self, text: str) -> bool:
        return any(word in text for word in self.words)


def load_publicity_floors(processes_dir: Path) -> tuple[PublicityFloor, ...]:
    """The statutory publicity floors; none when the file is absent. ValueError naming the file
    and kind when a kind lacks its label, a positive number of days, its basis or its words."""
    path = Path(processes_dir) / "publicity_floors.toml"
    if not path.exists():
        return ()
    floors = []
    for kind, row in tomllib.loads(path.read_text(encoding="utf-8")).get("kinds", {}).items():
        days, words = row.get("days"), row.get("words")
        if not (isinstance(days, int) and not isinstance(days, bool) and days > 0):
            raise ValueError(f"{path}: kind {kind}: days must be a positive whole number")
        if not (isinstance(words, list) and words and all(isinstance(w, str) and w.strip() for w in words)):
            raise ValueError(f"{path}: kind {kind}: words must be a non-empty list of words")
        for key in ("label", "basis"):
            if not (isinstance(row.get(key), str) and row[key].strip()):
                raise ValueError(f"{path}: kind {kind}: {key} is required")
        floors.append(PublicityFloor(kind, row["label"], days, row["basis"], tuple(w.strip() for w in words)))
    return tuple(floors)


def load_parameters(processes_dir: Path) -> dict[str, Parameter]:
    """The county's parameters (processes/parameters.toml and processes/parameters/*.toml).
    Checking ~200 declarations takes tens of milliseconds and every Context (each test, each CLI
    command) reads them, so the result is kept per content of the files: an edited file is
    checked again, an unchanged one only read."""
    processes_dir = Path(processes_dir)
    paths = [processes_dir / "parameters.toml", *sorted((processes_dir / "parameters").glob("*.toml"))]
    return dict(_parameters_of(tuple((path, path.read_text(encoding="utf-8")) for path in paths if path.exists())))


@functools.lru_cache(maxsize=16)
def _parameters_of(files: tuple[tuple[Path, str], ...]) -> dict[str, Parameter]:
    parameters: dict[str, Parameter] = {}
    for path, content in files:
        for name, row in tomllib.loads(content).get("parameters", {}).items():
            if name in parameters:
                raise ValueError(f"{path}: parameter {name} is defined twice")
            parameters[name] = _from_row(path, name, row)
    return parameters


def _from_row(path: Path, name: str, row: dict) -> Parameter:
    """A county parameter; ValueError naming the file and parameter if it breaks the rules."""
    try:
        kind = row.get("type") or parameter_type(row["value"])
        parameter = Parameter(name, row["label"], row["value"], row.get("min"), row.get("max"), row.get("unit"), kind,
                              pattern=row.get("pattern"))
        check_definition(parameter)
    except (KeyError, ValueError) as exc:
        raise ValueError(f"{path}: parameter {name}: {exc}") from None
    except InvalidData as exc:
        raise ValueError(f"{path}: parameter {name}: {exc.message} {exc.errors}") from None
    return parameter


MAX_BOUND = 10 ** 13        # a floor or ceiling past any sum a village handles (ten trillion yuan)


def check_definition(parameter: Parameter) -> Parameter:
    """A parameter's own declaration: a known type, a floor and ceiling of that type with the
    floor below the ceiling, and a default within them. InvalidData names the problem."""
    fail = lambda problem: _or_fail(parameter, None, problem)  # noqa: E731
    if not PARAMETER_NAME.match(parameter.name or ""):
        raise InvalidData("参数名不合规", {"name": "参数名为 3-63 个小写字母、数字或下划线，以字母开头"})
    if parameter.type not in PARAMETER_TYPES:
        fail(f"类型应为 {'、'.join(PARAMETER_TYPES)} 之一")
    if parameter.type in ("integer", "number"):
        for bound, text in ((parameter.minimum, "下限"), (parameter.maximum, "上限")):
            if not _finite_number(bound) or (parameter.type == "integer" and not float(bound).is_integer()):
                fail(f"{text}应为{PARAMETER_TYPES[parameter.type]}")
            if abs(bound) > MAX_BOUND:
                fail(f"{text}应在 ±{MAX_BOUND:,} 之内")
        if parameter.minimum > parameter.maximum:
            fail("下限不能高于上限")
    if parameter.type == "list":
        if parameter.maximum is not None:
            fail("列表参数不设上限")
        if parameter.minimum is not None and not (isinstance(parameter.minimum, list) and all(
                isinstance(v, str) and v for v in parameter.minimum)):
            fail("列表参数的下限是不能去掉的法定项（文字列表），如 [\"纪检\", \"农经\"]")
    if parameter.type == "text":
        _check_text_declaration(parameter, fail)
    elif parameter.pattern is not None:
        fail("只有文字参数可以指定格式")
    if parameter.type == "fraction":
        for bound in (parameter.minimum, parameter.maximum):
            if bound is not None and _fraction(bound) is None:
                fail("上下限应为 0 到 1 之间的分数，如 \"2/3\"")
        if parameter.minimum is not None and parameter.maximum is not None and \
                _fraction(parameter.minimum) > _fraction(parameter.maximum):
            fail("下限不能高于上限")
    check_override(parameter, parameter.value)
    return parameter


def _check_text_declaration(parameter: Parameter, fail) -> None:
    """A text parameter: `max` is its longest length (1-200 characters), no `min`, and an optional
    named pattern."""
    if parameter.minimum is not None:
        fail("文字参数不设下限")
    if not (isinstance(parameter.maximum, int) and not isinstance(parameter.maximum, bool)
            and 0 < parameter.maximum <= MAX_TEXT_LENGTH):
        fail(f"文字参数的上限是最多字数（1-{MAX_TEXT_LENGTH}）")
    if parameter.pattern is not None and parameter.pattern not in TEXT_PATTERNS:
        fail(f"格式应为 {'、'.join(TEXT_PATTERNS)} 之一")


def _finite_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _fraction(value) -> Fraction | None:
    if not isinstance(value, str) or len(value) > MAX_FRACTION_TEXT:
        return None
    try:
        fraction = exact_fraction(value)    # "2/3", "1", "0.5"
    except (ValueError, ZeroDivisionError):
        return None
    return fraction if 0 < fraction <= 1 else None


def check_override(parameter: Parameter, value) -> object:
    """The value a township may set for a parameter (typed: an integral float becomes an int), or
    InvalidData saying why not: wrong type, NaN or infinite, below the floor, above the ceiling."""
    checks = {"list": _check_list, "fraction": _check_fraction, "integer": _check_number, "number": _check_number,
              "text": _check_text}
    return checks[parameter.type](parameter, value)


def _check_list(parameter: Parameter, value) -> list:
    ok = isinstance(value, list) and 0 < len(value) <= MAX_LIST_ITEMS and all(
        isinstance(v, str) and 0 < len(v) <= MAX_LIST_ITEM_LENGTH for v in value)
    _or_fail(parameter, value if ok else None,
             f"应为非空的文字列表（至多 {MAX_LIST_ITEMS} 项，每项至多 {MAX_LIST_ITEM_LENGTH} 个字）")
    missing = [v for v in (parameter.minimum or []) if v not in value]
    return _or_fail(parameter, None if missing else value, f"不能去掉法定项：{'、'.join(missing)}")


def _check_text(parameter: Parameter, value) -> str:
    """One line of text, at most `maximum` characters, matching the parameter's pattern."""
    if not isinstance(value, str) or not value.strip() or any(ord(c) < 32 for c in value):
        return _or_fail(parameter, None, "应为一行非空的文字")
    value = value.strip()
    if len(value) > (parameter.maximum or MAX_TEXT_LENGTH):
        return _or_fail(parameter, None, f"不能超过 {parameter.maximum} 个字")
    if parameter.pattern in TEXT_PATTERNS:
        regex, words = TEXT_PATTERNS[parameter.pattern]
        if not regex.match(value):
            return _or_fail(parameter, None, f"格式不对，应为{words}")
    return value


def _check_fraction(parameter: Parameter, value) -> str:
    fraction = _fraction(value)
    if fraction is None:
        return _or_fail(parameter, None, "应为 0 到 1 之间的分数，如 \"2/3\"")
    if parameter.minimum is not None and fraction < exact_fraction(parameter.minimum):
        return _or_fail(parameter, None, f"不能低于法定下限 {parameter.minimum}")
    if parameter.maximum is not None and fraction > exact_fraction(parameter.maximum):
        return _or_fail(parameter, None, f"不能高于上限 {parameter.maximum}")
    return value


def _check_number(parameter: Parameter, value):
    unit = parameter.unit or ""
    if not _finite_number(value):
        return _or_fail(parameter, None, "应为有限的数字")
    if parameter.type == "integer":
        if not float(value).is_integer():
            return _or_fail(parameter, None, "应为整数")
        value = int(value)
    if parameter.minimum is not None and value < parameter.minimum:
        return _or_fail(parameter, None, f"不能低于下限 {parameter.minimum}{unit}")
    if parameter.maximum is not None and value > parameter.maximum:
        return _or_fail(parameter, None, f"不能高于上限 {parameter.maximum}{unit}")
    return value


def _or_fail(parameter: Parameter, value, problem: str):
    if value is None:
        raise InvalidData(f"参数 {parameter.label} 的值不合规", {parameter.name: problem})
    return value
