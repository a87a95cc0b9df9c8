"""What is public is declared in the definitions: publicity points, read from BPMN and applied.

A publicity point is a step (published when it is completed) or an end event (when a matter
reaches it) carrying, in its extensionElements, a `xiaowei:publish` element in the Xiaowei
disclosure namespace:

    <xiaowei:publish section="project" stage="立项" title="立项公示">
      <xiaowei:field ref="project_name" key="subject" />
      <xiaowei:field ref="amount" key="amount" />
      <xiaowei:field ref="applicant_id" mask="id_number" />
      <xiaowei:field ref="payment_account" class="never" />
      <xiaowei:field label="交易方式" value="农村产权交易中心挂牌" key="channel" />
      <xiaowei:field ref="contract_file" />            <!-- a file field: a published document -->
      <xiaowei:field ref="roster">                     <!-- a table field: published row by row -->
        <xiaowei:column ref="household_head" mask="name_partial" />
        <xiaowei:column ref="amount" />
        <xiaowei:column ref="id_number" class="never" />
      </xiaowei:field>
    </xiaowei:publish>

A field not listed is never published; of a table field, a column not listed is never published,
and an ID-number column may only be declared never. `term="long"` marks a 长期公示: the notice
stays up, not only for a publicity period (a 低保 household's confirmed allowance, 民发〔2021〕57号
第二十七条). A call activity may carry `<xiaowei:publishCalled
section="project"/>`: what the called process publishes is then filed under that section (四议两公开
called by a project belongs to the project). Reading and checking happen at load time (a wrong
declaration refuses the file with the element and line, in Chinese); `disclose` turns a matter's data
into the fields of a published record. Pure: no store, no web.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from decimal import Decimal

from .audit import canonical
from .bpmn_xml import BPMN, local_name, properties
from .forms import FormField
from .masking import RULES, scrub_text
from .structure import Finding

XIAOWEI = "https://xiaowei.example/bpmn/disclosure"
# Sections of the portal a definition may publish to; 权力清单 is the catalogue itself.
SECTIONS = {"project": "工程项目", "service_result": "办事结果", "asset": "资产资源", "village_affairs": "村务公开"}
CLASSES = ("public", "masked", "never")
TERMS = {"long": "长期公示"}      # term="long": the notice stays up (长期公示), not only for its period
# Keys let the portal build its structured views (the asset register, a project's amount) from
# whatever fields an item names them on, without knowing the item's field names.
KEYS = {"subject": "名称", "amount": "金额", "asset": "资产资源名称", "asset_no": "台账编号", "kind": "类别",
        "location": "坐落", "area": "面积或数量", "value": "价值", "method": "方式", "counterparty": "对方",
        "term": "期限", "start": "起始日期", "expiry": "到期日期", "price": "价格", "reserve_price": "底价",
        "deal_price": "成交价", "channel": "交易方式"}
PUBLISHING_TAGS = ("userTask", "manualTask", "task", "endEvent")
_BOOL_WORDS = {True: "是", False: "否"}


@dataclass(frozen=True)
class DisclosedField:
    label: str
    cls: str = "public"               # public | masked | never
    ref: str | None = None            # the form field published, or None for a literal
    mask: str | None = None           # the masking rule of a masked field
    key: str | None = None            # its meaning for the portal's structured views
    literal: str | None = None        # a constant text (value="...")
    type: str = "string"              # the form field's type (file fields are documents)
    options: tuple = ()               # enum options ((id, label), ...)
    columns: tuple = ()               # table fields: (DisclosedField per column, ...), in the declared order

    def as_dict(self) -> dict:
        found = {"ref": self.ref, "label": self.label, "class": self.cls, "mask": self.mask, "key": self.key,
                 "document": self.type == "file"}
        if self.type == "table":
            found["columns"] = [c.as_dict() for c in self.columns if c.cls != "never"]
        return found


@dataclass(frozen=True)
class Publication:
    element: str                      # the step or end event that publishes
    section: str
    stage: str
    title: str
    fields: tuple = ()
    publicity_step: str | None = None # the objection intake of the publicity period it opens, if any
    long_term: bool = False           # term="long": 长期公示, the notice stays up

    def as_dict(self) -> dict:
        return {"element": self.element, "section": self.section, "stage": self.stage, "title": self.title,
                "publicity_step": self.publicity_step, "long_term": self.long_term,
                "fields": [f.as_dict() for f in self.fields if f.cls != "never"]}


@dataclass(frozen=True)
class Declarations:
    """Everything a process declares: publications by element, sections of called processes."""
    by_element: dict
    called_sections: dict             # called process key -> section


# -- reading -----------------------------------------------------------------------------------
def read_declarations(process, field_lookup) -> tuple[Declarations, list[Finding]]:
    """The declarations of a `bpmn:process` and every problem with them. `field_lookup(name,
    element)`: the FormField a ref names, or None (the publishing step's own form first)."""
    findings = _misplaced(process)
    by_element, called = {}, {}
    for element in process.iter(f"{{{BPMN}}}*"):
        tag = local_name(element)
        if tag in PUBLISHING_TAGS:
            found = [_publication(node, element, field_lookup, findings) for node in _declared(element, "publish")]
            if found:
                by_element[element.get("id")] = tuple(p for p in found if p is not None)
        elif tag == "callActivity":
            for node in _declared(element, "publishCalled"):
                section = node.get("section")
                if section not in SECTIONS:
                    findings.append(_section_problem(node, section))
                else:
                    called[element.get("calledElement")] = section
    return Declarations(by_element, called), findings


def _declared(element, name: str) -> list:
    return element.findall(f"./{{{BPMN}}}extensionElements/{{{XIAOWEI}}}{name}")


def _misplaced(process) -> list[Finding]:
    """Xiaowei elements only where they mean something: a typo must not silently publish nothing."""
    places = {"publish": PUBLISHING_TAGS, "publishCalled": ("callActivity",), "field": ("publish",),
              "column": ("field",)}
    findings = []
    for node in process.iter(f"{{{XIAOWEI}}}*"):
        name = local_name(node)
        holder = node.getparent()
        if name != "field" and holder is not None and local_name(holder) == "extensionElements":
            holder = holder.getparent()
        if name not in places:
            findings.append(_finding("disclosure-element", node,
                                     f"未知的公开声明元素 xiaowei:{name}（可用：publish、field、column、publishCalled）"))
        elif holder is None or local_name(holder) not in places[name] or (
                name not in ("field", "column") and local_name(node.getparent()) != "extensionElements"):
            where = {"publish": "办理步骤或结束事件的 extensionElements", "publishCalled": "调用活动的 extensionElements",
                     "field": "xiaowei:publish", "column": "清册字段的 xiaowei:field"}[name]
            findings.append(_finding("disclosure-place", node, f"xiaowei:{name} 只能写在{where}中"))
    return findings


def _finding(rule: str, node, problem: str) -> Finding:
    return Finding(rule, node.get("id") or _owner_id(node), node.sourceline, problem)


def _owner_id(node) -> str | None:
    """Declarations have no ids of their own: a finding names the step or event they sit on."""
    return next((a.get("id") for a in node.iterancestors() if a.get("id")), None)


def _section_problem(node, section) -> Finding:
    hint = "“权力清单”由清单本身公开，无需声明；" if section == "power" else ""
    return _finding("disclosure-section", node,
                    f"{hint}公开栏目 {section!r} 不存在（可用：{'、'.join(f'{k}（{v}）' for k, v in SECTIONS.items())}）")


def _publication(node, element, field_lookup, findings: list) -> Publication | None:
    section, stage = node.get("section"), (node.get("stage") or "").strip()
    problems = []
    if section not in SECTIONS:
        problems.append(_section_problem(node, section))
    if not stage:
        problems.append(_finding("disclosure-stage", node, "公开声明须写明阶段 stage（如“立项”“审核确认结果”）"))
    term = node.get("term")
    if term is not None and term not in TERMS:
        problems.append(_finding("disclosure-term", node,
                                 f"公开期限 term={term!r} 不存在（可用：{'、'.join(f'{k}（{v}）' for k, v in TERMS.items())}）"))
    fields = []
    for child in node:
        if isinstance(child.tag, str) and child.tag == f"{{{XIAOWEI}}}field":
            parsed = _field(child, element, field_lookup)
            if isinstance(parsed, Finding):
                problems.append(parsed)
            else:
                fields.append(parsed)
    if not fields and not problems:
        problems.append(_finding("disclosure-empty", node, "公开声明没有任何字段（xiaowei:field）"))
    findings += problems
    if problems:
        return None
    return Publication(element.get("id"), section, stage, (node.get("title") or element.get("name") or stage).strip(),
                       tuple(fields), publicity_intake(element), term == "long")


def _field(node, element, field_lookup) -> DisclosedField | Finding:
    ref, literal, cls, rule, key = (node.get(a) for a in ("ref", "value", "class", "mask", "key"))
    if (ref is None) == (literal is None):
        return _finding("disclosure-field", node, "xiaowei:field 须写 ref（表单字段）或 value（固定文字）其中之一")
    if key is not None and key not in KEYS:
        return _finding("disclosure-key", node, f"字段用途 key={key!r} 不存在（可用：{'、'.join(KEYS)}）")
    if rule is not None and rule not in RULES:
        return _finding("disclosure-mask", node, f"打码规则 {rule!r} 不存在（可用：{'、'.join(RULES)}）")
    cls = cls or ("masked" if rule else "public")
    if cls not in CLASSES:
        return _finding("disclosure-class", node, f"公开类别 class={cls!r} 不存在（可用：public、masked、never）")
    if (cls == "masked") != (rule is not None):
        return _finding("disclosure-class", node, "打码字段（class=\"masked\"）须且只有打码字段须写打码规则 mask")
    if literal is not None:
        if not (node.get("label") or "").strip():
            return _finding("disclosure-field", node, "固定文字字段须写 label")
        return DisclosedField(node.get("label").strip(), cls, None, rule, key, literal.strip())
    spec: FormField | None = field_lookup(ref, element)
    if spec is None:
        return _finding("disclosure-ref", node, f"公开字段 {ref!r} 不是本流程表单中的字段")
    if spec.type == "file" and cls == "masked":
        return _finding("disclosure-class", node,
                        f"附件字段 {ref} 不能打码：要么公开（class=\"public\"），要么不公开（class=\"never\"）")
    columns = ()
    if spec.type == "table":
        columns = _columns(node, spec, cls)
        if isinstance(columns, Finding):
            return columns
    elif node.find(f"{{{XIAOWEI}}}column") is not None:
        return _finding("disclosure-column", node, f"字段 {ref} 不是清册字段，不能声明 xiaowei:column")
    return DisclosedField((node.get("label") or spec.label).strip(), cls, ref, rule, key, None, spec.type, spec.options,
                          columns)


def _columns(node, spec: FormField, cls: str) -> tuple | Finding:
    """The columns of a published table field: each a form column, public, masked or never; an
    ID-number column never public; a table published row by row names at least one column."""
    if cls == "masked":
        return _finding("disclosure-class", node, f"清册字段 {spec.name} 不能整体打码：用 xiaowei:column 逐列声明")
    found = []
    for child in node.iterfind(f"{{{XIAOWEI}}}column"):
        ref, rule, ccls = child.get("ref"), child.get("mask"), child.get("class")
        column = spec.column(ref or "")
        if column is None:
            return _finding("disclosure-ref", child, f"公开的列 {ref!r} 不是清册 {spec.name} 的列")
        if rule is not None and rule not in RULES:
            return _finding("disclosure-mask", child, f"打码规则 {rule!r} 不存在（可用：{'、'.join(RULES)}）")
        ccls = ccls or ("masked" if rule else "public")
        if ccls not in CLASSES or (ccls == "masked") != (rule is not None):
            return _finding("disclosure-class", child, "列的公开类别须为 public、masked（须写打码规则 mask）或 never")
        if column.type == "idcard" and ccls != "never":
            return _finding("disclosure-class", child,
                            f"身份证号码列 {ref} 依法不公开，只能声明为 class=\"never\"")
        if any(c.ref == ref for c in found):
            return _finding("disclosure-column", child, f"列 {ref} 重复声明")
        found.append(DisclosedField((child.get("label") or column.label).strip(), ccls, ref, rule, None, None,
                                    column.type, tuple((o, o) for o in column.options)))
    if cls != "never" and not any(c.cls != "never" for c in found):
        return _finding("disclosure-column", node,
                        f"公开清册字段 {spec.name} 须用 xiaowei:column 声明公开哪些列（未声明的列不公开）")
    return tuple(found)


def publicity_intake(element) -> str | None:
    """The objection intake a published notice opens: from the publishing step, along its one
    outgoing flow, through merge gateways, to a step marked objection_intake."""
    scope = element.getparent()
    nodes = {n.get("id"): n for n in scope if isinstance(n.tag, str)}
    current = element.get("id")
    for _ in range(10):
        outgoing = [f for f in scope.findall(f"{{{BPMN}}}sequenceFlow") if f.get("sourceRef") == current]
        if len(outgoing) != 1 or outgoing[0].get("targetRef") not in nodes:
            return None
        target = nodes[outgoing[0].get("targetRef")]
        if local_name(target) == "exclusiveGateway":
            current = target.get("id")
            continue
        return target.get("id") if properties(target).get("objection_intake", "").lower() == "true" else None
    return None


# -- applying ----------------------------------------------------------------------------------
def disclose(publication: Publication, data: dict, context: dict | None = None) -> dict:
    """A record's content from a matter's data: {"subject", "fields": [{label, text, value?, key?}],
    "documents": [attachment ids]}. Values missing from the data are left out; masked fields go
    through their rule; every text is scrubbed. `context`: {"village", "township"} names."""
    fields, documents = [], []
    for spec in publication.fields:
        if spec.cls == "never":
            continue
        value = spec.literal if spec.ref is None else data.get(spec.ref)
        if value is None or value == "" or value == []:
            continue
        if spec.type == "file":
            documents += [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]
            continue
        fields.append(_disclosed(spec, value, context or {}))
    return {"subject": _subject(fields), "fields": fields, "documents": list(dict.fromkeys(documents))}


def _subject(fields: list[dict]) -> str | None:
    """The record's headline: the field keyed `subject`, else the asset it concerns."""
    for key in ("subject", "asset"):
        found = next((f["text"] for f in fields if f.get("key") == key), None)
        if found:
            return found
    return None


def _disclosed(spec: DisclosedField, value, context: dict) -> dict:
    if spec.type == "table":
        return _disclosed_table(spec, value if isinstance(value, list) else [], context)
    if spec.cls == "masked":
        entry = {"label": spec.label, "text": RULES[spec.mask](value, context), "masked": True}
    else:
        entry = {"label": spec.label, "text": scrub_text(field_words(spec, value))}
        if spec.type in ("long", "money", "date", "boolean") and not isinstance(value, (list, dict)):
            entry["value"] = value
    if spec.key:
        entry["key"] = spec.key
    return entry


def _disclosed_table(spec: DisclosedField, rows: list, context: dict) -> dict:
    """A list published row by row: {label, text (the count and the totals of its public number
    columns), table: {columns: [labels], rows: [[texts]]}}; only the declared columns, masked as declared."""
    shown = [c for c in spec.columns if c.cls != "never"]
    cells = [[_cell_text(c, row.get(c.ref), context) if isinstance(row, dict) else "" for c in shown] for row in rows]
    totals = []
    for c in shown:
        if c.type in ("money", "long") and c.cls == "public":
            total = sum((Decimal(str(row.get(c.ref))) for row in rows
                         if isinstance(row, dict) and isinstance(row.get(c.ref), (int, float))
                         and not isinstance(row.get(c.ref), bool)), Decimal(0))
            totals.append(f"{_bare_label(c.label)}合计 {field_words(c, float(total) if c.type == 'money' else int(total))}")
    text = "；".join([f"共 {len(rows)} 行", *totals])
    entry = {"label": spec.label, "text": text,
             "table": {"columns": [c.label for c in shown], "rows": cells}}
    if spec.key:
        entry["key"] = spec.key
    return entry


def _cell_text(column: DisclosedField, value, context: dict) -> str:
    if value is None or value == "":
        return ""
    if column.cls == "masked":
        return RULES[column.mask](value, context)
    return scrub_text(field_words(column, value))


def _bare_label(label: str) -> str:
    return re.sub(r"[（(][^（()）]*[）)]$", "", label).strip() or label


def field_words(spec: DisclosedField, value) -> str:
    """A stored value as people read it: option labels, 是/否, yuan with two decimals."""
    if spec.type == "enum":
        return dict(spec.options).get(value, str(value))
    if isinstance(value, bool) or spec.type == "boolean":
        return _BOOL_WORDS.get(value, str(value))
    if spec.type == "money" and isinstance(value, (int, float)):
        # Money fields also carry areas (亩): the unit the label names wins over 元.
        unit = spec.label.rsplit("（", 1)[-1] if "（" in spec.label else "元"
        return f"{Decimal(str(value)):,.2f}" + (" 元" if "元" in unit else "")
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


# -- a record's content and its verification code ------------------------------------------------
CODE_LENGTH = 12                  # hex digits of the content hash printed beside an entry (48 bits)
_CODE_INPUT = re.compile(r"^[0-9a-f]{12}$")


def content_of(row) -> dict:
    """What a published record publishes, as hashed into its `content_sha256`: the portal shows it,
    the notice board prints it, and its verification code is the start of its hash. Publicity
    status (open, ends) and withdrawal are not content: they change, the notice does not."""
    return {"village": row.village_code, "township": row.township_code, "matter": row.matter_id,
            "item": row.process_key, "section": row.section, "stage": row.stage, "title": row.title,
            "role": row.role, "subject": row.subject, "fields": row.fields, "documents": row.documents,
            "published_at": row.published_at.isoformat()}


def content_text(row) -> str:
    """The canonical JSON text whose sha256 is the record's content hash (what `sha256sum` checks)."""
    return canonical(content_of(row))


def content_hash(row) -> str:
    return hashlib.sha256(content_text(row).encode("utf-8")).hexdigest()


def verify_code(content_sha256: str) -> str:
    """The short code printed beside an entry: 3f9a-c21b-07d4 (the hash's first 12 hex digits)."""
    code = content_sha256[:CODE_LENGTH]
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def parse_code(text: str) -> str | None:
    """A code as typed or scanned (any case, with or without dashes and spaces), as 12 hex digits;
    None if it cannot be one."""
    compact = re.sub(r"[\s\-－—_]", "", text or "").lower()
    return compact if _CODE_INPUT.match(compact) else None
