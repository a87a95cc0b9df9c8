"""Reading the inside of a process: lanes, flow nodes, sequence flows, data associations,
boundary events, embedded sub-processes, and the artifacts of a collaboration.

Anything with an id that is not a known non-visual child becomes a node, so an element type the
renderer does not know is still drawn (as a plain box) rather than dropped or raising.
"""
from __future__ import annotations

from .bpmn_xml import Element, children, child_texts, is_bpmn, local, name_of, properties, text
from .graph import Flow, Lane, Model, Node

# Children of a process or sub-process that are not drawn as nodes of their own.
NOT_NODES = frozenset({
    'extensionElements', 'documentation', 'laneSet', 'ioSpecification', 'property', 'auditing',
    'monitoring', 'performer', 'humanPerformer', 'potentialOwner', 'resourceRole', 'incoming',
    'outgoing', 'correlationSubscription', 'ioBinding', 'dataInput', 'dataOutput', 'inputSet',
    'outputSet', 'group', 'category', 'supportedInterfaceRef', 'standardLoopCharacteristics',
    'multiInstanceLoopCharacteristics', 'dataInputAssociation', 'dataOutputAssociation',
    'completionCondition', 'sequenceFlow', 'association', 'messageFlow',
})
SUBPROCESSES = frozenset({'subProcess', 'transaction', 'adHocSubProcess'})
ARTIFACTS = frozenset({'dataObjectReference', 'dataObject', 'dataStoreReference', 'textAnnotation'})
EVENT_DEFINITIONS = {
    'timerEventDefinition': 'timer', 'messageEventDefinition': 'message',
    'errorEventDefinition': 'error', 'signalEventDefinition': 'signal',
    'escalationEventDefinition': 'escalation', 'compensateEventDefinition': 'compensate',
    'conditionalEventDefinition': 'conditional', 'linkEventDefinition': 'link',
    'terminateEventDefinition': 'terminate', 'cancelEventDefinition': 'cancel',
}


def read_process(model: Model, proc: Element, pool_id: str | None) -> None:
    pid = proc.get('id')
    lane_of = _read_lanes(model, proc, pid, pool_id)
    _read_container(model, proc, pid, pool_id, None, lane_of)


def read_collaborations(model: Model, root: Element) -> None:
    """Message flows, text annotations and associations drawn between pools."""
    for collab in children(root, 'collaboration'):
        for el in collab:
            if not is_bpmn(el):
                continue
            if local(el) == 'messageFlow':
                model.flows.append(_flow(el, 'message'))
            elif local(el) == 'association':
                model.flows.append(_association(el))
            elif local(el) == 'textAnnotation' and el.get('id'):
                _add(model, Node(el.get('id'), 'textAnnotation', text=text(el.find('{*}text'))))


def finish(model: Model) -> None:
    """Cross-element fix-ups once everything is read."""
    for flow in model.flows:
        source = model.nodes.get(flow.source)
        flow.default = bool(source and source.default_flow == flow.id)
    referenced = {n.data_ref for n in model.nodes.values() if n.data_ref}
    for node_id in [n.id for n in model.nodes.values() if n.kind == 'dataObject']:
        if node_id in referenced:      # drawn through its dataObjectReference instead
            del model.nodes[node_id]
    for node in model.nodes.values():
        host = model.nodes.get(node.attached_to or '')
        if host and node.lane is None and node.container == host.container:
            node.lane = host.lane      # boundary events are rarely listed in a lane
    _lane_artifacts(model)


def _lane_artifacts(model: Model) -> None:
    """Data objects and annotations are never listed in a lane: put each in the lane of the
    first step it is linked to, so it is drawn beside that step rather than outside all lanes."""
    linked: dict[str, str] = {}
    for flow in model.flows:
        if flow.kind in ('data', 'association'):
            linked.setdefault(flow.source, flow.target)
            linked.setdefault(flow.target, flow.source)
    for node in model.nodes.values():
        partner = model.nodes.get(linked.get(node.id, ''))
        if (node.kind in ARTIFACTS and node.lane is None and partner is not None
                and partner.lane and partner.container == node.container):
            node.lane, node.pool = partner.lane, partner.pool


def _read_lanes(model: Model, proc: Element, pid: str, pool_id: str | None) -> dict[str, str]:
    """Lanes (nested through childLaneSet); returns node id -> deepest lane listing it."""
    lane_of: dict[str, str] = {}

    def visit(lane_set: Element, parent: str | None) -> None:
        for lane in children(lane_set, 'lane'):
            lid = lane.get('id')
            if not lid or lid in model.lanes:
                continue
            model.lanes[lid] = Lane(lid, name_of(lane), pid, parent, pool_id)
            for ref in child_texts(lane, 'flowNodeRef'):
                lane_of[ref] = lid      # a child lane, visited later, overrides its parent
            for child_set in children(lane, 'childLaneSet'):
                visit(child_set, lid)

    for lane_set in children(proc, 'laneSet'):
        visit(lane_set, None)
    return lane_of


def _read_container(model: Model, parent: Element, pid: str, pool_id: str | None,
                    container: str | None, lane_of: dict[str, str]) -> int:
    """Read the flow elements of a process or sub-process; returns how many nodes it has."""
    count = 0
    for el in parent:
        if not isinstance(el.tag, str):
            continue
        kind = local(el)
        if is_bpmn(el, 'sequenceFlow'):
            model.flows.append(_flow(el, 'sequence'))
        elif is_bpmn(el, 'association'):
            model.flows.append(_association(el))
        elif el.get('id') and not (is_bpmn(el) and kind in NOT_NODES):
            node = _node(el, pid, container, lane_of)
            node.pool = pool_id
            _add(model, node)
            _data_associations(model, el, node.id)
            count += 1
            if is_bpmn(el) and kind in SUBPROCESSES:
                node.expanded = _read_container(model, el, pid, pool_id, node.id, lane_of) > 0
    return count


def _node(el: Element, pid: str, container: str | None, lane_of: dict[str, str]) -> Node:
    node = Node(el.get('id'), local(el) if is_bpmn(el) else f'foreign:{local(el)}',
                name=name_of(el), process=pid, container=container,
                # Nodes inside a sub-process are drawn in its cluster, whatever lane lists them.
                lane=None if container else lane_of.get(el.get('id')),
                props=properties(el), default_flow=el.get('default'),
                attached_to=el.get('attachedToRef'),
                interrupting=el.get('cancelActivity') != 'false',
                triggered_by_event=el.get('triggeredByEvent') == 'true',
                called=el.get('calledElement') or _zeebe_called(el))
    _read_event(node, el)
    _read_loop(node, el)
    _read_publication(node, el)
    if node.kind == 'textAnnotation':
        node.text = text(el.find('{*}text'))
    if node.kind == 'dataObjectReference':
        node.data_ref = el.get('dataObjectRef')
    return node


def _zeebe_called(el: Element) -> str | None:
    # Camunda 8 writes <zeebe:calledElement processId="..."/> instead of the BPMN attribute.
    for ext in children(el, 'extensionElements'):
        for called in ext.iter('{*}calledElement'):
            if called.get('processId'):
                return called.get('processId')
    return None


def _read_event(node: Node, el: Element) -> None:
    kinds = [EVENT_DEFINITIONS[local(c)] for c in el
             if is_bpmn(c) and local(c) in EVENT_DEFINITIONS]
    if kinds:
        node.event = kinds[0] if len(kinds) == 1 else 'multiple'
    for timer in children(el, 'timerEventDefinition'):
        for kind in ('timeDuration', 'timeDate', 'timeCycle'):
            found = timer.find(f'{{*}}{kind}')
            if found is not None:
                node.timer = (kind[4:].lower(), text(found))
                return


def _read_publication(node: Node, el: Element) -> None:
    # What a publicity point publishes (docs/bpmn-conventions.md, "What is public"): its title is
    # named beside the step in the official chart.
    for ext in children(el, 'extensionElements'):
        for publish in ext.iterchildren('{*}publish'):
            if publish.get('title'):
                node.props.setdefault('publish', publish.get('title'))
                return


def _read_loop(node: Node, el: Element) -> None:
    for mi in children(el, 'multiInstanceLoopCharacteristics'):
        node.loop = 'sequential' if mi.get('isSequential') == 'true' else 'parallel'
        node.loop_input = text(mi.find('{*}loopDataInputRef')) or None
    if next(children(el, 'standardLoopCharacteristics'), None) is not None:
        node.loop = 'standard'


def _data_associations(model: Model, el: Element, node_id: str) -> None:
    """Data inputs point at the activity, data outputs away from it (dotted edges)."""
    for assoc in children(el, 'dataInputAssociation'):
        for source in child_texts(assoc, 'sourceRef'):
            model.flows.append(Flow(assoc.get('id') or '', 'data', source, node_id))
    for assoc in children(el, 'dataOutputAssociation'):
        for target in child_texts(assoc, 'targetRef'):
            model.flows.append(Flow(assoc.get('id') or '', 'data', node_id, target))


def _flow(el: Element, kind: str) -> Flow:
    condition = el.find('{*}conditionExpression')
    return Flow(el.get('id') or '', kind, el.get('sourceRef') or '', el.get('targetRef') or '',
                name=name_of(el), condition=text(condition))


def _association(el: Element) -> Flow:
    flow = _flow(el, 'association')
    flow.directed = el.get('associationDirection') in ('One', 'Both')
    return flow


def _add(model: Model, node: Node) -> None:
    # Ids should be unique; when a broken file repeats one, keep drawing rather than overwrite.
    key, n = node.id, 1
    while key in model.nodes:
        n += 1
        key = f'{node.id}#{n}'
    node.id = key
    model.nodes[key] = node
