"""The graph model a flowchart is drawn from: nodes, flows, lanes, pools and form vocabulary.

Plain data, no XML: `model.py` and `elements.py` fill it, `chart.py` draws it.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Node:
    id: str
    kind: str                          # BPMN local tag name ('userTask', ...); 'foreign:x' otherwise
    name: str = ''
    process: str | None = None         # None for collaboration-level artifacts
    container: str | None = None       # id of the enclosing embedded sub-process
    lane: str | None = None
    pool: str | None = None
    props: dict[str, str] = field(default_factory=dict)
    event: str | None = None           # 'timer', 'error', 'message', 'terminate', ... or 'multiple'
    timer: tuple[str, str] | None = None   # ('duration' | 'date' | 'cycle', expression)
    attached_to: str | None = None     # host of a boundary event
    interrupting: bool = True
    called: str | None = None          # calledElement of a call activity
    loop: str | None = None            # 'parallel' | 'sequential' | 'standard'
    loop_input: str | None = None      # loopDataInputRef of a multi-instance step
    expanded: bool = False             # sub-process drawn as a cluster around its inner elements
    triggered_by_event: bool = False
    default_flow: str | None = None
    text: str = ''                     # body of a text annotation
    data_ref: str | None = None        # the dataObject a dataObjectReference shows


@dataclass
class Flow:
    id: str
    kind: str                          # 'sequence' | 'message' | 'association' | 'data'
    source: str
    target: str
    name: str = ''
    condition: str = ''
    default: bool = False
    directed: bool = True


@dataclass
class Lane:
    id: str
    name: str
    process: str
    parent: str | None = None
    pool: str | None = None


@dataclass
class Pool:
    id: str
    name: str
    process: str | None = None


@dataclass
class FormField:
    label: str
    type: str


@dataclass
class Model:
    title: str
    props: dict[str, str]
    nodes: dict[str, Node] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    lanes: dict[str, Lane] = field(default_factory=dict)
    pools: dict[str, Pool] = field(default_factory=dict)
    fields: dict[str, FormField] = field(default_factory=dict)
    enum_names: dict[str, str] = field(default_factory=dict)
    element_names: dict[str, str] = field(default_factory=dict)   # top-level id -> name
    process_members: dict[str, frozenset[str]] = field(default_factory=dict)
    all_ids: frozenset[str] = frozenset()
