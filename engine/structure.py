"""Structural checks of a process, on its XML, before SpiffWorkflow parses it.

SpiffWorkflow finds some of these problems only when a matter reaches them, reports others in
English against the wrong element ("we found two items, perhaps a form has the same ID?" for a flow
whose target is misspelt), and recurses on long chains until Python gives up. These checks find
them all at load time and say, in Chinese, which element is wrong and why. Each finding carries a
rule id, so the administrators' lint and the tests can name it.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

from bpmn_reader import BPMN, NS, iso_days, iso_literal, properties
from bpmn_reader import local as local_name

from .errors import UnsafeExpression
from .expressions import MAX_DURATION_DAYS, compile_expression

MAX_FLOW_NODES = 200            # the largest county item has 53; SpiffWorkflow's parser recurses past ~490
STEPS = ("userTask", "manualTask", "task")
ACTIVITIES = STEPS + ("callActivity", "subProcess")
GATEWAYS = ("exclusiveGateway", "parallelGateway")
EVENTS = ("startEvent", "endEvent", "boundaryEvent", "intermediateCatchEvent")
FLOW_NODES = ACTIVITIES + GATEWAYS + EVENTS
# Flow elements the engine does not run (or runs in ways a clerk could never finish).
UNSUPPORTED = {"inclusiveGateway": "包容网关", "complexGateway": "复杂网关", "eventBasedGateway": "事件网关",
               "intermediateThrowEvent": "中间抛出事件", "sendTask": "发送任务", "receiveTask": "接收任务",
               "transaction": "事务子流程", "adHocSubProcess": "自由子流程"}


@dataclass(frozen=True)
class Finding:
    rule: str
    element: str | None
    line: int | None
    problem: str


def check_ids(root) -> list[Finding]:
    """Every BPMN element id is used once in a document (form fields and options are the forms'
    own names and may repeat a step's id)."""
    seen, found = set(), []
    for element in root.iter(f"{{{BPMN}}}*"):
        element_id = element.get("id")
        if element_id is None:
            continue
        if element_id in seen:
            found.append(_finding("duplicate-id", element, f"元素标识 {element_id} 重复，每个元素的 id 须唯一"))
        seen.add(element_id)
    return found


def check_structure(process) -> list[Finding]:
    """Every structural problem of a `bpmn:process` element and its embedded sub-processes."""
    findings = []
    for scope in [process, *process.iterfind(".//bpmn:subProcess", NS)]:
        findings += _check_scope(scope, top=scope is process)
    return findings


def _check_scope(scope, top: bool) -> list[Finding]:
    nodes = {n.get("id"): n for n in scope if isinstance(n.tag, str) and local_name(n) in FLOW_NODES}
    flows = [f for f in scope.iterfind("bpmn:sequenceFlow", NS)]
    findings = _unsupported(scope) + _size(scope, nodes) + _references(flows, nodes)
    if findings:
        return findings                      # the graph checks need a graph that holds together
    outgoing, incoming = _adjacency(flows)
    findings += _starts_and_ends(scope, nodes, top)
    findings += _names(nodes)
    findings += _step_flows(nodes, outgoing, incoming)
    findings += _gateway_conditions(nodes, outgoing, flows)
    findings += _expressions(scope)
    findings += _timers(nodes)
    findings += _objection_intakes(nodes)
    if not findings:
        findings += _reachability(nodes, outgoing)
        findings += _loops_through_gateways(nodes, outgoing) or _loops_wait(nodes, outgoing)
    return findings


def _finding(rule: str, element, problem: str) -> Finding:
    return Finding(rule, element.get("id") if element is not None else None,
                   getattr(element, "sourceline", None), problem)


def _unsupported(scope) -> list[Finding]:
    return [_finding("unsupported-element", e, f"不支持的元素：{UNSUPPORTED[local_name(e)]}（{local_name(e)}）")
            for e in scope if isinstance(e.tag, str) and local_name(e) in UNSUPPORTED]


def _size(scope, nodes) -> list[Finding]:
    if len(nodes) <= MAX_FLOW_NODES:
        return []
    return [_finding("too-large", scope, f"流程元素过多（{len(nodes)} 个，上限 {MAX_FLOW_NODES}），请拆成子流程")]


def _references(flows, nodes) -> list[Finding]:
    found = []
    for flow in flows:
        for end, what in (("sourceRef", "起点"), ("targetRef", "终点")):
            ref = flow.get(end)
            if ref not in nodes:
                found.append(_finding("flow-reference", flow, f"顺序流的{what} {ref!r} 不是本流程中的元素（拼写错误？）"))
    return found


def _adjacency(flows):
    outgoing, incoming = {}, {}
    for flow in flows:
        outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        incoming.setdefault(flow.get("targetRef"), []).append(flow)
    return outgoing, incoming


def _starts_and_ends(scope, nodes, top: bool) -> list[Finding]:
    starts = [n for n in nodes.values() if local_name(n) == "startEvent"]
    ends = [n for n in nodes.values() if local_name(n) == "endEvent"]
    what = "流程" if top else "子流程"
    found = []
    if len(starts) != 1:
        found.append(_finding("one-start", scope, f"{what}应有且只有一个开始事件（现有 {len(starts)} 个）"))
    if not ends:
        found.append(_finding("an-end", scope, f"{what}没有结束事件"))
    return found


def _names(nodes) -> list[Finding]:
    return [_finding("step-name", n, "办理步骤没有名称（name），流程图和待办中无法显示")
            for n in nodes.values() if local_name(n) in ACTIVITIES and not (n.get("name") or "").strip()]


def _step_flows(nodes, outgoing, incoming) -> list[Finding]:
    found = []
    for node_id, node in nodes.items():
        tag = local_name(node)
        out, into = len(outgoing.get(node_id, [])), len(incoming.get(node_id, []))
        if tag in ACTIVITIES and out > 1:
            found.append(_finding("one-exit", node, f"步骤有 {out} 条出口顺序流：分支请用排他网关或并行网关"))
        if tag in ACTIVITIES and into > 1:
            found.append(_finding("one-entry", node, f"步骤有 {into} 条入口顺序流：退回重办须经排他网关合流"))
        if tag in ACTIVITIES + GATEWAYS + ("boundaryEvent", "intermediateCatchEvent", "startEvent") and out == 0:
            found.append(_finding("dead-end", node, "没有出口顺序流：事项会停在这里，请连到下一步或结束事件"))
        if tag == "startEvent" and into:
            found.append(_finding("start-entry", node, "开始事件不能有入口顺序流"))
        if tag == "endEvent" and out:
            found.append(_finding("end-exit", node, "结束事件不能有出口顺序流"))
    return found


def _gateway_conditions(nodes, outgoing, flows) -> list[Finding]:
    found = []
    for node_id, node in nodes.items():
        out = outgoing.get(node_id, [])
        if local_name(node) != "exclusiveGateway" or len(out) < 2:
            continue
        default = node.get("default")
        for flow in out:
            has_condition = (flow.findtext("bpmn:conditionExpression", default="", namespaces=NS) or "").strip()
            if flow.get("id") != default and not has_condition:
                found.append(_finding("branch-condition", flow, "排他网关的分支既没有条件，也不是默认分支"))
        if default and default not in {f.get("id") for f in out}:
            found.append(_finding("branch-default", node, f"默认分支 {default!r} 不是本网关的出口顺序流"))
    return found


def _expressions(scope) -> list[Finding]:
    """Every expression of the scope passes the whitelist, reported on the element that holds it
    (the flow of a condition, not the gateway SpiffWorkflow would name)."""
    found = []
    for flow in scope.iterfind("bpmn:sequenceFlow", NS):
        found += _expression_finding(flow, flow.findtext("bpmn:conditionExpression", namespaces=NS))
    for node in scope:
        if not isinstance(node.tag, str):
            continue
        for tag in ("timeDuration", "completionCondition"):
            for holder in node.iterfind(f".//bpmn:{tag}", NS):
                found += _expression_finding(node, holder.text)
        for holder in node.iterfind(".//bpmn:loopCardinality", NS):
            found += _cardinality(node, holder.text)
    return found


MAX_INSTANCES = 50      # a step done by several at once: the 1+N departments are six


def _cardinality(element, text: str | None) -> list[Finding]:
    """A fixed count of instances: one read from the matter's data would let a clerk's number make
    that many steps at once (100,000,000 grew a request's memory without end)."""
    value = (text or "").strip()
    if value.isdigit() and 1 <= int(value) <= MAX_INSTANCES:
        return []
    return [_finding("loop-cardinality", element, f"多实例的次数须为 1 至 {MAX_INSTANCES} 的整数，而不是 {value!r}；"
                                                    "按名单逐一办理请用 loopDataInputRef 引用名单（清册字段或参数）")]


def _expression_finding(element, text: str | None) -> list[Finding]:
    if not text or not text.strip():
        return []
    try:
        compile_expression(text.strip())
    except UnsafeExpression as exc:
        return [_finding("expression", element, exc.message)]
    return []


def _timers(nodes) -> list[Finding]:
    found = []
    for node in nodes.values():
        tag = local_name(node)
        timer = node.find("bpmn:timerEventDefinition", NS)
        if tag == "intermediateCatchEvent" and timer is None:
            found.append(_finding("catch-timer", node, "中间事件只支持定时器（没有人能触发消息或信号）"))
        if timer is not None:
            found += _timer_duration(node, timer)
        deadline = properties(node).get("deadline") if tag in STEPS else None
        if deadline:
            problem = duration_problem(deadline, working_days=True)
            if problem:
                found.append(_finding("deadline", node, f"时限 deadline 有误：{problem}"))
    return found


def _timer_duration(node, timer) -> list[Finding]:
    duration = timer.find("bpmn:timeDuration", NS)
    if duration is None or not (duration.text or "").strip():
        return [_finding("timer-duration", node, "定时器须用 timeDuration 写明时长（如 P7D 或 days(参数)）")]
    problem = duration_problem(duration.text)
    return [_finding("timer-duration", node, f"定时器时长有误：{problem}")] if problem else []


def duration_problem(text: str, working_days: bool = False) -> str | None:
    """Why a timer duration or a deadline is not acceptable, or None. Accepted: an ISO-8601
    duration of at most five years, `days(...)` (bounded when it runs), for a deadline also
    `workdays(...)` (a timer's period is in calendar days), or `a if c else b` of those."""
    literal = iso_literal(text)
    if literal is not None:
        return None if iso_days(literal) <= MAX_DURATION_DAYS else f"{literal} 超过五年"
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return f"{text.strip()!r} 不是时长表达式"
    return _duration_node_problem(tree, text.strip(), working_days)


def _duration_node_problem(node, text: str, working_days: bool) -> str | None:
    if isinstance(node, ast.IfExp):
        return _duration_node_problem(node.body, text, working_days) or \
            _duration_node_problem(node.orelse, text, working_days)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and len(node.args) == 1:
        if node.func.id == "days" or (node.func.id == "workdays" and working_days):
            return None
        if node.func.id == "workdays":
            return "定时器按自然日计算，不能用 workdays（工作日只用于步骤时限 deadline）"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return duration_problem(repr(node.value))
    return f"{text!r} 应为 ISO 时长（如 P7D）、days(天数)" + ("或 workdays(工作日数)" if working_days else "")


def _objection_intakes(nodes) -> list[Finding]:
    boundary_timers = {}
    for node in nodes.values():
        if local_name(node) == "boundaryEvent" and node.find("bpmn:timerEventDefinition", NS) is not None \
                and node.get("cancelActivity", "true").lower() == "true":
            boundary_timers.setdefault(node.get("attachedToRef"), []).append(node)
    return [_finding("objection-timer", n, "公示期异议受理步骤须附一个中断型定时边界事件（公示期），否则公示期永不结束")
            for node_id, n in nodes.items()
            if local_name(n) in STEPS and properties(n).get("objection_intake", "").lower() == "true"
            and node_id not in boundary_timers]


def _reachability(nodes, outgoing) -> list[Finding]:
    start = next(n for n in nodes if local_name(nodes[n]) == "startEvent")
    attached = {}
    for node_id, node in nodes.items():
        if local_name(node) == "boundaryEvent":
            attached.setdefault(node.get("attachedToRef"), []).append(node_id)
    seen, todo = {start}, [start]
    while todo:
        current = todo.pop()
        for nxt in [f.get("targetRef") for f in outgoing.get(current, [])] + attached.get(current, []):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return [_finding("unreachable", node, "从开始事件走不到这里（没有顺序流通向它）")
            for node_id, node in nodes.items() if node_id not in seen]


def _loops_through_gateways(nodes, outgoing) -> list[Finding]:
    """Every cycle passes an exclusive gateway: a loop straight from a task back into a task grows
    the engine's task tree without the gateway that decides to leave it (docs/engine-notes.md §9.1)."""
    graph = {n: [f.get("targetRef") for f in outgoing.get(n, [])]
             for n in nodes if local_name(nodes[n]) != "exclusiveGateway"}
    looped = _in_a_cycle(graph)
    return [_finding("loop-gateway", nodes[looped], "循环没有经过排他网关：退回重办须经排他网关合流")] if looped else []


# What makes the engine stop and wait: a step for someone, a timer, a called process (its own steps).
WAITS = STEPS + ("callActivity", "subProcess", "intermediateCatchEvent")


def _loops_wait(nodes, outgoing) -> list[Finding]:
    """Every cycle passes something that waits: a loop of gateways alone would run the engine round
    it without end inside one request (a condition true for the clerk's data keeps it going)."""
    graph = {n: [f.get("targetRef") for f in outgoing.get(n, [])]
             for n in nodes if local_name(nodes[n]) not in WAITS}
    looped = _in_a_cycle(graph)
    return [_finding("loop-wait", nodes[looped], "循环中没有任何办理步骤或等待事件：流程会在网关之间无限空转，"
                                                 "请让循环经过一个办理步骤")] if looped else []


def _in_a_cycle(graph: dict) -> str | None:
    """A node of some cycle of `graph` (edges to nodes outside it are left out), or None."""
    state: dict[str, int] = {}
    for root in graph:
        if state.get(root):
            continue
        stack = [(root, iter(graph[root]))]
        state[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                state[node] = 2
                stack.pop()
            elif child in graph and state.get(child) == 1:
                return child
            elif child in graph and not state.get(child):
                state[child] = 1
                stack.append((child, iter(graph[child])))
    return None
