"""The official layout (权力运行流程图) counties post: top to bottom, one box per step with its
责任主体 and 时限, decisions as diamonds with their branches in words, the supervision points and
risk notes in a column beside the steps, a header (code, category, policy basis, time limit) and a
footer (executing and supervising bodies, the township's supervision and complaint telephones).

It is drawn from the same model as the swimlane view (`chart.py`), simplified for reading:
- an unnamed merge gateway (one way out, no condition) is not drawn: flows into it go straight on;
- a boundary event is not drawn: its flows leave from the step it is attached to, worded with
  the event ("公示期满无异议（7天）");
- data objects, annotations and the inside of embedded sub-processes are left out.
Every label is a real Graphviz label (no `xlabel`), so Graphviz keeps them clear of the boxes;
`quality.py` checks that it did.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Mapping

import graphviz

from .graph import Flow, Model, Node
from .labels import called_name, event_words, flow_text, joint_step_lines, lane_title, wrap
from .style import FONT, INK, PAPER, category
from .words import Vocabulary, deadline_words, timer_words

NAME_SIZE, DETAIL_SIZE, TITLE_SIZE = '11', '10', '18'
NAME_COLUMNS, DETAIL_COLUMNS, NOTE_COLUMNS, BRANCH_COLUMNS, QUESTION_COLUMNS = 22, 34, 20, 16, 20
HEADER_COLUMNS, FOOTER_COLUMNS = 84, 76
STEP_FILL, NOTE_FILL, DECISION_FILL = '#ffffff', '#fff8e1', '#e3f2fd'
NOTE_LINE = '#f9a825'
GATEWAY_KINDS = ('exclusiveGateway', 'inclusiveGateway', 'complexGateway', 'eventBasedGateway')
DEFAULT_TELEPHONE_WORDS = '见村务公开栏'


@dataclass(frozen=True)
class Sheet:
    """What the official page says besides the BPMN: words, telephones, and where it sits."""
    vocab: Vocabulary
    supervision_phone: str = ''
    complaint_phone: str = ''
    page_note: str = ''
    called_pages: Mapping[str, int] = field(default_factory=dict)   # called key -> booklet page
    first_page: int = 0        # in a booklet: the page number of the chart's first page


@dataclass(frozen=True)
class Part:
    """One printed page of a chart too long for one sheet: the steps drawn on it (element ids),
    which page it is, and the page of every other step (for the 转下页/接上页 connectors)."""
    members: frozenset[str]
    number: int
    count: int
    page_of: Mapping[str, int]


def build_official(model: Model, sheet: Sheet, part: Part | None = None) -> graphviz.Digraph:
    return _Official(model, sheet, part).build()


class _Official:
    def __init__(self, model: Model, sheet: Sheet, part: Part | None = None):
        self.model, self.sheet, self.vocab, self.part = model, sheet, sheet.vocab, part
        self.names: dict[str, str] = {}
        self.alias = _merge_aliases(model)
        self.crossings: dict[tuple[str, str], int] = {}   # (source, target) -> connector number

    def build(self) -> graphviz.Digraph:
        graph = graphviz.Digraph('official', graph_attr=_graph_attrs(), node_attr=_NODE, edge_attr=_EDGE)
        graph.attr(label=self._header())
        page = graphviz.Digraph('cluster_page')
        page.attr(label=self._footer(), labelloc='b', labeljust='l', peripheries='0', margin='10')
        drawn = [n for n in self.model.nodes.values() if self._drawn(n) and self._here(n.id)]
        for node in drawn:
            self._node(page, node)
        if not drawn:
            page.node('empty', label='（无流程元素）', shape='plaintext')
        for node in drawn:
            self._notes(page, node)
        for flow in self.model.flows:
            self._flow(page, flow)
        graph.subgraph(page)
        return graph

    def _here(self, element_id: str) -> bool:
        return self.part is None or element_id in self.part.members

    # -- what is drawn --------------------------------------------------------------------------
    def _drawn(self, node: Node) -> bool:
        family = category(node.kind)
        if node.container or node.attached_to or node.id in self.alias:
            return False
        return family not in ('data', 'annotation')

    def _name(self, element_id: str) -> str:
        return self.names.setdefault(element_id, f'n{len(self.names)}')

    # -- nodes ----------------------------------------------------------------------------------
    def _node(self, graph: graphviz.Digraph, node: Node) -> None:
        family = category(node.kind)
        attrs = {'id': _plain(node.id), 'class': f'official {family}'}
        if family == 'gateway':
            attrs.update(self._gateway(node))
        elif family == 'event':
            attrs.update(self._event(node))
        else:
            attrs.update(self._step(node))
        graph.node(self._name(node.id), **attrs)

    def _step(self, node: Node) -> dict[str, str]:
        family = category(node.kind)
        lines = wrap(node.name or node.id, NAME_COLUMNS)
        details = []
        if node.loop and node.props.get('role_variable'):
            details += joint_step_lines(node, self.vocab)
        # Who and how long on one line, as a county chart writes it: "责任主体：乡镇人民政府｜时限：3天".
        lane = self.model.lanes.get(node.lane or '')
        who = f'责任主体：{lane_title(lane.id, lane.name, self.vocab)}' if lane is not None else ''
        limit = deadline_words(node.props['deadline'], self.vocab).replace('时限', '时限：', 1) \
            if node.props.get('deadline') else ''
        both = '｜'.join(p for p in (who, limit) if p)
        details += [both] if len(both) <= DETAIL_COLUMNS // 2 else [p for p in (who, limit) if p]
        if family == 'call':
            details.append(f'调用：{called_name(node, self.model, self.vocab)}')
            page = self.sheet.called_pages.get(node.called or '')
            if page:
                details.append(f'（流程图见第 {page} 页）')
        attrs = {'shape': 'box', 'style': 'rounded,filled', 'fillcolor': STEP_FILL,
                 'label': _html_label(lines, details)}
        if family == 'call':
            attrs.update(style='filled', peripheries='2')
        if node.loop and node.props.get('role_variable'):
            attrs['penwidth'] = '2'
        return attrs

    def _event(self, node: Node) -> dict[str, str]:
        words = event_words(node, self.vocab)
        if node.kind == 'startEvent':
            lines, width = wrap(words or '开始', NAME_COLUMNS), '2.2'
        elif node.kind == 'endEvent':
            lines, width = wrap(f'结束：{words}' if words else '结束', NAME_COLUMNS), '2.2'
        else:
            lines, width = wrap(words or '等待', NAME_COLUMNS), '1.6'
        attrs = {'shape': 'box', 'style': 'rounded,filled,bold', 'fillcolor': '#eceff1',
                 'label': _html_label(lines, []), 'width': width}
        if node.kind not in ('startEvent', 'endEvent'):
            attrs['style'] = 'rounded,filled,dashed'
        return attrs

    def _gateway(self, node: Node) -> dict[str, str]:
        if node.kind == 'parallelGateway':
            # A fork or join: a bar, as official charts draw "同时进行".
            return {'shape': 'box', 'style': 'filled', 'fillcolor': INK, 'label': '',
                    'width': '1.4', 'height': '0.06', 'fixedsize': 'true'}
        question = node.name or '条件判断'
        return {'shape': 'diamond', 'style': 'filled', 'fillcolor': DECISION_FILL, 'margin': '0.02,0.02',
                'label': _html_label(wrap(question, QUESTION_COLUMNS), [], bold=False)}

    # -- the side column: supervision points and risk notes ---------------------------------
    def _notes(self, graph: graphviz.Digraph, node: Node) -> None:
        notes = self.notes_of(node)
        if not notes:
            return
        name = f'{self._name(node.id)}_note'
        lines = [line for note in notes for line in wrap(note, NOTE_COLUMNS)]
        graph.node(name, label=_html_label([], lines, size=DETAIL_SIZE), shape='note', style='filled',
                   fillcolor=NOTE_FILL, color=NOTE_LINE, id=_plain(f'{node.id}__note'),
                   **{'class': 'official note'})
        # Same rank, to the right, tied by a short dotted line: the note reads beside its step.
        graph.body.append(f'\t{{rank=same; {self._name(node.id)}; {name}}}\n')
        graph.edge(self._name(node.id), name, style='dotted', arrowhead='none', color=NOTE_LINE,
                   minlen='1', weight='0')

    def notes_of(self, node: Node) -> list[str]:
        """The supervision and risk words beside a step, from what the definition declares."""
        props, notes = node.props, []
        lane = self.model.lanes.get(node.lane or '')
        role = lane_title(lane.id, lane.name, self.vocab) if lane else ''
        if props.get('supervision') == 'true':
            notes.append(f'监督点：{role}审查把关' if role else '监督点')
        if props.get('objection_intake') == 'true':
            notes.append(f'群众监督：公示期内可向{role or "村务监督委员会"}提出异议')
        separate = [s.strip() for s in props.get('separate_from', '').split(',') if s.strip()]
        if separate:
            who = '、'.join(dict.fromkeys(self._actor_words(s) for s in separate))
            notes.append(f'廉政风险点：防止一人包办，不得由{who}办理')
        if props.get('publish'):
            notes.append(f'公开：{props["publish"]}')
        return notes

    def _actor_words(self, step_id: str) -> str:
        if step_id == 'start':
            return '申请人（发起人）'
        step = self.model.nodes.get(step_id)
        return f'“{step.name}”的办理人' if step is not None and step.name else '前一环节的办理人'

    # -- flows ----------------------------------------------------------------------------------
    def _flow(self, graph: graphviz.Digraph, flow: Flow) -> None:
        if flow.kind != 'sequence':
            return
        source = self.model.nodes.get(flow.source)
        if source is None or flow.source in self.alias:
            return          # a merge's own way out is drawn as the flows into it
        target_id = self._resolve(flow.target)
        words = flow_text(flow, self.vocab)
        if source.attached_to:
            words = self._boundary_words(source, words)
            source = self.model.nodes.get(source.attached_to)
        if source is None or target_id is None or not self._drawn(source):
            return
        attrs = {'id': _plain(flow.id)} if flow.id else {}
        if source.props.get('objection_intake') == 'true' and not words:
            words = ['提出异议']
        if words:
            attrs['label'] = _html_label([], wrap(''.join(words), BRANCH_COLUMNS), size=DETAIL_SIZE)
        tail, head = self._here(source.id), self._here(target_id)
        if tail and head:
            graph.edge(self._name(source.id), self._name(target_id), **attrs)
        elif tail or head:
            self._connector(graph, source.id, target_id, attrs, outgoing=tail)

    def _connector(self, graph: graphviz.Digraph, source: str, target: str, attrs: dict[str, str],
                   outgoing: bool) -> None:
        """A flow to or from a step on another page: a small 转下页/接上页 box with a number that
        the other page repeats."""
        number = self.crossings.setdefault((source, target), len(self.crossings) + 1)
        other = self.part.page_of[target if outgoing else source]
        here = self.part.number
        page = ('下页' if other == here + 1 else '上页' if other == here - 1 else f'第{other}页')
        words = f'{"转" if outgoing else "接"}{page}{_circled(number)}'
        name = f'{"out" if outgoing else "in"}_{number}'
        graph.node(name, label=_html_label([words], [], size=DETAIL_SIZE), shape='box', style='rounded,dashed',
                   id=_plain(f'{"to" if outgoing else "from"}__{number}'), **{'class': 'official connector'})
        if outgoing:
            graph.edge(self._name(source), name, **attrs)
        else:
            graph.edge(name, self._name(target), **attrs)

    def _boundary_words(self, event: Node, words: list[str]) -> list[str]:
        said = event_words(event, self.vocab)
        if not words:
            return [said] if said else []
        joined = ''.join(words)
        period = ''
        if event.timer:
            period = timer_words(event.timer[0], event.timer[1], self.vocab)
        return [f'{joined}（{period}）' if period and period not in joined else joined]

    def _resolve(self, element_id: str) -> str | None:
        seen = set()
        while element_id in self.alias and element_id not in seen:
            seen.add(element_id)
            element_id = self.alias[element_id]
        node = self.model.nodes.get(element_id)
        if node is None or not self._drawn(node):
            return None
        return element_id

    # -- header and footer --------------------------------------------------------------------
    def _header(self) -> str:
        props = self.model.props
        if self.part is not None and self.part.number > 1:
            title = f'{self.model.title}（续）'
            return f'<<FONT POINT-SIZE="{TITLE_SIZE}"><B>{_e(title)}</B></FONT>>'
        rows = [f'<TR><TD COLSPAN="2"><FONT POINT-SIZE="{TITLE_SIZE}"><B>{_e(self.model.title)}</B></FONT></TD></TR>']
        meta = '　　'.join(f'{word}：{props[key]}' for key, word in (('list_code', '编号'), ('category', '类别'))
                          if props.get(key))
        if meta:
            rows.append(f'<TR><TD COLSPAN="2"><FONT POINT-SIZE="{DETAIL_SIZE}">{_e(meta)}</FONT></TD></TR>')
        for key, word in (('policy_basis', '政策依据'), ('time_limit', '办理时限')):
            if props.get(key):
                rows.append(_row(word, props[key], HEADER_COLUMNS))
        return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="3">{"".join(rows)}</TABLE>>'

    def _footer(self) -> str:
        props, sheet = self.model.props, self.sheet
        note = sheet.page_note
        number = self.part.number if self.part is not None else 1
        if sheet.first_page:
            note = f'{note}　第 {sheet.first_page + number - 1} 页'
        if self.part is not None:
            note = '　'.join(w for w in (note, f'（本图共{self.part.count}页，第{self.part.number}页）') if w)
            if self.part.number < self.part.count:
                return f'<<FONT POINT-SIZE="{DETAIL_SIZE}">{_e(note)}</FONT>>'
        rows = [_row(word, props[key], FOOTER_COLUMNS) for key, word in
                (('executing_body', '执行主体'), ('supervising_body', '监督主体'), ('publicity', '公开要求'))
                if props.get(key)]
        rows.append(_row('监督电话', sheet.supervision_phone or DEFAULT_TELEPHONE_WORDS, FOOTER_COLUMNS))
        complaint = sheet.complaint_phone or DEFAULT_TELEPHONE_WORDS
        rows.append(_row('投诉举报', f'对本事项办理有异议的，可向村务监督委员会或乡镇纪委反映，电话：{complaint}',
                         FOOTER_COLUMNS))
        rows.append(_row('图　　例', '圆角框：办理环节（责任主体、时限）；菱形：判断；黄色便签：监督点和廉政风险点',
                         FOOTER_COLUMNS))
        if note:
            rows.append(f'<TR><TD COLSPAN="2" ALIGN="RIGHT" BORDER="0"><FONT POINT-SIZE="{DETAIL_SIZE}">'
                        f'{_e(note)}</FONT></TD></TR>')
        return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="#90a4ae">'
                f'{"".join(rows)}</TABLE>>')


def _circled(number: int) -> str:
    return chr(0x2460 + number - 1) if 1 <= number <= 20 else f'（{number}）'


def _merge_aliases(model: Model) -> dict[str, str]:
    """Unnamed exclusive or inclusive gateways with one unconditional way out: only a merge, so
    not drawn (id -> where the flow goes on)."""
    outgoing: dict[str, list[Flow]] = {}
    for flow in model.flows:
        if flow.kind == 'sequence':
            outgoing.setdefault(flow.source, []).append(flow)
    aliases = {}
    for node in model.nodes.values():
        ways = outgoing.get(node.id, [])
        if (node.kind in GATEWAY_KINDS and not node.name and len(ways) == 1
                and not ways[0].condition and not ways[0].name and not node.container):
            aliases[node.id] = ways[0].target
    return aliases


def _graph_attrs() -> dict[str, str]:
    return {'rankdir': 'TB', 'fontname': FONT, 'newrank': 'true', 'nodesep': '0.22', 'ranksep': '0.08',
            'pad': '0.2', 'bgcolor': PAPER, 'labelloc': 't', 'labeljust': 'c', 'charset': 'UTF-8',
            'splines': 'spline', 'outputorder': 'edgesfirst'}


_NODE = {'fontname': FONT, 'fontsize': NAME_SIZE, 'color': INK, 'fontcolor': INK, 'margin': '0.1,0.04',
         'height': '0.3'}
_EDGE = {'fontname': FONT, 'fontsize': DETAIL_SIZE, 'color': INK, 'fontcolor': '#37474f', 'arrowsize': '0.7'}


def _html_label(lines: list[str], details: list[str], size: str = NAME_SIZE, bold: bool = True) -> str:
    """Bold name lines, then smaller detail lines, as a Graphviz HTML-like label (always escaped)."""
    parts, lines, details = [], [x for x in lines if x], [x for x in details if x]
    if lines:
        body = '<BR/>'.join(_e(line) for line in lines)
        parts.append(f'<FONT POINT-SIZE="{size}">{"<B>" + body + "</B>" if bold else body}</FONT>')
    if details:
        parts.append(f'<FONT POINT-SIZE="{DETAIL_SIZE}" COLOR="#37474f">'
                     + '<BR/>'.join(_e(line) for line in details) + '</FONT>')
    return '<' + '<BR/>'.join(parts) + '>' if parts else '""'


def _row(word: str, value: str, columns: int) -> str:
    lines = '<BR ALIGN="LEFT"/>'.join(_e(line) for line in wrap(value, columns))
    return (f'<TR><TD ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="{DETAIL_SIZE}"><B>{_e(word)}</B></FONT></TD>'
            f'<TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="{DETAIL_SIZE}">{lines}<BR ALIGN="LEFT"/></FONT></TD></TR>')


def _e(text: str) -> str:
    return escape(str(text), quote=True)


def _plain(text: str) -> str:
    # An id attribute from an uploaded file: Graphviz escapes it in SVG; keep backslashes literal.
    return str(text).replace('\\', '\\\\')

