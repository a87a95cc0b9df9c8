"""Hardened reading of BPMN XML and small helpers over lxml elements.

The renderer reads the XML itself (docs/engine-notes.md §8): the SpiffWorkflow spec graph has hidden nodes
that are hard to flatten, and `render/` must not import from `engine/`. The parsing is the shared
reader's (bpmn_reader/), the same the engine uses.
"""
from __future__ import annotations

from bpmn_reader import BPMN as BPMN_NS
from bpmn_reader import SPIFF as SPIFF_NS  # noqa: F401 - re-exported
from bpmn_reader import BpmnReadError, Element, local, name_of, properties, text  # noqa: F401 - re-exported
from bpmn_reader import parse_bpmn as _parse

from .errors import RenderError


def parse_bpmn(data: bytes, source: str = 'BPMN file') -> Element:
    """Parse BPMN bytes into the <definitions> element, or raise RenderError naming the problem."""
    try:
        return _parse(data)
    except BpmnReadError as exc:
        raise RenderError(f'{source}: {exc.problem}') from exc


def is_bpmn(el: Element, *names: str) -> bool:
    if not isinstance(el.tag, str) or not el.tag.startswith(f'{{{BPMN_NS}}}'):
        return False
    return not names or local(el) in names


def children(el: Element, name: str):
    """Direct BPMN children with the given local name."""
    return el.iterchildren(f'{{{BPMN_NS}}}{name}')


def child_texts(el: Element, name: str) -> list[str]:
    return [text(c) for c in children(el, name) if text(c)]
