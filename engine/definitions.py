"""Process definitions: load BPMN files, validate them, extract what users and the engine need.

A file is parsed once with SpiffWorkflow's SpiffBpmnParser (see engine/parser.py); a *bundle* is one executable version of
an item: its process plus every process it calls, identified by a hash over their file hashes, so a
running matter stays on exactly the version it started with. Metadata (item, steps, roles, forms,
deadlines) is read from the XML by our own code because the parser keeps neither process-level
properties nor lane ids (docs/engine-notes.md §3.1).
"""
from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask

from .bpmn_xml import NS, local_name, parse_bpmn_bytes, properties
from .disclosure import XIAOWEI, read_declarations
from .errors import DefinitionError, UnsafeExpression
from .expressions import compile_expression, names_in
from .forms import CAMUNDA, Form, parse_form
from .parser import XiaoweiParser
from .spec_checks import check_specs
from .structure import check_ids, check_structure

# Refused before SpiffWorkflow sees the file: each would run code (docs/engine-notes.md §4).
FORBIDDEN_ELEMENTS = {"scriptTask": "不允许脚本任务", "serviceTask": "不允许服务任务",
                      "businessRuleTask": "不允许业务规则任务", "preScript": "不允许前置脚本",
                      "postScript": "不允许后置脚本", "script": "不允许脚本"}
# The categories of the list, in the order the catalogue shows them (docs/micro-power.md §2.2).
CATEGORIES = ("村级重大决策", "工程项目", "招投标采购", "资产资源", "财务管理", "人事用工", "村务管理", "便民服务")
METADATA_KEYS = ("list_code", "category", "policy_basis", "executing_body", "supervising_body",
                 "time_limit", "publicity")
STEP_TAGS = ("userTask", "manualTask", "task")


def list_metadata(info: dict) -> dict:
    """A stored version's list metadata (its `info`), but its category, which is a column of its own:
    what the catalogue's and the portal's views of an item show."""
    return {key: info.get(key) for key in METADATA_KEYS if key != "category"}


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    process_key: str
    role: str                      # the lane id
    form: Form
    deadline: str | None = None    # ISO duration, or an expression giving one (days(x)), from ready
    role_variable: str | None = None
    multi_instance: bool = False
    supervision: bool = False      # a supervision point (村务监督委员会 review and the like)
    separate_from: tuple = ()      # steps ("start": the matter's starter) whose actor may not do this one
    objection_intake: bool = False # completed only when someone objects during a publicity period
    policy_basis: str | None = None  # the step's own legal basis, where it has one beyond the item's
    publications: tuple = ()       # what completing it publishes (engine/disclosure.py)
    # ((data name, role, label), ...): whether the one completing it also holds that role in the
    # village, written by the service (never typed): a director who is also the secretary signs once
    actor_holds: tuple = ()
    split_total: str | None = None # a money field the services check against the stored related matters (R4)

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "process_key": self.process_key, "role": self.role,
                "deadline": self.deadline, "multi_instance": self.multi_instance,
                "role_variable": self.role_variable, "supervision": self.supervision,
                "separate_from": list(self.separate_from), "objection_intake": self.objection_intake,
                "policy_basis": self.policy_basis, "split_total": self.split_total,
                "publications": [p.as_dict() for p in self.publications],
                "actor_holds": [{"name": name, "role": role, "label": label} for name, role, label in self.actor_holds],
                "form": [f.as_dict() for f in self.form.fields]}


@dataclass(frozen=True)
class ProcessInfo:
    key: str
    name: str
    file: str
    sha256: str
    metadata: dict
    lanes: dict                    # lane id -> lane name
    start_form: Form
    steps: dict                    # step id -> Step
    end_events: dict               # end event id -> name (the outcome)
    timers: dict                   # timer event id -> name
    calls: tuple = ()              # called process keys
    reads: frozenset = frozenset() # data names read by expressions
    mi_items: frozenset = frozenset()  # names multi-instance steps put into their instances
    embedded: tuple = ()           # ids of embedded sub-processes (their steps belong to this item)
    start_role: str | None = None  # the lane of the start event: who may start a matter
    start_event: str | None = None # the id of the start event (where the start form is declared)
    end_publications: dict = field(default_factory=dict)  # end event id -> what reaching it publishes
    called_sections: dict = field(default_factory=dict)   # called process key -> section its records go to
    # Form fields naming the people (user names) a matter is about: they may neither see it nor act on
    # any of its steps (the process property `withheld_from`; a complaint about a cadre).
    withheld_from: tuple = ()

    def field_names(self) -> set[str]:
        names = set(self.start_form.names())
        for step in self.steps.values():
            names |= step.form.names() | {name for name, _, _ in step.actor_holds}
        return names

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "file": self.file, "sha256": self.sha256,
                **{k: self.metadata.get(k) for k in METADATA_KEYS}, "lanes": self.lanes,
                "start_form": [f.as_dict() for f in self.start_form.fields],
                "steps": [s.as_dict() for s in self.steps.values()], "end_events": self.end_events,
                "timers": self.timers, "calls": list(self.calls), "reads": sorted(self.reads),
                "start_role": self.start_role, "publications": self.publications(),
                "withheld_from": list(self.withheld_from)}

    def publications(self) -> list[dict]:
        """Every publicity point of the item with what it publishes, in document order of steps."""
        found = [{**p.as_dict(), "element_name": s.name} for s in self.steps.values() for p in s.publications]
        return found + [{**p.as_dict(), "element_name": self.end_events.get(eid, eid)}
                        for eid, pubs in self.end_publications.items() for p in pubs]


@dataclass
class Bundle:
    """One executable version: a process, the processes it calls, their specs and source."""
    key: str
    bundle_sha256: str
    processes: dict                # key -> ProcessInfo (the main one and every called one)
    files: dict                    # file name -> BPMN bytes
    spec: object
    subprocess_specs: dict

    @property
    def info(self) -> ProcessInfo:
        return self.processes[self.key]

    @cached_property
    def labels(self) -> dict[str, str]:
        """{data name: label} over every form of the item and of the processes it calls."""
        found = {}
        for info in self.processes.values():
            forms = [info.start_form] + [step.form for step in info.steps.values()]
            found.update({f.name: f.label for form in forms for f in form.fields if f.name not in found})
            found.update({name: label for step in info.steps.values() for name, _, label in step.actor_holds})
        return found

    @cached_property
    def choices(self) -> dict[str, dict[str, str]]:
        """{field name: {choice id: its words}} over every choice field of the item and of the
        processes it calls (the first form naming a field gives its choices, as `labels` does)."""
        found: dict[str, dict[str, str]] = {}
        for info in self.processes.values():
            for form in [info.start_form] + [step.form for step in info.steps.values()]:
                for f in form.fields:
                    if f.options and f.name not in found:
                        found[f.name] = dict(f.options)
        return found

    @cached_property
    def reads(self) -> frozenset:
        """Every data name an expression, a form bound, a deadline or a multi-instance input of the
        item or of a process it calls reads (the parameters among them go into a matter's data)."""
        return frozenset().union(*(info.reads for info in self.processes.values()))

    @cached_property
    def publishes(self) -> bool:
        """Some step or end of the item or of a process it calls publishes a record: only then can
        a matter of it have published records (engine/services/publishing.py reads them)."""
        return any(step.publications for info in self.processes.values() for step in info.steps.values()) or any(
            any(points) for info in self.processes.values() for points in info.end_publications.values())

    @cached_property
    def has_objection_intake(self) -> bool:
        """Some step takes objections during a publicity period: only then can an objection filed
        online hold one of its matters' periods (engine/services/persistence.load_matter)."""
        return any(step.objection_intake for info in self.processes.values() for step in info.steps.values())

    def step(self, spec_name: str, step_id: str) -> Step | None:
        """The step of a task, by its workflow spec name (process key or embedded sub-process id)."""
        info = self.processes.get(spec_name) or next(
            (p for p in self.processes.values() if spec_name in p.embedded), None)
        return info.steps.get(step_id) if info else None


class Catalog:
    """Every definition of a set of BPMN files, parsed once and validated."""

    def __init__(self, files: dict[str, bytes], role_codes: set[str] | None = None,
                 parameter_names: set[str] | None = None):
        self.files = files
        self.role_codes = role_codes
        self.parameter_names = parameter_names
        self.processes: dict[str, ProcessInfo] = {}
        self._file_of: dict[str, str] = {}
        self._parser = XiaoweiParser()
        for name in sorted(files):
            self._add_file(name, files[name])
        self._specs = {key: self._parse_spec(key) for key in self.processes}
        for key in self.processes:
            self._check_data_names(key)
            self._check_reads(key)

    @classmethod
    def from_directory(cls, directory: Path, **kw) -> "Catalog":
        paths = sorted(Path(directory).rglob("*.bpmn"))
        return cls({str(p.relative_to(directory)): p.read_bytes() for p in paths}, **kw)

    def bundle(self, key: str) -> Bundle:
        if key not in self.processes:
            raise DefinitionError(key, None, "没有这个流程")
        spec, subprocess_specs = self._specs[key]
        members = [key, *sorted(subprocess_specs)]
        infos = {k: self.processes[k] for k in members if k in self.processes}
        files = {self._file_of[k]: self.files[self._file_of[k]] for k in infos}
        digest = hashlib.sha256("|".join(f"{k}:{infos[k].sha256}" for k in sorted(infos)).encode()).hexdigest()
        return Bundle(key, digest, infos, files, spec, subprocess_specs)

    # -- reading one file -------------------------------------------------------------------
    def _add_file(self, name: str, data: bytes) -> None:
        root = parse_bpmn_bytes(data, name)
        for info in _FILE_READS.read(name, data, root, self.role_codes):
            if info.key in self.processes:
                raise DefinitionError(name, info.key, f"流程标识重复（已在 {self._file_of[info.key]} 中定义）")
            self.processes[info.key] = info
            self._file_of[info.key] = name
        try:
            self._parser.add_bpmn_xml(_strip_forms(root), filename=name)
        except ValidationException as exc:
            raise _from_validation(name, exc, root) from None

    def _parse_spec(self, key: str):
        name = self._file_of[key]
        try:
            spec = self._parser.get_spec(key)
            subprocess_specs = self._parser.get_subprocess_specs(key)
        except ValidationException as exc:
            raise _from_validation(name, exc, None, key) from None
        except RecursionError:       # the structure checks bound the size; this is the last guard
            raise DefinitionError(name, key, "流程结构过深（步骤链过长），请拆成子流程") from None
        for problem in check_specs([spec, *subprocess_specs.values()]):
            raise DefinitionError(name, problem[0], problem[1])
        for each in (spec, *subprocess_specs.values()):
            wire_loop_children(each)
        return spec, subprocess_specs

    def _check_data_names(self, key: str) -> None:
        """No form field or multi-instance item may carry a parameter's name: a parameter decides a
        threshold or a period, and data submitted under its name must never replace it."""
        if self.parameter_names is None:
            return
        info = self.processes[key]
        forms = [(info.start_event, info.start_form), *((s.id, s.form) for s in info.steps.values())]
        for element, form in forms:
            for name in sorted(form.names() & self.parameter_names):
                raise DefinitionError(info.file, element, f"表单字段 {name} 与乡镇参数同名："
                                      "参数决定门槛和期限，不能由填写的数据覆盖，请改用其他字段名")
        for name in sorted(info.mi_items & self.parameter_names):
            raise DefinitionError(info.file, key, f"多实例数据项 {name} 与乡镇参数同名，请改用其他名称")
        for step in info.steps.values():
            for name in sorted({n for n, _, _ in step.actor_holds} & self.parameter_names):
                raise DefinitionError(info.file, step.id, f"actor_holds 的数据项 {name} 与乡镇参数同名，请改用其他名称")

    def _check_reads(self, key: str) -> None:
        if self.parameter_names is None:
            return
        spec, subprocess_specs = self._specs[key]
        known = set(self.parameter_names)
        for member in [key, *subprocess_specs]:
            if member in self.processes:
                known |= self.processes[member].field_names() | self.processes[member].mi_items
        unknown = sorted(self.processes[key].reads - known)
        if unknown:
            raise DefinitionError(self._file_of[key], key,
                                  f"表达式读取了未定义的数据或参数：{', '.join(unknown)}")


def read_file(name: str, root, sha: str, role_codes: set[str] | None) -> tuple[ProcessInfo, ...]:
    """The checks of one parsed file that need no other file, and what each of its executable
    processes declares; DefinitionError naming the file and element at the first problem."""
    _refuse_code(root, name)
    for finding in check_ids(root):
        raise DefinitionError(name, finding.element, finding.problem, finding.line)
    infos = []
    for process in root.iterfind("bpmn:process", NS):
        if process.get("isExecutable", "false").lower() != "true":
            continue
        for finding in check_structure(process):
            raise DefinitionError(name, finding.element, finding.problem, finding.line, process.get("id"))
        infos.append(read_process(process, name, sha, role_codes))
    return tuple(infos)


class _FileReads:
    """read_file's answers for the files read last, by name, content and role register: every
    catalogue is built from all the items an upload, a check or a publish may call, and all but
    one of them are the same files each time (a township's upload read the 37 county items again:
    ~0.4 s). Only good files are kept; a ProcessInfo is frozen, so catalogues share them. Bounded
    by count (a file's answer is a few kB); safe across threads (the worst race reads a file twice)."""

    def __init__(self, size: int = 512):
        self.size = size
        self._items: OrderedDict[tuple, tuple[ProcessInfo, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def read(self, name: str, data: bytes, root, role_codes: set[str] | None) -> tuple[ProcessInfo, ...]:
        sha = hashlib.sha256(data).hexdigest()
        key = (name, sha, None if role_codes is None else frozenset(role_codes))
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        found = read_file(name, root, sha, role_codes)
        with self._lock:
            self._items[key] = found
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return found


_FILE_READS = _FileReads()


def wire_loop_children(spec) -> None:
    """Connect every loop and multi-instance step to the completion of its instances.

    SpiffWorkflow makes this connection only when it creates an instance, on the spec object of
    the process that created it. A matter saved with open instances and completed by another
    process (another gunicorn worker, the timer worker, a restart) would never merge them, and
    the step would stay STARTED for ever. Wiring it once per parsed spec makes it hold everywhere."""
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, LoopTask):
            child = spec.task_specs[task_spec.task_spec]
            if not child.completed_event.is_connected(task_spec.merge_child):
                child.completed_event.connect(task_spec.merge_child)


def _strip_forms(root):
    """The document without camunda:formData and the disclosure declarations (removed in place,
    after they were read): both are ours to read, and SpiffWorkflow indexes every element with an
    id, so a form option or field whose id equals a step's id (`<camunda:value id="approve">` in a
    step `approve`) would replace the step. The other elements keep their source lines."""
    for form in [*root.iterfind(f".//{{{CAMUNDA}}}formData"), *root.iterfind(f".//{{{XIAOWEI}}}*")]:
        if form.getparent() is not None:
            form.getparent().remove(form)
    return root


def _refuse_code(root, filename: str) -> None:
    for element in root.iter():
        if isinstance(element.tag, str) and local_name(element) in FORBIDDEN_ELEMENTS:
            owner = element if element.get("id") else next(
                (a for a in element.iterancestors() if a.get("id")), element)
            raise DefinitionError(filename, owner.get("id"), FORBIDDEN_ELEMENTS[local_name(element)])


# SpiffWorkflow's validation messages (the ones the structure checks do not catch first), in Chinese.
_SPIFF_MESSAGES = (
    ("There is no support implemented for this task type", "不支持此类元素"),
    ("No start event found", "没有开始事件"),
    ("Multiple outgoing flows are not supported", "步骤只能有一条出口顺序流"),
    ("Unknown Time Specification", "定时器须写明时长"),
    ("Time Specification Error", "定时器时长格式有误"),
    ("Duplicate process ID", "流程标识重复"),
    ("is not executable", "该流程未设为可执行（isExecutable）"),
    ("was not found", "调用的流程不存在"),
    ("A SubWorkflow Must contain an End event", "子流程没有结束事件"),
    ("maximum recursion depth", "流程结构过深（步骤链过长），请拆成子流程"),
    ("When looking for a task spec, we found two items", "元素标识重复，或顺序流指向了不存在的元素"),
    ("Cannot resolve dataInputAssociation", "数据输入关联无法解析"),
    ("Cannot resolve dataOutputAssociation", "数据输出关联无法解析"),
    ("Conditional event definition with missing condition", "条件事件没有条件"),
)


def _from_validation(name: str, exc: ValidationException, root=None, process: str | None = None) -> DefinitionError:
    """Our error for a library validation error: the message in Chinese (the English original
    kept after it), the element and, where the document is at hand, its line."""
    english = str(exc).split("\n")[0]
    chinese = next((zh for en, zh in _SPIFF_MESSAGES if en in english), "流程定义无效")
    element = getattr(exc, "id", None) or None
    line = getattr(exc, "sourceline", None) or _line_of(root, element)
    return DefinitionError(getattr(exc, "file_name", None) or name, element, f"{chinese}（{english}）", line, process)


def _line_of(root, element_id: str | None) -> int | None:
    if root is None or not element_id:
        return None
    found = root.xpath("//*[@id=$id]", id=element_id)
    return found[0].sourceline if found else None


def read_process(process, filename: str, sha: str, role_codes: set[str] | None) -> ProcessInfo:
    """ProcessInfo from one `bpmn:process` element; DefinitionError on a broken convention."""
    key = process.get("id")
    lane_of, lanes = _lanes(process, filename, role_codes)
    start_form, start_role, start_event = Form(), None, None
    steps, ends, timers = {}, {}, {}
    for element in process.iter():
        tag = local_name(element) if isinstance(element.tag, str) else ""
        eid = element.get("id")
        if tag == "startEvent" and element.getparent() is process:
            start_form, start_role, start_event = _form_of(element, filename), _lane_of(element, lane_of), eid
        elif tag in STEP_TAGS:
            steps[eid] = _step(element, key, _lane_of(element, lane_of), filename)
        elif tag == "endEvent" and element.getparent() is process:
            ends[eid] = element.get("name") or eid
        elif tag in ("intermediateCatchEvent", "boundaryEvent") and element.find("bpmn:timerEventDefinition", NS) is not None:
            timers[eid] = element.get("name") or eid
    for step in steps.values():
        unknown = [x for x in step.separate_from if x != "start" and x not in steps]
        if unknown:
            raise DefinitionError(filename, step.id, f"separate_from 指向不存在的步骤：{', '.join(unknown)}")
        for _, role, _ in step.actor_holds:
            if role_codes is not None and role not in role_codes:
                raise DefinitionError(filename, step.id, f"actor_holds 中的角色 {role} 不在角色登记表中")
    meta = properties(process)
    if meta.get("category") not in CATEGORIES:
        raise DefinitionError(filename, key, f"类别 {meta.get('category')!r} 不在清单类别中（{'、'.join(CATEGORIES)}）")
    calls = tuple(sorted({c.get("calledElement") for c in process.iterfind(".//bpmn:callActivity", NS)}))
    # what a multi-instance step puts into each instance, and the list it collects their answers in
    mi_names = frozenset(n.get("name") or n.get("id") for n in process.iterfind(".//bpmn:inputDataItem", NS)) | frozenset(
        (n.text or "").strip() for n in process.iterfind(".//bpmn:loopDataOutputRef", NS) if (n.text or "").strip())
    embedded = tuple(e.get("id") for e in process.iterfind(".//bpmn:subProcess", NS))
    declared = _declarations(process, filename, start_form, steps)
    steps = {sid: replace(s, publications=declared.by_element.get(sid, ())) for sid, s in steps.items()}
    withheld = tuple(x.strip() for x in (meta.get("withheld_from") or "").split(",") if x.strip())
    fields = set(start_form.names()).union(*(s.form.names() for s in steps.values()))
    unknown = [name for name in withheld if name not in fields]
    if unknown:
        raise DefinitionError(filename, key, f"withheld_from 指向不存在的表单字段：{', '.join(unknown)}")
    return ProcessInfo(key, process.get("name") or key, filename, sha,
                       {k: meta.get(k) for k in METADATA_KEYS}, lanes, start_form, steps, ends, timers,
                       calls, frozenset(_names_read(process)), mi_names, embedded, start_role, start_event,
                       {e: p for e, p in declared.by_element.items() if e not in steps}, declared.called_sections,
                       withheld)


def _declarations(process, filename: str, start_form: Form, steps: dict):
    """What the process publishes (engine/disclosure.py); the first problem refuses the file."""
    def lookup(name: str, element):
        own = steps[element.get("id")].form.fields if element.get("id") in steps else ()
        forms = [own, start_form.fields, *(s.form.fields for s in steps.values())]
        return next((f for fields in forms for f in fields if f.name == name), None)
    declared, findings = read_declarations(process, lookup)
    for finding in findings:
        raise DefinitionError(filename, finding.element, finding.problem, finding.line, process.get("id"))
    return declared


def _is_number(text) -> bool:
    try:
        float(text)
    except (TypeError, ValueError):
        return False
    return True


def _lane_of(element, lane_of) -> str | None:
    """The lane of a node, or of the nearest enclosing sub-process that sits in a lane."""
    while element is not None:
        if element.get("id") in lane_of:
            return lane_of[element.get("id")]
        element = element.getparent()
    return None


def _lanes(process, filename, role_codes):
    lane_of, lanes = {}, {}
    for lane in process.iterfind(".//bpmn:lane", NS):
        lid = lane.get("id")
        if role_codes is not None and lid not in role_codes:
            raise DefinitionError(filename, lid, f"泳道 {lid} 不是已登记的角色")
        lanes[lid] = lane.get("name") or lid
        for ref in lane.iterfind("bpmn:flowNodeRef", NS):
            lane_of[(ref.text or "").strip()] = lid
    return lane_of, lanes


def _form_of(element, filename) -> Form:
    form, problems = parse_form(element)
    if problems:
        raise DefinitionError(filename, element.get("id"), problems[0])
    return form


def _step(element, key, lane, filename) -> Step:
    eid = element.get("id")
    if lane is None:
        raise DefinitionError(filename, eid, "办理步骤不在任何泳道（角色）中")
    props = properties(element)
    mi = element.find("bpmn:multiInstanceLoopCharacteristics", NS) is not None
    if props.get("role_variable") and not mi:
        raise DefinitionError(filename, eid, "只有多实例步骤可以设置 role_variable")
    if props.get("deadline"):
        try:
            compile_expression(props["deadline"])
        except UnsafeExpression as exc:
            raise DefinitionError(filename, eid, f"时限 deadline 有误：{exc.message}") from None
    separate = tuple(x.strip() for x in props.get("separate_from", "").split(",") if x.strip())
    form = _form_of(element, filename)
    split_total = props.get("split_total", "").strip() or None
    if split_total and not any(f.name == split_total and f.type == "money" for f in form.fields):
        raise DefinitionError(filename, eid, f"split_total 应为本步骤表单中的金额字段：{split_total}")
    return Step(eid, element.get("name") or eid, key, lane, form,
                props.get("deadline") or None, props.get("role_variable") or None, mi,
                props.get("supervision", "").lower() == "true", separate,
                props.get("objection_intake", "").lower() == "true", props.get("policy_basis") or None,
                actor_holds=_actor_holds(props.get("actor_holds", ""), form, filename, eid), split_total=split_total)


def _actor_holds(text: str, form: Form, filename: str, eid: str) -> tuple:
    """"director_also_secretary=PARTY_BRANCH:主任兼任书记, ..." ->
    (("director_also_secretary", "PARTY_BRANCH", "主任兼任书记"), ...)."""
    found = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, rest = (x.strip() for x in part.partition("="))
        role, _, label = (x.strip() for x in rest.partition(":"))
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", name) or not re.fullmatch(r"[A-Z][A-Z0-9_]{0,63}", role) or not label:
            raise DefinitionError(filename, eid, f"actor_holds 应写作“数据名=角色代码:中文说明”，而不是 {part!r}")
        if name in form.names():
            raise DefinitionError(filename, eid, f"actor_holds 的数据名 {name} 与表单字段同名：它由系统按办理人的角色填写")
        found.append((name, role, label))
    return tuple(found)


def _names_read(process) -> set[str]:
    texts = [e.text for e in process.iterfind(".//bpmn:conditionExpression", NS)]
    texts += [p.get("value") for p in process.iterfind(".//spiffworkflow:property[@name='deadline']", NS)]
    # Form limits may be expressions too (max="control_price"); numbers read nothing.
    texts += [c.get("config") for c in process.iterfind(".//camunda:constraint", NS)
              if c.get("name") in ("min", "max") and not _is_number(c.get("config"))]
    texts += [e.text for tag in ("timeDuration", "timeDate", "timeCycle", "completionCondition", "loopCardinality")
              for e in process.iterfind(f".//bpmn:{tag}", NS)]
    texts += [e.text for e in process.iterfind(".//bpmn:loopDataInputRef", NS)]
    names = set()
    for text in texts:
        if text and text.strip():
            try:
                names |= names_in(text)
            except SyntaxError:
                pass  # reported with its element by the spec checks
    return names
