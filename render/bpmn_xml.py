"""Hardened reading of BPMN XML and small helpers over lxml elements.

The renderer reads the XML itself (engine-notes §8): the SpiffWorkflow spec graph has hidden nodes
that are hard to flatten, and `render/` must not import from `engine/`.
"""
from __future__ import annotations

from lxml import etree

from .errors import RenderError

BPMN_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL'
SPIFF_NS = 'http://spiffworkflow.org/bpmn/schema/1.0/core'

Element = etree._Element


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parser objects should not be shared between threads, and
    # building one costs microseconds. Entities, DTDs and the network are all switched off.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_bpmn(data: bytes, source: str = 'BPMN file') -> Element:
    """Parse BPMN bytes into the <definitions> element, or raise RenderError naming the problem."""
    if isinstance(data, str):
        data = data.encode('utf-8')
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise RenderError(f'{source}: expected BPMN XML as bytes, got {type(data).__name__}')
    data = bytes(data)
    if not data.strip():
        raise RenderError(f'{source}: empty document')
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise RenderError(f'{source}: malformed XML (line {exc.lineno}): {exc.msg}') from exc
    if root.getroottree().docinfo.doctype:
        raise RenderError(f'{source}: a DOCTYPE is not allowed in BPMN files')
    if root.tag != f'{{{BPMN_NS}}}definitions':
        raise RenderError(f'{source}: the root element is <{local(root)}>, '
                          f'expected <definitions> in the BPMN 2.0 namespace {BPMN_NS}')
    return root


def local(el: Element) -> str:
    """Local name of an element's tag, whatever its namespace prefix."""
    return etree.QName(el).localname


def is_bpmn(el: Element, *names: str) -> bool:
    if not isinstance(el.tag, str) or not el.tag.startswith(f'{{{BPMN_NS}}}'):
        return False
    return not names or local(el) in names


def children(el: Element, name: str):
    """Direct BPMN children with the given local name."""
    return el.iterchildren(f'{{{BPMN_NS}}}{name}')


def child_texts(el: Element, name: str) -> list[str]:
    return [text(c) for c in children(el, name) if text(c)]


def text(el: Element | None) -> str:
    """All text inside an element, stripped (CDATA included)."""
    if el is None:
        return ''
    return ''.join(el.itertext()).strip()


def name_of(el: Element) -> str:
    """The element's `name` attribute with line breaks normalised (modelers write &#10;)."""
    lines = (el.get('name') or '').replace('\r', '').split('\n')
    return '\n'.join(line.strip() for line in lines if line.strip())


def properties(el: Element) -> dict[str, str]:
    """spiffworkflow:property name/value pairs in the element's own extensionElements."""
    found: dict[str, str] = {}
    for ext in children(el, 'extensionElements'):
        for prop in ext.iter(f'{{{SPIFF_NS}}}property'):
            key = prop.get('name')
            if key:
                found.setdefault(key, prop.get('value', text(prop)))
    return found
