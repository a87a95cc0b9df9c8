"""The compliance lint (规则检查) of a power-list item: the conventions of docs/bpmn-conventions.md
that the loader does not enforce, each a rule with an id, a severity and a Chinese message naming
the file, the element and the line. Errors block publishing a township item; warnings are advice.

Pure: XML in, findings out (no database, no Flask). `check_documents` adds every load-time check
(engine/definitions.py Catalog) in front, so the CLI, the API's check and the publish gate agree.
The rules that need more than the file (statutory publicity floors, the county items a special
item overlaps) live in engine/lint_county.py; the caller hands in the parameters' declarations
(their floors), the floors and the county's files.
"""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .bpmn_xml import NS, local_name, parse_bpmn_bytes, properties
from .errors import DefinitionError
from .expressions import names_in
from .lint_county import county_items, parameter_floors, publicity_floor, publicity_periods, weakens_county
from .structure import STEPS, check_structure

ERROR, WARNING = "error", "warning"
MAJOR_DECISION = "major_decision"
MONEY_CATEGORIES = ("工程项目", "招投标采购", "资产资源", "财务管理")
THRESHOLD = re.compile(r"_decision_threshold$")

# rule id -> (severity, what it asks, in Chinese): the list the docs and the API show.
RULES = {
    "load": (ERROR, "文件须通过全部载入检查（结构、表达式、表单、公开声明、调用的流程）"),
    "step-lane": (ERROR, "每个办理步骤都在一个角色泳道中"),
    "step-name": (ERROR, "每个办理步骤、调用活动和子流程都有名称"),
    "step-deadline": (WARNING, "每个办理步骤都有时限（deadline）；公示期异议受理步骤由公示期定时器限时，除外"),
    "policy-basis": (ERROR, "事项或每个步骤写明政策依据（policy_basis）"),
    "field-parameter": (ERROR, "表单字段不得与参数同名"),
    "objection-timer": (ERROR, "每个公示期异议受理步骤都附有公示期定时边界事件"),
    "publicity-parameter": (WARNING, "公示期的时长读取有法定下限的参数（days(参数)），不写死天数"),
    "publicity-floor": (ERROR, "低保、特困等有法定最短公示期的事项须有公示期，公示期最短也不少于法定天数"),
    "money-separation": (ERROR, "涉及资金的事项中，监督步骤须声明职责分离（separate_from）"),
    "money-step-separation": (WARNING, "填写金额的步骤宜声明职责分离（separate_from）"),
    "major-decision": (ERROR, "金额达到决策限额时走的分支（无论条件写在大额还是小额一支，含默认分支）"
                       "须调用四议两公开（major_decision）"),
    "decision-threshold": (WARNING, "涉及资金的事项宜按决策限额走四议两公开"),
    "unreachable": (ERROR, "没有从开始事件走不到的步骤"),
    "dead-end": (ERROR, "除结束事件外，没有无出口的元素"),
    "weakens-county": (ERROR, "特色事项不得弱化与之重叠（overlaps 或同名）的县级事项：四议两公开、监督步骤、"
                       "职责分离、公示期天数、公开点都不得少于县级事项"),
}
# Structure findings the lint reports under its own rule ids (the loader refuses them too).
_FROM_STRUCTURE = {"unreachable": "unreachable", "dead-end": "dead-end", "objection-timer": "objection-timer",
                   "step-name": "step-name"}


@dataclass(frozen=True)
class LintFinding:
    rule: str
    severity: str
    file: str
    element: str | None
    line: int | None
    message: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "severity": self.severity, "file": self.file, "element": self.element,
                "line": self.line, "message": self.message}

    def text(self) -> str:
        where = self.file + (f" 第 {self.line} 行" if self.line else "") + (f" 元素 {self.element}" if self.element else "")
        return f"{'错误' if self.severity == ERROR else '警告'} [{self.rule}] {where}：{self.message}"


def has_errors(findings) -> bool:
    return any(f.severity == ERROR for f in findings)


def check_documents(files: dict[str, bytes], base: dict[str, bytes], role_codes: set[str] | None,
                    parameters, floors=()) -> list[LintFinding]:
    """Every load-time check of `files` (parsed together with `base`, the items they may call; a
    base file defining one of their keys is left out), then the lint of each one, against the
    county items among `base` (files not under townships/).

    `parameters`: the parameters the files may read, by name, with their declarations
    (registry.Parameter: the floor `min` counts); bare names are accepted, floors then unknown.
    `floors`: the statutory publicity floors (registry.load_publicity_floors)."""
    from .definitions import Catalog       # the loader imports SpiffWorkflow; the lint alone does not

    findings = []
    keys = set()
    for name, data in files.items():
        try:
            root = parse_bpmn_bytes(data, name)
        except DefinitionError as exc:
            findings.append(_from_error(exc))
            continue
        keys |= {p.get("id") for p in root.iterfind("bpmn:process", NS)}
    if findings:
        return findings
    kept = {n: d for n, d in base.items() if n not in files and not _defines(d, keys)}
    names = set(parameters) if parameters is not None else None
    try:
        Catalog({**kept, **files}, role_codes=role_codes, parameter_names=names)
    except DefinitionError as exc:
        findings.append(_from_error(exc))
    except Exception as exc:  # noqa: BLE001 - the library's own surprises are a bad file
        findings.append(LintFinding("load", ERROR, sorted(files)[0], None, None,
                                    f"无法解析（{type(exc).__name__}: {exc}）"))
    county = county_items(base)
    for name, data in sorted(files.items()):
        findings += lint_document(name, data, parameters, floors, county)
    return _unique(findings)


def _defines(data: bytes, keys: set[str]) -> bool:
    """Whether a file defines one of the processes (by its process id, not any element's)."""
    if not any(key.encode() in data for key in keys):
        return False
    try:
        root = parse_bpmn_bytes(data, "base.bpmn")
    except DefinitionError:
        return False
    return any(p.get("id") in keys for p in root.iterfind("bpmn:process", NS))


def _from_error(exc: DefinitionError) -> LintFinding:
    return LintFinding("load", ERROR, exc.file, exc.element, exc.line, exc.problem)


def _unique(findings):
    seen, kept = set(), []
    for f in findings:
        key = (f.file, f.element, f.message)
        if key not in seen:
            seen.add(key)
            kept.append(f)
    return kept


def lint_document(name: str, data: bytes, parameters=None, floors=(), county=None) -> list[LintFinding]:
    """The lint of one BPMN file: every executable process in it. `parameters` and `floors` as for
    check_documents; `county`: the county's items (lint_county.county_items), or None to leave
    the comparison with them (weakens-county) out."""
    try:
        root = parse_bpmn_bytes(data, name)
    except DefinitionError as exc:
        return [_from_error(exc)]
    findings = []
    for process in root.iterfind("bpmn:process", NS):
        if process.get("isExecutable", "false").lower() == "true":
            findings += lint_process(process, name, parameters or set(), floors, county)
    return findings


def lint_process(process, name: str, parameters, floors=(), county=None) -> list[LintFinding]:
    def found(rule, element, message):
        return LintFinding(rule, RULES[rule][0], name, element.get("id") if element is not None else None,
                           getattr(element, "sourceline", None), message)

    findings = [LintFinding(_FROM_STRUCTURE[f.rule], RULES[_FROM_STRUCTURE[f.rule]][0], name, f.element, f.line,
                            f.problem)
                for f in check_structure(process) if f.rule in _FROM_STRUCTURE]
    parameter_names, declared = set(parameters), parameter_floors(parameters)
    steps = [e for e in process.iter() if isinstance(e.tag, str) and local_name(e) in STEPS]
    in_lanes = {(r.text or "").strip() for r in process.iterfind(".//bpmn:lane/bpmn:flowNodeRef", NS)}
    meta = properties(process)
    money_item = False
    for step in steps:
        props = properties(step)
        label = step.get("name") or step.get("id")
        if not _in_lane(step, in_lanes, process):
            findings.append(found("step-lane", step, f"步骤“{label}”不在任何角色泳道中：请把它放进办理它的角色的泳道"))
        if not props.get("deadline") and props.get("objection_intake", "").lower() != "true":
            findings.append(found("step-deadline", step, f"步骤“{label}”没有时限：请写 deadline（如 P5D 或 workdays(参数)）"))
        if not (props.get("policy_basis") or meta.get("policy_basis")):
            findings.append(found("policy-basis", step, f"步骤“{label}”没有政策依据：请在事项或步骤上写 policy_basis"))
        money = _money_fields(step)
        money_item = money_item or bool(money)
        if money and not props.get("separate_from") and props.get("supervision", "").lower() != "true":
            findings.append(found("money-step-separation", step,
                                  f"步骤“{label}”填写金额（{'、'.join(money)}）但未声明职责分离 separate_from"))
    start = next((e for e in process if isinstance(e.tag, str) and local_name(e) == "startEvent"), None)
    money_item = money_item or (start is not None and bool(_money_fields(start)))
    if money_item:
        for step in steps:
            props = properties(step)
            if props.get("supervision", "").lower() == "true" and props.get("objection_intake", "").lower() != "true" \
                    and not props.get("separate_from"):
                findings.append(found("money-separation", step, f"监督步骤“{step.get('name') or step.get('id')}”"
                                      "所在事项涉及资金，须声明职责分离 separate_from（如 start）"))
    for holder in [start, *steps]:
        if holder is None:
            continue
        for field in holder.iterfind(".//camunda:formField", NS):
            if field.get("id") in parameter_names:
                findings.append(found("field-parameter", field, f"表单字段 {field.get('id')} 与参数同名："
                                      "参数决定门槛和期限，不能由填写的数据覆盖"))
    findings += _publicity_timers(process, found)
    findings += _major_decision(process, meta, money_item, found)
    periods = publicity_periods(process, declared)
    findings += publicity_floor(process, periods, floors, found)
    if county is not None:
        findings += weakens_county(process, periods, county, name, declared, found)
    return findings


def _in_lane(element, in_lanes, process) -> bool:
    while element is not None and element is not process:
        if element.get("id") in in_lanes:
            return True
        element = element.getparent()
    return False


def _money_fields(element) -> list[str]:
    form = element.find("bpmn:extensionElements/camunda:formData", NS)
    if form is None:
        return []
    return [f.get("label") or f.get("id") for f in form.iterfind("camunda:formField", NS) if f.get("type") == "money"]


def _publicity_timers(process, found) -> list[LintFinding]:
    intakes = {e.get("id") for e in process.iter() if isinstance(e.tag, str) and local_name(e) in STEPS
               and properties(e).get("objection_intake", "").lower() == "true"}
    out = []
    for event in process.iterfind(".//bpmn:boundaryEvent", NS):
        if event.get("attachedToRef") not in intakes:
            continue
        text = (event.findtext("bpmn:timerEventDefinition/bpmn:timeDuration", default="", namespaces=NS) or "").strip()
        if text and not _reads_a_name(text):
            out.append(found("publicity-parameter", event, f"公示期“{event.get('name') or event.get('id')}”写死为 {text}："
                             "请用 days(参数)，参数的下限（min）即法定最短公示期"))
    return out


def _reads_a_name(text: str) -> bool:
    try:
        return bool(names_in(text) - {"days", "workdays"})
    except SyntaxError:
        return False


def _major_decision(process, meta, money_item, found) -> list[LintFinding]:
    """The branch taken when an amount reaches a decision threshold must lead to a call of
    四议两公开, however the gateway writes it: a condition true at or above the threshold
    (`x >= *_decision_threshold`, `not (x < ...)`), or the default flow (or, with no default, the
    other flows) when the conditions are written for the amounts below it (`x < ...`)."""
    nodes = {e.get("id"): e for e in process.iter() if isinstance(e.tag, str) and e.get("id")}
    outgoing, leaving = {}, {}
    for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow.get("targetRef"))
        leaving.setdefault(flow.get("sourceRef"), []).append(flow)
    attached = {}
    for event in process.iterfind(".//bpmn:boundaryEvent", NS):
        attached.setdefault(event.get("attachedToRef"), []).append(event.get("id"))
    out, reads_threshold = [], False
    for source, flows in leaving.items():
        conditions = {flow.get("id"): _condition(flow) for flow in flows}
        if not any(c and _names(c, THRESHOLD) for c in conditions.values()):
            continue
        reads_threshold = True
        for flow, why in _big_branches(nodes.get(source), flows, conditions):
            if not _reaches_call(flow.get("targetRef"), nodes, outgoing, attached):
                out.append(found("major-decision", flow, f"分支“{flow.get('name') or flow.get('id')}”（{why}）"
                                 "金额达到决策限额，但之后没有调用四议两公开（callActivity calledElement=\"major_decision\"）"))
    calls = {c.get("calledElement") for c in process.iterfind(".//bpmn:callActivity", NS)}
    if money_item and not reads_threshold and MAJOR_DECISION not in calls and process.get("id") != MAJOR_DECISION \
            and meta.get("category") in MONEY_CATEGORIES:
        out.append(found("decision-threshold", process, "事项涉及资金，但没有按决策限额（*_decision_threshold 参数）"
                         "分流，也没有调用四议两公开"))
    return out


def _condition(flow) -> str:
    return (flow.findtext("bpmn:conditionExpression", default="", namespaces=NS) or "").strip()


def _names(text: str, pattern) -> set[str]:
    try:
        return {n for n in names_in(text) if pattern.search(n)}
    except SyntaxError:
        return set()


# The truth of a condition when the amounts it compares with a decision threshold are below it and
# when they are at or above it, in three values: True, False, None (not told by the amount alone:
# another field decides too). A branch is a big one when reaching the threshold makes it truer.
_TRUER = {False: 0, None: 1, True: 2}


def _big_branches(gateway, flows, conditions) -> list[tuple[object, str]]:
    """The flows leaving `gateway` taken when the amount reaches the threshold, each with the
    words saying why: a condition truer at or above the threshold than below it; the default flow
    when the other conditions together are truer below it (it is taken when none holds); with no
    default and only the small side written, every other flow that can still be taken."""
    default = gateway.get("default") if gateway is not None else None
    truths = {fid: _truths(c) if c else (None, None) for fid, c in conditions.items()}
    conditioned = [f for f in flows if f.get("id") != default and conditions[f.get("id")]]
    big, small = [], []
    for flow in conditioned:
        below, above = truths[flow.get("id")]
        if _TRUER[above] > _TRUER[below]:
            big.append((flow, conditions[flow.get("id")]))
        elif _TRUER[above] < _TRUER[below]:
            small.append(flow)
    said = "、".join(conditions[f.get("id")] for f in small)
    if default is not None:
        below = _none_holds([truths[f.get("id")][0] for f in conditioned])
        above = _none_holds([truths[f.get("id")][1] for f in conditioned])
        flow = next((f for f in flows if f.get("id") == default), None)
        if flow is not None and _TRUER[above] > _TRUER[below]:
            big.append((flow, f"默认分支：{said or '其他分支的条件'} {'都' if len(small) > 1 else ''}不成立时"))
    elif small and not big:
        big += [(f, f"{conditions[f.get('id')] or '无条件'}；{said} {'都' if len(small) > 1 else ''}不成立时") for f in flows
                if f not in small and truths[f.get("id")][1] is not False]
    return big


def _none_holds(values) -> bool | None:
    """The truth of "none of these conditions holds"."""
    return _all([None if v is None else not v for v in values])


def _all(values) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def _truths(condition: str) -> tuple[bool | None, bool | None]:
    """(its truth below the threshold, at or above it)."""
    try:
        tree = ast.parse(condition, mode="eval").body
    except SyntaxError:
        return None, None
    return _truth(tree, above=False), _truth(tree, above=True)


def _truth(node, above: bool) -> bool | None:
    if isinstance(node, ast.BoolOp):
        values = [_truth(v, above) for v in node.values]
        if isinstance(node.op, ast.And):
            return _all(values)
        if True in values:
            return True
        return None if None in values else False
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        value = _truth(node.operand, above)
        return None if value is None else not value
    if isinstance(node, ast.Compare):                   # a < b <= c: a < b and b <= c
        sides = [node.left, *node.comparators]
        return _all([_compared(sides[i], op, sides[i + 1], above) for i, op in enumerate(node.ops)])
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return node.value
    return None


_FLIPPED = {ast.Lt: ast.Gt, ast.LtE: ast.GtE, ast.Gt: ast.Lt, ast.GtE: ast.LtE, ast.Eq: ast.Eq, ast.NotEq: ast.NotEq}


def _compared(left, op, right, above: bool) -> bool | None:
    """`amount OP threshold` (either way round; the threshold bare, or in min() or max() of other
    values) when the amount is below the threshold or at or above it; None for anything else."""
    kind = _threshold_side(right)
    if kind is None:                                    # threshold OP amount: amount FLIPPED threshold
        if type(op) not in _FLIPPED:
            return None
        kind, left, op = _threshold_side(left), right, _FLIPPED[type(op)]()
    if kind in (None, "unknown") or _reads_threshold(left):
        return None
    # whether amount >= the threshold side: min(.., T) <= T and max(.., T) >= T
    reaches = {"bare": above, "min": True if above else None, "max": None if above else False}[kind]
    if isinstance(op, (ast.GtE, ast.Gt)):
        return reaches
    if isinstance(op, (ast.Lt, ast.LtE)):
        return None if reaches is None else not reaches
    if isinstance(op, (ast.Eq, ast.NotEq)):         # equal only at the threshold itself
        equal = False if reaches is False else None
        return equal if isinstance(op, ast.Eq) or equal is None else not equal
    return None


def _threshold_side(node) -> str | None:
    """"bare" for a threshold parameter, "min"/"max" for min() or max() of one and other values,
    "unknown" for another expression reading one, None for an expression reading none."""
    if isinstance(node, ast.Name) and THRESHOLD.search(node.id):
        return "bare"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("min", "max") \
            and not node.keywords and any(isinstance(a, ast.Name) and THRESHOLD.search(a.id) for a in node.args) \
            and not any(_reads_threshold(a) for a in node.args if not isinstance(a, ast.Name)):
        return node.func.id
    return "unknown" if _reads_threshold(node) else None


def _reads_threshold(node) -> bool:
    return any(isinstance(n, ast.Name) and THRESHOLD.search(n.id) for n in ast.walk(node))


def _reaches_call(start: str, nodes, outgoing, attached) -> bool:
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        node = nodes.get(current)
        if node is not None and local_name(node) == "callActivity" and node.get("calledElement") == MAJOR_DECISION:
            return True
        for nxt in outgoing.get(current, []) + attached.get(current, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def check_offline(files: dict[str, bytes], processes_dir, extra_parameters=(), extra_roles=()) -> list[LintFinding]:
    """`xiaowei processes check`: the files checked against the power list under `processes_dir`
    (its roles, parameters, statutory publicity floors, the items they may call and the county
    items they may overlap), with no database. `extra_parameters`: a township's own parameters,
    name -> floor (None: not known), or bare names; `extra_roles`: a township's own roles, which
    its items' lanes may be."""
    from pathlib import Path

    from .registry import load_parameters, load_publicity_floors, load_roles

    directory = Path(processes_dir)
    base = {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*.bpmn"))}
    parameters = {**parameter_floors(load_parameters(directory)), **parameter_floors(extra_parameters)}
    return check_documents(files, base, set(load_roles(directory)) | set(extra_roles), parameters,
                           load_publicity_floors(directory))
