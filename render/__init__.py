"""Official flowcharts (权力运行流程图) drawn from the BPMN files of the power list, with Graphviz.

Reads BPMN XML itself (hardened lxml) and never imports `engine/`, `api/` or a store: the API layer
passes in the bytes, the role names, the township parameters and a matter's step states.

    render_flowchart(bpmn_bytes, 'svg', overlay={'review': StepState('ready', role='VILLAGE_COMMITTEE')})
    render_booklet([bpmn1, bpmn2, ...])        # one printable PDF with a contents page
"""
from __future__ import annotations

from .booklet import render_booklet
from .errors import RenderError
from .flowchart import CACHE, DEFAULT_COMPLAINT_CHANNEL, render_flowchart
from .overlay import StepState
from .roles import load_role_names

__all__ = ['RenderError', 'StepState', 'render_flowchart', 'render_booklet', 'load_role_names',
           'clear_render_cache', 'DEFAULT_COMPLAINT_CHANNEL']


def clear_render_cache() -> None:
    """Forget every cached chart (benchmarks measure cold renders; tests want isolation)."""
    CACHE.clear()
