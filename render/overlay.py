"""Run-time state drawn over a flowchart: which steps are done, which wait and for whom, and the
path a matter took.

The engine joins its tasks to BPMN element ids and picks one state per element (docs/engine-notes.md §8);
here we only draw that. An element without an entry was not taken, unless there is no overlay.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Mapping

from .errors import RenderError
from .graph import Flow, Model, Node
from .words import Vocabulary

# China has one time zone and no daylight saving: the pages use the same fixed offset.
CHINA = timezone(timedelta(hours=8))
STATES = ('completed', 'ready', 'waiting', 'cancelled', 'error')
# When the states of a called process stand for its call activity, the most urgent one wins.
URGENCY = ('error', 'ready', 'waiting', 'completed', 'cancelled')


@dataclass(frozen=True)
class StepState:
    """Overlay state of one BPMN element of a matter."""
    state: str                 # 'completed' | 'ready' | 'waiting' | 'cancelled' | 'error'
    role: str | None = None    # role code the ready step waits for
    due: str | None = None     # ISO date-time a timer is due / a step's deadline


@dataclass(frozen=True)
class Look:
    fill: str
    line: str
    width: str
    font: str
    dashed: bool = False


LOOKS = {
    'completed': Look('#c8e6c9', '#2e7d32', '1.5', '#1b5e20'),
    'ready': Look('#ffcc80', '#e65100', '3', '#3e2723'),
    'waiting': Look('#ffe0b2', '#ef6c00', '3', '#3e2723'),
    'cancelled': Look('#eeeeee', '#9e9e9e', '1', '#757575', dashed=True),
    'error': Look('#ffcdd2', '#c62828', '3', '#b71c1c'),
}
PLAIN = Look('#ffffff', '#263238', '1.2', '#263238')
UNTAKEN = Look('#f5f5f5', '#bdbdbd', '1', '#9e9e9e')
TAKEN_EDGE = {'color': '#2e7d32', 'penwidth': '2.6', 'fontcolor': '#1b5e20'}
UNTAKEN_EDGE = {'color': '#bdbdbd', 'fontcolor': '#9e9e9e'}
STATE_WORDS = {'completed': '已完成', 'ready': '待办', 'waiting': '等待中', 'cancelled': '已取消',
               'error': '异常', 'untaken': '未经过'}


def checked_overlay(overlay: Mapping[str, object] | None) -> dict[str, StepState] | None:
    """Validate the overlay; StepState values, plain state strings and dicts are accepted."""
    if overlay is None:
        return None
    if not isinstance(overlay, Mapping):
        raise RenderError(f'overlay must map element ids to StepState, got {type(overlay).__name__}')
    return {str(key): _step_state(key, value) for key, value in overlay.items()}


def _step_state(key: object, value: object) -> StepState:
    if isinstance(value, str):
        value = StepState(value)
    elif isinstance(value, Mapping):
        value = StepState(**{k: value.get(k) for k in ('state', 'role', 'due')})
    if not isinstance(value, StepState):
        raise RenderError(f'overlay[{key!r}]: expected a StepState, got {type(value).__name__}')
    if value.state not in STATES:
        raise RenderError(f'overlay[{key!r}]: unknown state {value.state!r} '
                          f'(expected one of {", ".join(STATES)})')
    return value


def resolve_states(model: Model, overlay: dict[str, StepState], vocab: Vocabulary
                   ) -> dict[str, StepState]:
    """The overlay, plus a state for each call activity summarising the called process's steps
    (its ready steps' roles shown on the call activity, since the called chart is not drawn)."""
    states = dict(overlay)
    calls = [n for n in model.nodes.values() if n.kind == 'callActivity']
    foreign = [s for k, s in overlay.items() if k not in model.all_ids]
    for call in calls:
        inner = _called_states(call, model, overlay, foreign if len(calls) == 1 else [])
        if inner:
            states[call.id] = _summary(states.get(call.id), inner, vocab)
    return states


def _called_states(call: Node, model: Model, overlay: dict[str, StepState],
                   foreign: list[StepState]) -> list[StepState]:
    members = model.process_members.get(call.called or '')
    if members and call.called != call.process:
        return [s for k, s in overlay.items() if k in members]
    # The called process lives in another file: ids the drawn file does not know belong to it.
    return foreign


def _summary(own: StepState | None, inner: list[StepState], vocab: Vocabulary) -> StepState:
    if own is None:
        own = StepState(min((s.state for s in inner), key=URGENCY.index))
    if own.role is None and own.state in ('ready', 'waiting'):
        roles = dict.fromkeys(vocab.role(s.role) for s in inner if s.state == 'ready' and s.role)
        own = replace(own, role='、'.join(roles) or None)
    return own


def look_of(node: Node, states: dict[str, StepState] | None) -> Look:
    if states is None:
        return PLAIN
    state = states.get(node.id)
    return LOOKS[state.state] if state else UNTAKEN


def status_lines(node: Node, state: StepState | None, vocab: Vocabulary,
                 lane_role: str | None = None) -> list[str]:
    """Words added to a label: who a waiting step waits for, and when a timer or deadline is due.
    A ready step without a role waits for its lane's role (`lane_role`, already in words)."""
    if state is None:
        return []
    lines = []
    role = vocab.role(state.role) if state.role else (lane_role if state.state == 'ready' else None)
    if state.state in ('ready', 'waiting') and role:
        lines.append(f'待办：{role}')
    if state.state == 'error':
        lines.append('异常')
    if state.due and state.state in ('ready', 'waiting'):
        lines.append(f'{"到期" if node.timer else "截止"} {_date(state.due)}')
    return lines


def taken(flow: Flow, states: dict[str, StepState]) -> bool:
    """A flow is on the path taken when its source finished and its target was reached."""
    source, target = states.get(flow.source), states.get(flow.target)
    return (flow.kind == 'sequence' and source is not None and source.state == 'completed'
            and target is not None and target.state in ('completed', 'ready', 'waiting'))


def _date(value: str) -> str:
    """A due time as people in the township read it: Beijing time, to the minute, as the pages
    show it. Times are stored in UTC; one without a zone is UTC too. A bare date is a date."""
    text = str(value).strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if len(text) <= 10:
        return date.fromisoformat(text).isoformat()
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).strftime('%Y-%m-%d %H:%M')
