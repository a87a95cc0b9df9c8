"""Finding the marked uses of a fragment in a BPMN file and rewriting them from their template.

A use is a block between two XML comments, each on its own line:

    <!-- fragment:publicity stem="result" days="procurement_publicity_days" ... -->
    ...generated: rewritten by `regenerate`, never edited by hand...
    <!-- /fragment:publicity -->

(or `<!-- fragment:field name="archive_no" -->` ... `<!-- /fragment:field -->` around one form field).
Blocks do not nest; a template may ask to stand inside an element (a field inside its
`camunda:formData`).

The declaration is `key="value"` pairs (a value is taken as written: no quotes, no `--` inside, as
in any XML comment). The file is edited as text, like the diagram (render/bpmndi.py): everything
outside the blocks stays byte for byte, except the lanes' `flowNodeRef`s of the generated flow
nodes, which are moved into the lane the template gives them (and those of flow nodes a block no
longer writes are dropped). The engine's reader drops comments, so the markers never reach it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bpmn_reader import BPMN, CAMUNDA, SPIFF, BpmnReadError, parse_bpmn

from .template import Declaration, DeclarationError, Generated, Template

PREFIXES = {"bpmn": BPMN, "spiffworkflow": SPIFF, "camunda": CAMUNDA}
MARKER = re.compile(r"<!--\s*(/?)fragment:([\w-]*)(.*?)-->", re.S)
PAIR = re.compile(r'\s*([A-Za-z_][\w.]*)="([^"]*)"')


class FragmentError(ValueError):
    """A marker or declaration the tool cannot use: the file, the line and the problem (Chinese)."""

    def __init__(self, source: str, line: int | None, problem: str):
        super().__init__(f"{source}" + (f" 第 {line} 行" if line else "") + f"：{problem}")
        self.source, self.line, self.problem = source, line, problem


@dataclass
class Occurrence:
    kind: str
    line: int               # the line of its opening marker
    label: str              # its intake step, say
    changed: bool           # its generated part differed from the template


@dataclass
class Regenerated:
    text: str
    occurrences: list[Occurrence]
    lane_changes: list[str]     # "node: lane" moves made to the lane set

    def differs(self) -> bool:
        return any(o.changed for o in self.occurrences) or bool(self.lane_changes)


@dataclass
class _Block:
    kind: str
    indent: str
    body_start: int         # just after the opening marker's line
    body_end: int           # the start of the closing marker's line
    line: int
    declaration: dict[str, str]


def regenerate(text: str, source: str, templates: Mapping[str, Template]) -> Regenerated:
    """The text with every marked block rewritten from its template and the lanes of the flow
    nodes it writes put right. FragmentError names a marker or declaration that cannot be used."""
    blocks = _blocks(text, source, templates)
    if blocks:
        _check_prefixes(text, source)
    generated = [_generate(block, source, templates) for block in blocks]
    newline = "\r\n" if "\r\n" in text else "\n"        # the file's own line ends
    occurrences, pieces, at = [], [], 0
    for block, made in zip(blocks, generated, strict=True):
        body = "".join(f"{block.indent}{line}{newline}" for line in made.lines)
        old = text[block.body_start:block.body_end]
        occurrences.append(Occurrence(block.kind, block.line, made.label, old != body))
        pieces += [text[at:block.body_start], body]
        at = block.body_end
    new = "".join(pieces) + text[at:]
    changes: list[str] = []
    for index, (block, made) in enumerate(zip(blocks, generated, strict=True)):
        # flow nodes the block wrote before and writes no more (a renamed stem): their lane
        # references would point at nothing
        dropped = {node for node in _ids_in(text[block.body_start:block.body_end])
                   if node not in made.lanes and f'id="{node}"' not in new}
        new = _place_in_lanes(new, index, made.lanes, dropped, _Where(source, newline), changes)
    return Regenerated(new, occurrences, changes)


def _blocks(text: str, source: str, templates: Mapping[str, Template]) -> list[_Block]:
    blocks, opened = [], None
    for match in MARKER.finditer(text):
        closing, kind, rest = match.group(1) == "/", match.group(2), match.group(3)
        line = _line(text, match.start())
        if kind not in templates:
            known = "、".join(sorted(templates))
            raise FragmentError(source, line, f"未知的片段 fragment:{kind}（已有：{known}）")
        start, end = _own_line(text, match, source, line)
        if not closing:
            if opened is not None:
                raise FragmentError(source, opened.line, f"片段 fragment:{opened.kind} 没有结束标记 "
                                    f"<!-- /fragment:{opened.kind} -->（第 {line} 行又开始了 fragment:{kind}；片段不能嵌套）")
            opened = _Block(kind, text[start:match.start()], end, -1, line, _declaration(rest, source, line))
            continue
        if rest.strip():
            raise FragmentError(source, line, "结束标记 <!-- /fragment:... --> 不带参数")
        if opened is None or opened.kind != kind:
            raise FragmentError(source, line, f"结束标记 /fragment:{kind} 没有对应的开始标记")
        opened.body_end = start
        _check_inside(text, opened, templates[kind].inside, source)
        blocks.append(opened)
        opened = None
    if opened is not None:
        raise _unclosed(opened, source)
    return blocks


def _unclosed(block: _Block, source: str) -> FragmentError:
    return FragmentError(source, block.line, f"片段 fragment:{block.kind} 没有结束标记 <!-- /fragment:{block.kind} -->")


def _check_inside(text: str, block: _Block, element: str | None, source: str) -> None:
    """A block whose template writes the children of an element (a form field) stands in one:
    the nearest such tag before it opens the element, the nearest after it closes it."""
    if element is None:
        return
    opened = text.rfind(f"<{element}", 0, block.body_start) > text.rfind(f"</{element}>", 0, block.body_start)
    close, reopen = text.find(f"</{element}>", block.body_end), text.find(f"<{element}", block.body_end)
    if not opened or close < 0 or 0 <= reopen < close:
        raise FragmentError(source, block.line, f"fragment:{block.kind} 须写在 <{element}> 之内")


def _own_line(text: str, match: re.Match, source: str, line: int) -> tuple[int, int]:
    """The start of the marker's line and the start of the next line; the marker must be alone."""
    start = text.rfind("\n", 0, match.start()) + 1
    end = text.find("\n", match.end())
    if text[start:match.start()].strip() or (text[match.end():end if end >= 0 else len(text)].strip()):
        raise FragmentError(source, line, "片段标记须独占一行")
    if end < 0:
        raise FragmentError(source, line, "片段标记之后缺少换行")
    return start, end + 1


def _declaration(rest: str, source: str, line: int) -> dict[str, str]:
    values, at = {}, 0
    for match in PAIR.finditer(rest):
        if rest[at:match.start()].strip():
            break
        key, value = match.group(1), match.group(2)
        if key in values:
            raise FragmentError(source, line, f"参数 {key} 写了两次")
        values[key] = value
        at = match.end()
    if rest[at:].strip():
        raise FragmentError(source, line, f"声明无法读取：“{rest[at:].strip()[:40]}”（应为 参数=\"值\"，以空白分隔）")
    return values


def _generate(block: _Block, source: str, templates: Mapping[str, Template]) -> Generated:
    decl = Declaration(block.declaration)
    try:
        made = templates[block.kind].render(decl)
    except DeclarationError as exc:
        raise FragmentError(source, block.line, f"fragment:{block.kind}：{exc}") from None
    unread = decl.unread()
    if unread:
        raise FragmentError(source, block.line, f"fragment:{block.kind} 没有参数 {'、'.join(unread)}")
    return made


def _check_prefixes(text: str, source: str) -> None:
    """Templates write bpmn:, spiffworkflow: and camunda: elements: the file must use those prefixes."""
    try:
        root = parse_bpmn(text.encode("utf-8"))
    except BpmnReadError as exc:
        raise FragmentError(source, exc.line, exc.problem) from None
    for prefix, uri in PREFIXES.items():
        if root.nsmap.get(prefix) != uri:
            raise FragmentError(source, root.sourceline, f"片段使用前缀 {prefix}:，根元素须声明 xmlns:{prefix}=\"{uri}\"")


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _opening_marker(text: str, index: int) -> int:
    """Where the index-th opening marker is (moving lane references shifts the blocks)."""
    return [m.start() for m in MARKER.finditer(text) if not m.group(1)][index]


def _ids_in(body: str) -> list[str]:
    return re.findall(r'<bpmn:\w+\s[^>]*?\bid="([^"]+)"', body)


# -- lanes -----------------------------------------------------------------------------------------
LANE = re.compile(r'<bpmn:lane\b([^>]*)>(.*?)</bpmn:lane>', re.S)


def _place_in_lanes(text: str, index: int, lanes: dict[str, str], dropped: set[str], where: _Where,
                    changes: list[str]) -> str:
    """Every node of `lanes` listed once, in its lane, in the lane set of the process holding the
    index-th block; nodes of `dropped` listed nowhere. (Each edit shifts the block, so where it
    is is found again after each.)"""
    for node, lane in lanes.items():
        found = _refs(text, _opening_marker(text, index), node, where)
        if [owner for owner, _ in found] == [lane]:
            continue
        text = _remove_refs(text, [span for _, span in found])
        text = _add_ref(text, _opening_marker(text, index), node, lane, where)
        changes.append(f"{node} → {lane}")
    for node in sorted(dropped):
        found = _refs(text, _opening_marker(text, index), node, where)
        if found:
            text = _remove_refs(text, [span for _, span in found])
            changes.append(f"{node} → 删除")
    return text


@dataclass
class _Where:
    source: str
    newline: str


def _lanes(text: str, position: int, where: _Where) -> list[tuple[str, re.Match]]:
    """(id, match) of each lane of the process that holds `position`."""
    start = text.rfind("<bpmn:process", 0, position)
    end = text.find("</bpmn:process>", position)
    if start < 0 or end < 0:
        raise FragmentError(where.source, _line(text, position), "片段不在 <bpmn:process> 之内")
    found = []
    for match in LANE.finditer(text, start, end):
        if "childLaneSet" in match.group(2):
            raise FragmentError(where.source, _line(text, match.start()), "片段不支持嵌套泳道（childLaneSet）")
        lane_id = re.search(r'\bid="([^"]+)"', match.group(1))
        if lane_id:
            found.append((lane_id.group(1), match))
    return found


def _refs(text: str, position: int, node: str, where: _Where) -> list[tuple[str, tuple[int, int]]]:
    pattern = re.compile(r"<bpmn:flowNodeRef>\s*" + re.escape(node) + r"\s*</bpmn:flowNodeRef>")
    return [(lane_id, ref.span()) for lane_id, lane in _lanes(text, position, where)
            for ref in pattern.finditer(text, lane.start(2), lane.end(2))]


def _remove_refs(text: str, spans: list[tuple[int, int]]) -> str:
    """Cut the references out; one alone on its line takes the line with it."""
    for start, end in sorted(spans, reverse=True):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if not text[line_start:start].strip() and line_end >= 0 and not text[end:line_end].strip():
            start, end = line_start, line_end + 1
        text = text[:start] + text[end:]
    return text


def _add_ref(text: str, position: int, node: str, lane: str, where: _Where) -> str:
    """Append the reference to the lane, written the way its other references are."""
    lanes = dict(_lanes(text, position, where))
    if lane not in lanes:
        raise FragmentError(where.source, _line(text, position), f"流程没有泳道 {lane}（片段的 {node} 应在其中）")
    match = lanes[lane]
    close, body = match.end(2), match.group(2)
    ref = f"<bpmn:flowNodeRef>{node}</bpmn:flowNodeRef>"
    if "\n" not in body:                                   # a lane written on one line
        return text[:close] + ref + text[close:]
    line_start = text.rfind("\n", 0, close) + 1            # the closing tag's own line
    indents = re.findall(r"\n([ \t]*)<bpmn:flowNodeRef>", body)
    pad = indents[-1] if indents else text[line_start:close] + "  "
    return text[:line_start] + f"{pad}{ref}{where.newline}" + text[line_start:]
