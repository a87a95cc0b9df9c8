"""Frozen views of what a flowchart is drawn from: what engine/services/flowcharts.py answers (issue 18,
item 4: typed boundaries).

A module of its own, next to the service: the drawing is the web layer's (render/), which reads
these; the BPMN text itself is the document drawn (bytes, as stored), passed through.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class FlowchartSource:
    """A stored version's BPMN with what names and numbers its chart: the parameters in force, the
    names of the items it calls and of the township's own roles."""
    bpmn: bytes
    process_id: str
    parameters: dict[str, Any]
    process_names: dict[str, str]
    role_names: dict[str, str]


@dataclass(frozen=True, slots=True)
class ItemFlowchart(FlowchartSource):
    """An item's current version, with the ETag its charts are cached by."""
    etag: str


@dataclass(frozen=True, slots=True)
class MatterFlowchart(FlowchartSource):
    """A matter's version with the state of each element (done, waiting, taken...), to lay over it."""
    states: dict[str, dict]
