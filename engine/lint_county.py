"""The two rules of the compliance lint (engine/lint.py) that measure an item against something
outside its own file: the statutory publicity floors (processes/publicity_floors.toml) and the
county item a township's special item overlaps.

Both compare publicity periods by their *shortest possible* length, worked out from the timer's
duration as written: an ISO literal at its shortest (a month of 28 days), `days(parameter)` at the
parameter's declared floor (`min`: a township may lower its value that far and no further), and
`a if c else b` at its shorter branch. Anything else (a form field typed by a clerk, arithmetic, a
parameter whose floor is not known) cannot be shown to be long enough, and is reported as such.
"""
from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from bpmn_reader import iso_literal, iso_shortest_days

from .bpmn_xml import NS, local_name, parse_bpmn_bytes, properties
from .disclosure import XIAOWEI, publicity_intake
from .errors import DefinitionError
from .structure import STEPS

MAJOR_DECISION = "major_decision"
OVERLAPS = "overlaps"


@dataclass(frozen=True)
class Period:
    """A publicity period: the interrupting timer on an objection intake, and how long it lasts
    at the least (days; None when that cannot be told)."""
    timer: object
    intake: str
    text: str
    shortest: float | None

    @property
    def label(self) -> str:
        return self.timer.get("name") or self.timer.get("id")


@dataclass(frozen=True)
class CountyItem:
    key: str
    name: str
    file: str
    process: object


def parameter_floors(parameters) -> dict[str, object]:
    """name -> declared floor, from the parameters' declarations by name (registry.Parameter, or
    the floor itself), or from bare names (floors unknown)."""
    if isinstance(parameters, Mapping):
        return {name: getattr(p, "minimum", p) for name, p in parameters.items()}
    return dict.fromkeys(parameters or ())


def county_items(files: Mapping[str, bytes]) -> dict[str, CountyItem]:
    """The county's items (every executable process of a file not under townships/), by key."""
    items = {}
    for name, data in files.items():
        if _township_file(name):
            continue
        try:
            root = parse_bpmn_bytes(data, name)
        except DefinitionError:
            continue                    # the load-time checks report a bad file
        for process in root.iterfind("bpmn:process", NS):
            if process.get("isExecutable", "false").lower() == "true":
                items[process.get("id")] = CountyItem(process.get("id"), process.get("name") or process.get("id"),
                                                      name, process)
    return items


def _township_file(name: str) -> bool:
    """processes/townships/<township>/... holds a township's special list (services owner_of)."""
    parts = name.replace("\\", "/").split("/")
    return len(parts) > 2 and parts[0] == "townships"


# -- shortest possible publicity periods ------------------------------------------------------------
def publicity_periods(process, floors: Mapping[str, object]) -> list[Period]:
    intakes = {e.get("id") for e in process.iter() if isinstance(e.tag, str) and local_name(e) in STEPS
               and properties(e).get("objection_intake", "").lower() == "true"}
    periods = []
    for event in process.iterfind(".//bpmn:boundaryEvent", NS):
        text = (event.findtext("bpmn:timerEventDefinition/bpmn:timeDuration", default="", namespaces=NS) or "").strip()
        if event.get("attachedToRef") in intakes and text and event.get("cancelActivity", "true").lower() == "true":
            periods.append(Period(event, event.get("attachedToRef"), text, shortest_days(text, floors)))
    return periods


def shortest_days(text: str, floors: Mapping[str, object]) -> float | None:
    """The least number of days a timer duration can last, or None when it cannot be told."""
    literal = iso_literal(text)
    if literal is not None:
        return iso_shortest_days(literal)
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    return _shortest(tree, floors, counting=False)


def _shortest(node, floors, counting: bool) -> float | None:
    """`counting`: inside days(...), where a value is a number of days; outside, a duration."""
    if isinstance(node, ast.IfExp):
        branches = [_shortest(node.body, floors, counting), _shortest(node.orelse, floors, counting)]
        return None if None in branches else min(branches)
    if not counting:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return shortest_days(repr(node.value), floors)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "days" \
                and len(node.args) == 1 and not node.keywords:
            count = _shortest(node.args[0], floors, counting=True)
            return None if count is None else float(max(math.floor(count), 0))    # days() keeps whole days
        return None
    if isinstance(node, ast.Constant) and _number(node.value):
        return float(node.value)
    if isinstance(node, ast.Name) and _number(floors.get(node.id)):
        return float(floors[node.id])
    return None


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _days(value: float) -> str:
    return f"{value:g}"


# -- publicity-floor -------------------------------------------------------------------------------
def publicity_floor(process, periods: list[Period], kinds: Iterable, found) -> list:
    """A period of an item of a kind with a statutory floor (低保, 特困) that can end sooner, and
    an item of such a kind with no period of that kind at all."""
    kinds, out = tuple(kinds), []
    for kind in kinds:
        if kind.applies_to(_item_words(process)) \
                and not any(kind.applies_to(_period_words(process, period)) for period in periods):
            out.append(found("publicity-floor", process,
                             f"{kind.label}事项“{process.get('name') or process.get('id')}”没有{kind.label}公示期"
                             f"（公示期异议受理步骤 objection_intake 及其公示期定时器），法定公示期不少于 {kind.days} 天"
                             f"（{kind.basis}）：请加上公示期，时长用下限（min）不少于 {kind.days} 天的参数"))
    for period in periods:
        text = _period_words(process, period)
        for kind in kinds:
            if not kind.applies_to(text):
                continue
            if period.shortest is None:
                out.append(found("publicity-floor", period.timer,
                                 f"{kind.label}公示期“{period.label}”（{period.text}）的最短天数无法确定，"
                                 f"法定不得少于 {kind.days} 天（{kind.basis}）：请用 days(参数)，"
                                 f"参数的下限（min）不少于 {kind.days} 天"))
            elif period.shortest < kind.days:
                out.append(found("publicity-floor", period.timer,
                                 f"{kind.label}公示期最短可为 {_days(period.shortest)} 天，少于法定的 {kind.days} 天"
                                 f"（{kind.basis}）：公示期“{period.label}”写作 {period.text}，"
                                 f"请改用下限（min）不少于 {kind.days} 天的参数"))
    return out


def _item_words(process) -> str:
    """What tells an item's kind: its name, and the title and stage of each of its publicity points."""
    words = [process.get("name") or ""]
    for element, publish in _publicity_points(process):
        words += [publish.get("title") or element.get("name") or "", publish.get("stage") or ""]
    return " ".join(words)


def _period_words(process, period: Period) -> str:
    """What tells a period's kind: the item's name, the timer's name, and the title and stage of
    the publicity point that opens it (the xiaowei:publish step before the objection intake)."""
    words = [process.get("name") or "", period.timer.get("name") or ""]
    for element, publish in _publicity_points(process):
        if publicity_intake(element) == period.intake:
            words += [publish.get("title") or element.get("name") or "", publish.get("stage") or ""]
    return " ".join(words)


def _publicity_points(process):
    for element in process.iter():
        if isinstance(element.tag, str):
            publish = element.find(f"bpmn:extensionElements/{{{XIAOWEI}}}publish", NS)
            if publish is not None:
                yield element, publish


# -- weakens-county ----------------------------------------------------------------------------
def weakens_county(process, periods: list[Period], county: Mapping[str, CountyItem], file: str,
                   floors: Mapping[str, object], found) -> list:
    """A special item may not weaken a county item it overlaps (property `overlaps` = the county
    item's key, or the same name): what the county item has and the special one lacks."""
    others = {key: c for key, c in county.items() if key != process.get("id") and c.file != file}
    out, overlapped = [], []
    for key in [k.strip() for k in properties(process).get(OVERLAPS, "").split(",") if k.strip()]:
        if key in others:
            overlapped.append((others[key], f"overlaps={key}"))
        else:
            out.append(found("weakens-county", process, f"overlaps 写的 {key} 不是县级清单事项：请写所重叠的县级事项的"
                             "流程标识（如 dibao），或删去这一属性"))
    name = (process.get("name") or "").strip()
    overlapped += [(c, "同名") for c in others.values() if name and c.name.strip() == name
                   and c not in [o for o, _ in overlapped]]
    for item, how in overlapped:
        out += _weaker(process, periods, item, floors, _sayer(found, item, how))
    return out


def _sayer(found, item: CountyItem, how: str):
    def say(element, missing: str):
        return found("weakens-county", element,
                     f"与县级清单事项“{item.name}”重叠（{how}），但{missing}：特色事项不得弱化它所重叠的县级事项")
    return say


def _weaker(process, periods, item: CountyItem, floors, say) -> list:
    theirs, ours = _traits(item.process), _traits(process)
    out = []
    if theirs["calls"] and not ours["calls"]:
        out.append(say(process, "没有调用四议两公开（县级事项调用 callActivity calledElement=\"major_decision\"）"))
    if theirs["supervision"] and not ours["supervision"]:
        out.append(say(process, f"没有监督步骤（县级事项的{_listed(theirs['supervision'])}是监督步骤，supervision=true）"))
    if theirs["separation"] and not ours["separation"]:
        out.append(say(process, f"没有声明职责分离（县级事项的{_listed(theirs['separation'])}声明了 separate_from）"))
    if theirs["publish"] and not ours["publish"]:
        out.append(say(process, f"没有公开点（县级事项公开{_listed(theirs['publish'])}，xiaowei:publish）"))
    return out + _shorter_periods(process, periods, item, floors, say)


def _shorter_periods(process, periods, item: CountyItem, floors, say) -> list:
    known = [p.shortest for p in publicity_periods(item.process, floors) if p.shortest is not None]
    if not known:
        return []
    least = min(known)
    if not periods:
        return [say(process, f"没有公示期（公示期异议受理步骤及其定时器），县级事项的公示期至少 {_days(least)} 天")]
    out = []
    for period in periods:
        if period.shortest is None:
            out.append(say(period.timer, f"公示期“{period.label}”（{period.text}）的最短天数无法确定，"
                                         f"县级事项的公示期至少 {_days(least)} 天"))
        elif period.shortest < least:
            out.append(say(period.timer, f"公示期“{period.label}”最短可为 {_days(period.shortest)} 天，"
                                         f"短于县级事项最短的公示期 {_days(least)} 天"))
    return out


def _traits(process) -> dict:
    steps = [e for e in process.iter() if isinstance(e.tag, str) and local_name(e) in STEPS]
    return {
        "calls": any(c.get("calledElement") == MAJOR_DECISION for c in process.iterfind(".//bpmn:callActivity", NS)),
        "supervision": [_named(s) for s in steps if properties(s).get("supervision", "").lower() == "true"],
        "separation": [_named(s) for s in steps if properties(s).get("separate_from", "").strip()],
        "publish": [publish.get("title") or _named(element) for element, publish in _publicity_points(process)],
    }


def _named(element) -> str:
    return element.get("name") or element.get("id")


def _listed(names: list[str], most: int = 3) -> str:
    shown = "、".join(f"“{n}”" for n in names[:most])
    return shown + (f"等 {len(names)} 处" if len(names) > most else "")
