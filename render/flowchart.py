"""One chart: BPMN bytes -> model -> Graphviz graph -> SVG / PNG / PDF bytes, cached."""
from __future__ import annotations

from typing import Mapping

from .bpmn_xml import parse_bpmn
from .cache import RenderCache, cache_key
from .chart import View, build_chart
from .graph import Model
from .model import read_model
from .output import check_format, run_dot
from .overlay import StepState, checked_overlay, resolve_states
from .words import Vocabulary

DEFAULT_COMPLAINT_CHANNEL = '对本事项办理有异议的，可向村务监督委员会或乡镇纪委反映（联系电话见村务公开栏）'

CACHE = RenderCache()


def render_flowchart(bpmn_xml: bytes, fmt: str = 'svg', *, process_id: str | None = None,
                     overlay: Mapping[str, StepState] | None = None,
                     role_names: Mapping[str, str] | None = None,
                     parameters: Mapping[str, object] | None = None,
                     complaint_channel: str = DEFAULT_COMPLAINT_CHANNEL) -> bytes:
    """The official flowchart (权力运行流程图) of a BPMN item, optionally with a matter's state."""
    check_format(fmt)
    states = checked_overlay(overlay)
    key = cache_key(_as_bytes(bpmn_xml), fmt=fmt, process_id=process_id, overlay=states,
                    role_names=dict(role_names or {}), parameters=dict(parameters or {}),
                    complaint_channel=complaint_channel)
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    model = read_model(parse_bpmn(bpmn_xml), process_id)
    drawn = draw(model, fmt, vocabulary(model, role_names, parameters), states, complaint_channel)
    CACHE.put(key, drawn)
    return drawn


def vocabulary(model: Model, role_names: Mapping[str, str] | None,
               parameters: Mapping[str, object] | None) -> Vocabulary:
    return Vocabulary(fields=model.fields, enum_names=model.enum_names,
                      parameters=dict(parameters or {}), role_names=dict(role_names or {}))


def draw(model: Model, fmt: str, vocab: Vocabulary, states: dict[str, StepState] | None,
         complaint_channel: str, page_note: str = '') -> bytes:
    """Draw a model without the cache (the booklet numbers its pages, so never hits it)."""
    if states is not None:
        states = resolve_states(model, states, vocab)
    view = View(vocab, states, complaint_channel, page_note)
    return run_dot(build_chart(model, view), fmt)


def _as_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode('utf-8')
    return bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else b''
