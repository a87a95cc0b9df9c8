"""Hardened reading of BPMN XML: no DTD, no entities, no network, a size limit."""
from __future__ import annotations

from lxml import etree

from .errors import DefinitionError

MAX_BPMN_BYTES = 2 * 1024 * 1024
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "camunda": "http://camunda.org/schema/1.0/bpmn"}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)


def parse_bpmn_bytes(data: bytes, filename: str):
    """The root element of a BPMN document, or DefinitionError naming the problem."""
    if not isinstance(data, bytes):
        raise DefinitionError(filename, None, "文件内容必须是字节")
    if len(data) > MAX_BPMN_BYTES:
        raise DefinitionError(filename, None, f"文件过大（{len(data)} 字节，上限 {MAX_BPMN_BYTES}）")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise DefinitionError(filename, None, "不允许 DOCTYPE 或实体声明")
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise DefinitionError(filename, None, f"XML 格式错误（第 {exc.lineno} 行）: {exc.msg}") from None
    if root.getroottree().docinfo.doctype:
        raise DefinitionError(filename, None, "不允许 DOCTYPE")
    if root.tag != f"{{{BPMN}}}definitions":
        raise DefinitionError(filename, None, "根元素不是 bpmn:definitions")
    return root


def properties(element) -> dict[str, str]:
    """`spiffworkflow:property` name -> value in an element's own extensionElements."""
    return {p.get("name"): p.get("value", "") for p in element.xpath(
        "./bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", namespaces=NS)}


def local_name(element) -> str:
    return etree.QName(element).localname
