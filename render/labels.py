"""The words on each node and flow: names, time limits, timers, joint steps, conditions."""
from __future__ import annotations

import unicodedata

from graphviz import nohtml

from .graph import Flow, Model, Node
from .style import EVENT_WORDS, category
from .words import (Vocabulary, condition_words, deadline_words, role_list, timer_words)

NAME_COLUMNS = 20          # a step name wraps after about ten Chinese characters
EDGE_COLUMNS = 18
NO_LINE_START = frozenset('）)」』】》、，。；：！？,.;:!?”’')
LOOP_WORDS = {'parallel': '（多实例）', 'sequential': '（依次办理）', 'standard': '（循环）'}


def node_text(node: Node, model: Model, vocab: Vocabulary) -> tuple[list[str], list[str]]:
    """(lines inside the shape, lines beside it). Events and gateways are small fixed shapes, so
    their words go beside them (an xlabel) instead of stretching the shape."""
    family = category(node.kind)
    if family == 'gateway':
        return [], wrap(node.name, 16)
    if family == 'event':
        return [], wrap(event_words(node, vocab), 16)
    if family == 'annotation':
        return wrap(node.text or node.name, 24), []
    lines = wrap(node.name or _fallback_name(node), NAME_COLUMNS)
    if family == 'task':
        lines += _task_lines(node, vocab)
    elif family == 'call':
        lines += wrap(f'（调用：{called_name(node, model, vocab)}）', NAME_COLUMNS)
    elif family == 'subprocess':
        lines.append('［＋］')      # collapsed: an expanded one is a cluster, not a node
    return lines, []


def called_name(node: Node, model: Model, vocab: Vocabulary) -> str:
    """The Chinese name of the process a call activity calls: from the same file, else from the
    names the caller passed (the catalogue), never its key."""
    key = node.called or ''
    return model.element_names.get(key) or vocab.process_names.get(key) or '另一事项'


def _fallback_name(node: Node) -> str:
    if category(node.kind) == 'other':
        return node.kind.removeprefix('foreign:')
    return node.id


def _task_lines(node: Node, vocab: Vocabulary) -> list[str]:
    lines = []
    if node.loop and node.props.get('role_variable'):
        lines += joint_step_lines(node, vocab)
    elif node.loop:
        lines.append(LOOP_WORDS[node.loop])
    if node.props.get('deadline'):
        lines.append(deadline_words(node.props['deadline'], vocab))
    return lines


def joint_step_lines(node: Node, vocab: Vocabulary) -> list[str]:
    """The "1+N" joint oversight: one step listing its departments, when the parameter that
    holds them is known; otherwise just that several departments take part."""
    departments = role_list(vocab.parameters.get(node.loop_input or ''), vocab)
    if not departments:
        return ['联合监管（多部门）']
    return wrap('联合监管：' + '、'.join(departments), NAME_COLUMNS)


def event_words(node: Node, vocab: Vocabulary) -> str:
    if node.timer:
        when = timer_words(node.timer[0], node.timer[1], vocab)
        if not node.name:
            return f'等待{when}' if node.timer[0] == 'duration' else when
        return node.name if when in node.name else f'{node.name}{when}'
    if node.name:
        return node.name
    return EVENT_WORDS.get(node.event or '', '') if node.kind == 'boundaryEvent' else ''


def flow_text(flow: Flow, vocab: Vocabulary) -> list[str]:
    """A flow's name if it has one (authors say the condition in words), else the condition in
    words, else '否则' for the default flow."""
    if flow.name:
        return wrap(flow.name, EDGE_COLUMNS)
    if flow.kind == 'sequence' and flow.condition:
        return wrap(condition_words(flow.condition, vocab), EDGE_COLUMNS)
    return ['否则'] if flow.default else []


def lane_title(lane_id: str, lane_name: str, vocab: Vocabulary) -> str:
    return vocab.role_names.get(lane_id) or lane_name or lane_id


def dot_text(lines: list[str]) -> str:
    """Lines as a Graphviz escString: backslashes made literal, lines centred, never HTML."""
    return nohtml('\\n'.join(line.replace('\\', '\\\\') for line in lines))


def wrap(text: str, columns: int) -> list[str]:
    """Wrap text to about `columns` display columns (a Chinese character is two), keeping Latin
    words whole where they fit."""
    lines: list[str] = []
    for paragraph in (text or '').split('\n'):
        lines += _wrap_line(paragraph.strip(), columns)
    return [line for line in lines if line]


def _wrap_line(text: str, columns: int) -> list[str]:
    lines, current, used = [], '', 0
    for token in _tokens(text):
        size = _width(token)
        # Closing punctuation never starts a line (Chinese typesetting rule), nor does the unit
        # of a number ("7天" stays whole).
        if current and used + size > columns and token not in NO_LINE_START \
                and not current[-1].isdigit():
            lines.append(current.rstrip())
            current, used = '', 0
            token = token.lstrip()
            size = _width(token)
        current += token
        used += size
    return lines + [current.rstrip()]


def _tokens(text: str) -> list[str]:
    """Latin words (with their trailing space) stay together; each wide character stands alone."""
    tokens, word = [], ''
    for char in text:
        if _width(char) == 2:
            tokens += [word, char] if word else [char]
            word = ''
        else:
            word += char
            if char == ' ' or len(word) >= 16:
                tokens.append(word)
                word = ''
    return tokens + ([word] if word else [])


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in text)
