"""One chart: BPMN bytes -> model -> Graphviz graph -> SVG / PNG / PDF bytes, cached."""
from __future__ import annotations

from typing import Mapping

from .bpmn_xml import parse_bpmn
from .errors import RenderError
from .cache import RenderCache, cache_key
from .chart import View, build_chart
from .graph import Model
from .model import read_model
from .official import Sheet, build_official
from .pages import official_pages
from .paper import pages_pdf
from .output import check_format, run_dot, run_dot_tidied
from .overlay import StepState, checked_overlay, resolve_states
from .words import Vocabulary

DEFAULT_COMPLAINT_CHANNEL = '对本事项办理有异议的，可向村务监督委员会或乡镇纪委反映（联系电话见村务公开栏）'

# The township's telephones are parameters (text values a township sets), read from the same
# mapping as every other parameter.
SUPERVISION_PHONE, COMPLAINT_PHONE = 'supervision_phone', 'complaint_phone'
LAYOUTS = ('swimlane', 'official')

CACHE = RenderCache()


def render_flowchart(bpmn_xml: bytes, fmt: str = 'svg', *, process_id: str | None = None,
                     overlay: Mapping[str, StepState] | None = None,
                     role_names: Mapping[str, str] | None = None,
                     parameters: Mapping[str, object] | None = None,
                     complaint_channel: str | None = None,
                     layout: str = 'swimlane',
                     process_names: Mapping[str, str] | None = None) -> bytes:
    """The flowchart of a BPMN item: `layout='official'` is the top-down 权力运行流程图 counties
    post (its PDF is an A4 or A3 page); 'swimlane' is the technical view, one lane per role, the
    one a matter's progress is drawn over. `process_names` (key -> Chinese name) names the
    processes call activities call; `fmt='json'` is Graphviz's layout, for the quality checks."""
    check_format(fmt)
    layout = check_layout_name(layout, overlay)
    states = checked_overlay(overlay)
    key = cache_key(_as_bytes(bpmn_xml), fmt=fmt, process_id=process_id, overlay=states,
                    role_names=dict(role_names or {}), parameters=dict(parameters or {}),
                    complaint_channel=complaint_channel, layout=layout,
                    process_names=dict(process_names or {}))
    cached = CACHE.get(key)
    if cached is not None:
        return cached
    model = read_model(parse_bpmn(bpmn_xml), process_id)
    vocab = vocabulary(model, role_names, parameters, process_names)
    if layout == 'official':
        drawn = draw_official(model, fmt, vocab)
    else:
        drawn = draw(model, fmt, vocab, states, complaint_channel or complaint_words(vocab.parameters))
    CACHE.put(key, drawn)
    return drawn


def check_layout_name(layout: object, overlay: object) -> str:
    if layout not in LAYOUTS:
        raise RenderError(f'unknown layout {layout!r} (expected one of {", ".join(LAYOUTS)})')
    if overlay is not None and layout != 'swimlane':
        raise RenderError("a matter's progress is drawn over the swimlane layout only")
    return layout


def complaint_words(parameters: Mapping[str, object]) -> str:
    """The swimlane footer's complaint channel, with the township's telephones when it set them."""
    supervision, complaint = _phone(parameters, SUPERVISION_PHONE), _phone(parameters, COMPLAINT_PHONE)
    if not (supervision or complaint):
        return DEFAULT_COMPLAINT_CHANNEL
    phones = '；'.join(p for p in (supervision and f'监督电话{supervision}',
                                   complaint and f'投诉举报电话{complaint}') if p)
    return f'对本事项办理有异议的，可向村务监督委员会或乡镇纪委反映（{phones}）'


def sheet_for(vocab: Vocabulary, page_note: str = '', called_pages: Mapping[str, int] | None = None,
              first_page: int = 0) -> Sheet:
    return Sheet(vocab, _phone(vocab.parameters, SUPERVISION_PHONE), _phone(vocab.parameters, COMPLAINT_PHONE),
                 page_note, dict(called_pages or {}), first_page)


def draw_official(model: Model, fmt: str, vocab: Vocabulary, page_note: str = '',
                  called_pages: Mapping[str, int] | None = None) -> bytes:
    """The official layout without the cache; a PDF is one A4 (or A3) portrait page."""
    sheet = sheet_for(vocab, page_note, called_pages)
    if fmt != 'pdf':
        return run_dot(build_official(model, sheet), fmt)
    return pages_pdf(official_pages(model, sheet))


def official_print_layouts(bpmn_xml: bytes, *, process_id: str | None = None,
                           role_names: Mapping[str, str] | None = None,
                           parameters: Mapping[str, object] | None = None,
                           process_names: Mapping[str, str] | None = None) -> list[tuple[str, dict]]:
    """(paper, Graphviz layout) of every printed page of an item's official chart: what the
    quality checks read."""
    model = read_model(parse_bpmn(bpmn_xml), process_id)
    vocab = vocabulary(model, role_names, parameters, process_names)
    return [(page.paper, page.layout) for page in official_pages(model, sheet_for(vocab))]


def _phone(parameters: Mapping[str, object], name: str) -> str:
    value = parameters.get(name)
    return value.strip() if isinstance(value, str) else ''


def vocabulary(model: Model, role_names: Mapping[str, str] | None,
               parameters: Mapping[str, object] | None,
               process_names: Mapping[str, str] | None = None) -> Vocabulary:
    return Vocabulary(fields=model.fields, enum_names=model.enum_names,
                      parameters=dict(parameters or {}), role_names=dict(role_names or {}),
                      process_names=dict(process_names or {}))


def draw(model: Model, fmt: str, vocab: Vocabulary, states: dict[str, StepState] | None,
         complaint_channel: str, page_note: str = '') -> bytes:
    """Draw a model without the cache (the booklet numbers its pages, so never hits it)."""
    if states is not None:
        states = resolve_states(model, states, vocab)
    view = View(vocab, states, complaint_channel, page_note)
    return run_dot_tidied(build_chart(model, view), fmt)


def _as_bytes(data: object) -> bytes:
    if isinstance(data, str):
        return data.encode('utf-8')
    return bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else b''
