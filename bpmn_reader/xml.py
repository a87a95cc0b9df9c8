"""Hardened parsing of BPMN XML (no DTD, no entities, no network, a size limit) and small helpers
over lxml elements."""
from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN, "spiffworkflow": SPIFF, "camunda": CAMUNDA}
MAX_BPMN_BYTES = 2 * 1024 * 1024

Element = etree._Element


class BpmnReadError(ValueError):
    """The bytes are not a BPMN document we will read; `problem` says why in Chinese, `line`
    where (when the XML parser knows)."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.line = problem, line


def _parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parser objects are not to be shared between threads, and one
    # costs microseconds to build.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_bpmn(data: bytes, max_bytes: int = MAX_BPMN_BYTES) -> Element:
    """The <definitions> element of a BPMN document; BpmnReadError naming the problem."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise BpmnReadError(f"文件内容应为字节（收到 {type(data).__name__}）")
    data = bytes(data)
    if len(data) > max_bytes:
        raise BpmnReadError(f"文件过大（{len(data)} 字节，上限 {max_bytes}）")
    if not data.strip():
        raise BpmnReadError("文件为空")
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise BpmnReadError("不允许 DOCTYPE 或实体声明")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise BpmnReadError(f"XML 格式错误（第 {exc.lineno} 行）: {exc.msg}", exc.lineno) from None
    if root.getroottree().docinfo.doctype:
        raise BpmnReadError("不允许 DOCTYPE")
    if root.tag != f"{{{BPMN}}}definitions":
        namespace = etree.QName(root).namespace or "无"
        raise BpmnReadError(f"根元素 <{local(root)}>（命名空间：{namespace}）不是 BPMN 2.0 的 <definitions>"
                            f"（命名空间 {BPMN}）", root.sourceline)
    return root


def local(element: Element) -> str:
    """The local name of an element's tag, whatever its namespace prefix."""
    return etree.QName(element).localname


def text(element: Element | None) -> str:
    """All text inside an element, stripped (CDATA included)."""
    return "".join(element.itertext()).strip() if element is not None else ""


def name_of(element: Element) -> str:
    """The `name` attribute with line breaks normalised (modelers write &#10;)."""
    lines = (element.get("name") or "").replace("\r", "").split("\n")
    return "\n".join(line.strip() for line in lines if line.strip())


def properties(element: Element) -> dict[str, str]:
    """`spiffworkflow:property` name -> value in an element's own extensionElements (the first
    of a name wins; a value may also be written as the property's text)."""
    found: dict[str, str] = {}
    for extension in element.iterchildren(f"{{{BPMN}}}extensionElements"):
        for prop in extension.iter(f"{{{SPIFF}}}property"):
            key = prop.get("name")
            if key:
                found.setdefault(key, prop.get("value", text(prop)))
    return found
