"""Building the Graphviz graph of one chart from the model.

Nesting, outermost first: the page (footer) > pools > lanes (nested lanes inside their parent) >
embedded sub-processes > nodes. Graphviz clusters must form a tree, so each node has exactly one
home; edges are added last, at the root, so they never pull a node into the wrong cluster.
An edge to a pool or an expanded sub-process is drawn to a node inside it, clipped at the cluster
border (`compound=true` with `lhead`/`ltail`).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import graphviz

from .blocks import footer_block, title_block
from .graph import Flow, Model, Node
from .dotfile import EDGE_TAG
from .labels import dot_text, flow_text, joint_step_lines, lane_title, node_text, wrap
from .overlay import (PLAIN, TAKEN_EDGE, UNTAKEN_EDGE, StepState, look_of, status_lines, taken)
from .style import (EDGE, EDGE_DEFAULTS, INK, JOINT_STEP, LANE_FILLS, NODE_DEFAULTS, category,
                    graph_attrs, is_step, node_attrs)
from .words import Vocabulary

PAGE = ('page', '')
SMALL_COLUMNS = 12         # an event's or a gateway's words, inside its circle or diamond


@dataclass(frozen=True)
class View:
    """How to present a model: vocabulary for words, overlay states (None: no overlay)."""
    vocab: Vocabulary
    states: dict[str, StepState] | None
    complaint_channel: str
    page_note: str = ''


def build_chart(model: Model, view: View) -> graphviz.Digraph:
    return _ChartBuilder(model, view).build()


class _ChartBuilder:
    def __init__(self, model: Model, view: View):
        self.model, self.view = model, view
        self.names: dict[str, str] = {}               # element id -> DOT node name
        self.clusters: dict[tuple[str, str], str] = {}
        self.members: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        self.inner: dict[str, list[str]] = defaultdict(list)   # pool / sub-process -> node ids
        self.bands: list[tuple[str, str]] = []        # invisible (first, last) node of each lane
        self.band_of: dict[str, tuple[str, str]] = {}   # DOT node -> its lane's (head, tail)
        self.placed: list[str] = []                   # DOT names of real nodes, in order
        self.order_nodes = 0
        self.edge_count = 0

    def build(self) -> graphviz.Digraph:
        root = graphviz.Digraph('flowchart', graph_attr=graph_attrs(),
                                node_attr=NODE_DEFAULTS, edge_attr=EDGE_DEFAULTS)
        root.attr(label=title_block(self.model))
        self._place()
        page = graphviz.Digraph('cluster_page')
        legend = self.view.states is not None
        page.attr(label=footer_block(self.model, self.view.complaint_channel, legend,
                                     self.view.page_note),
                  labelloc='b', labeljust='l', peripheries='0', margin='12')
        if not self._fill(page, PAGE):
            page.node('empty', label='（无流程元素）', shape='plaintext')
        root.subgraph(page)
        self._stack_bands(root)
        self._edges(root)
        return root

    # -- where each thing goes ---------------------------------------------------------------
    def _place(self) -> None:
        model = self.model
        used_pools = {n.pool for n in model.nodes.values() if n.pool}
        for pool in model.pools.values():
            self.members[PAGE].append(('pool' if pool.id in used_pools else 'blackbox', pool.id))
        for lane in model.lanes.values():
            self.members[self._lane_parent(lane.parent, lane.pool)].append(('lane', lane.id))
        for node in model.nodes.values():
            self.members[self._home(node)].append(('sub' if node.expanded else 'node', node.id))
            if node.container:
                self.inner[node.container].append(node.id)
            elif node.pool:
                self.inner[node.pool].append(node.id)

    def _lane_parent(self, parent: str | None, pool: str | None) -> tuple[str, str]:
        if parent in self.model.lanes:
            return ('lane', parent)
        return ('pool', pool) if pool in self.model.pools else PAGE

    def _home(self, node: Node) -> tuple[str, str]:
        host = self.model.nodes.get(node.container or '')
        if host is not None and host.expanded:
            return ('sub', host.id)
        if node.lane in self.model.lanes:
            return ('lane', node.lane)
        return ('pool', node.pool) if node.pool in self.model.pools else PAGE

    # -- clusters and nodes --------------------------------------------------------------------
    def _fill(self, graph: graphviz.Digraph, key: tuple[str, str]) -> int:
        """Add the members of a container to its graph; returns how many nodes went in, so that
        empty lanes (Graphviz would not draw them anyway) are left out."""
        count, first_heads = 0, []
        for kind, ident in self.members[key]:
            if kind == 'node':
                self._node(graph, self.model.nodes[ident])
                count += 1
            elif kind == 'blackbox':
                self._black_box(graph, ident)
                count += 1
            else:
                bands_before = len(self.bands)
                count += self._cluster(graph, (kind, ident))
                if len(self.bands) > bands_before:
                    first_heads.append(self.bands[bands_before][0])
        if len(first_heads) > 1:
            self._keep_lane_order(graph, first_heads)
        return count

    def _keep_lane_order(self, graph: graphviz.Digraph, heads: list[str]) -> None:
        # Graphviz orders sibling clusters by the breadth-first walk that starts at the first
        # source node declared in their parent: an invisible node declared first, pointing at
        # each lane's head, makes that walk meet the lanes in document order. The edges are
        # listed bottom lane first because rankdir=LR flips the order within a rank (measured:
        # document order held on every project file; the other way round it was reversed).
        self.order_nodes += 1
        name = f'lane_order_{self.order_nodes}'
        lines = [f'\t{name} [label="" height=0 shape=point style=invis width=0]\n']
        lines += [f'\t{name} -> {head} [style=invis]\n' for head in reversed(heads)]
        graph.body[0:0] = lines

    def _cluster(self, graph: graphviz.Digraph, key: tuple[str, str]) -> int:
        name = f'cluster_{len(self.clusters)}'
        self.clusters[key] = name
        sub = graphviz.Digraph(name)
        sub.attr(**self._cluster_attrs(*key))
        bands_before, placed_before = len(self.bands), len(self.placed)
        count = self._fill(sub, key)
        if count and key[0] in ('lane', 'pool') and len(self.bands) == bands_before:
            self._band_ends(sub, name, self.placed[placed_before:])
        if count:
            graph.subgraph(sub)
        return count

    def _band_ends(self, sub: graphviz.Digraph, cluster: str, members: list[str]) -> None:
        # Invisible nodes before the first and after the last node of every innermost lane (or
        # lane-less pool): each lane then spans the whole width, so lanes stack as horizontal
        # swimlanes instead of being scattered (see _stack_bands).
        head, tail = f'{cluster}_head', f'{cluster}_tail'
        for end in (head, tail):
            sub.node(end, label='', shape='point', style='invis', width='0', height='0')
        self.bands.append((head, tail))
        self.band_of.update(dict.fromkeys(members, (head, tail)))

    def _stack_bands(self, root: graphviz.Digraph) -> None:
        """`rank=min`/`max` are ignored across clusters, so the ends are tied in by edges: each
        source (a node nothing enters) hangs off its lane's head and each sink (a node nothing
        leaves) points at its lane's tail; heads share one rank and tails another, so they lie
        before and after every node. Only sources and sinks: an edge per node doubled the
        layout time."""
        if not self.bands:
            return
        for index in (0, 1):
            ends = [band[index] for band in self.bands]
            root.body.append(f'\t{{rank=same; {" ".join(ends)}}}\n')
        flows = self.model.flows
        attached = {n.attached_to for n in self.model.nodes.values() if n.attached_to}
        sources = {f.source for f in flows} | attached
        targets = {f.target for f in flows} | {n.id for n in self.model.nodes.values() if n.attached_to}
        for element_id, name in self.names.items():
            head, tail = self.band_of.get(name, self.bands[0])
            if element_id not in targets:
                root.edge(head, name, style='invis', weight='0')
            if element_id not in sources:
                root.edge(name, tail, style='invis', weight='0')

    def _cluster_attrs(self, kind: str, ident: str) -> dict[str, str]:
        # Set explicitly: clusters inherit from their parent, and the page has no border.
        common = {'labeljust': 'l', 'labelloc': 't', 'fontsize': '13', 'peripheries': '1',
                  'margin': '8', 'id': dot_text([ident])}
        if kind == 'pool':
            pool = self.model.pools[ident]
            return {**common, 'label': dot_text(wrap(pool.name or ident, 40)), 'style': 'bold',
                    'penwidth': '1.6', 'color': INK}
        if kind == 'lane':
            lane = self.model.lanes[ident]
            fill = LANE_FILLS[list(self.model.lanes).index(ident) % len(LANE_FILLS)]
            title = lane_title(lane.id, lane.name, self.view.vocab)
            return {**common, 'label': dot_text([title]), 'style': 'filled', 'fillcolor': fill,
                    'color': '#90a4ae', 'class': 'lane'}
        return self._sub_process_attrs(self.model.nodes[ident], common)

    def _sub_process_attrs(self, node: Node, common: dict[str, str]) -> dict[str, str]:
        look = look_of(node, self.view.states)
        lines = wrap(node.name or node.id, 40) + self._status(node)
        style = 'rounded,filled' + (',dashed' if node.triggered_by_event or look.dashed else '')
        return {**common, 'label': dot_text(lines), 'style': style,
                'fillcolor': '#ffffff' if look is PLAIN else look.fill, 'color': look.line,
                'penwidth': str(max(float(look.width), 1.5)), 'fontcolor': look.font,
                'class': self._css(node)}

    def _node(self, graph: graphviz.Digraph, node: Node) -> None:
        name = self._name_for(node.id)
        inside, beside = node_text(node, self.model, self.view.vocab)
        small = category(node.kind) in ('event', 'gateway')
        # Words go inside every shape (never an xlabel: Graphviz places those after the layout
        # and, forced, over other boxes); events and gateways wrap narrowly and grow to fit.
        words = [line for text in beside for line in wrap(text, SMALL_COLUMNS)] if small else inside
        lines = words + self._status(node)
        attrs = node_attrs(node.kind)
        if node.loop and node.props.get('role_variable') and joint_step_lines(node, self.view.vocab):
            attrs.update(JOINT_STEP)
        if lines or not small:
            attrs['label'] = dot_text(lines)
        attrs.update(id=dot_text([node.id]), **{'class': self._css(node)})
        if is_step(node.kind):
            self._apply_look(attrs, node)
        graph.node(name, **attrs)

    def _apply_look(self, attrs: dict[str, str], node: Node) -> None:
        look = look_of(node, self.view.states)
        attrs.update(fillcolor=look.fill, color=look.line, fontcolor=look.font,
                     penwidth=str(max(float(look.width), float(attrs.get('penwidth', 0)))))
        if look.dashed:
            attrs['style'] = attrs.get('style', 'filled') + ',dashed'

    def _status(self, node: Node) -> list[str]:
        states = self.view.states
        if states is None:
            return []
        lane = self.model.lanes.get(node.lane or '')
        lane_role = lane_title(lane.id, lane.name, self.view.vocab) if lane else None
        return status_lines(node, states.get(node.id), self.view.vocab, lane_role)

    def _css(self, node: Node) -> str:
        states = self.view.states
        state = states.get(node.id) if states is not None else None
        word = state.state if state else ('untaken' if states is not None else 'none')
        kind = re.sub(r'[^A-Za-z0-9_-]', '-', node.kind)
        return f'bpmn {kind} state-{word}'

    def _black_box(self, graph: graphviz.Digraph, pool_id: str) -> None:
        pool = self.model.pools[pool_id]
        graph.node(self._name_for(pool_id), label=dot_text(wrap(pool.name or pool_id, 40)),
                   shape='box', style='bold', width='3', id=dot_text([pool_id]))

    def _name_for(self, element_id: str) -> str:
        # Our own DOT names: element ids come from uploaded files and are never trusted in DOT.
        name = f'n{len(self.names)}'
        self.names[element_id] = name
        self.placed.append(name)
        return name

    # -- edges --------------------------------------------------------------------------------
    def _edges(self, root: graphviz.Digraph) -> None:
        for node in self.model.nodes.values():
            if node.attached_to:
                self._attachment(root, node)
        for flow in self.model.flows:
            self._flow(root, flow)

    def _attachment(self, root: graphviz.Digraph, node: Node) -> None:
        host, boundary = self._endpoint(node.attached_to, True), self._endpoint(node.id, False)
        if host and boundary:
            attrs = dict(EDGE['attached'])
            if host[1]:
                attrs['ltail'] = host[1]
            root.edge(host[0], boundary[0], **attrs, **self._tag())

    def _flow(self, root: graphviz.Digraph, flow: Flow) -> None:
        tail, head = self._endpoint(flow.source, True), self._endpoint(flow.target, False)
        if not tail or not head:
            return          # a dangling reference draws nothing rather than failing
        attrs = dict(EDGE[flow.kind])
        if flow.kind == 'association' and flow.directed:
            attrs['arrowhead'] = 'vee'
        label = flow_text(flow, self.view.vocab)
        if label:
            attrs['label'] = dot_text(label)
        if tail[1] != head[1]:
            attrs.update({k: v for k, v in (('ltail', tail[1]), ('lhead', head[1])) if v})
        if flow.id:
            attrs['id'] = dot_text([flow.id])
        if self.view.states is not None and flow.kind == 'sequence':
            on_path = taken(flow, self.view.states)
            attrs.update(TAKEN_EDGE if on_path else UNTAKEN_EDGE)
            attrs['class'] = 'flow taken' if on_path else 'flow untaken'
        root.edge(tail[0], head[0], **attrs, **self._tag())

    def _tag(self) -> dict[str, str]:
        # Names each drawn edge in dot's layout, so that reroute.py can redraw it (output.py).
        self.edge_count += 1
        return {EDGE_TAG: str(self.edge_count)}

    def _endpoint(self, element_id: str | None, outgoing: bool) -> tuple[str, str | None] | None:
        """DOT node for a flow end, and the cluster to clip at when the element is a cluster."""
        if element_id in self.names:
            return self.names[element_id], None
        key = ('sub', element_id) if element_id in self.model.nodes else ('pool', element_id)
        cluster = self.clusters.get(key)
        inside = [i for i in self.inner.get(element_id or '', []) if self._drawn(i)]
        if cluster is None or not inside:
            return None
        wanted = 'endEvent' if outgoing else 'startEvent'
        pick = next((i for i in inside if self.model.nodes[i].kind == wanted),
                    inside[-1] if outgoing else inside[0])
        found = self._endpoint(pick, outgoing)
        return (found[0], cluster) if found else None

    def _drawn(self, element_id: str) -> bool:
        node = self.model.nodes[element_id]
        return not node.attached_to and is_step(node.kind) and (
            element_id in self.names or ('sub', element_id) in self.clusters)
