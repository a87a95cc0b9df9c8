"""Drive one SpiffWorkflow instance of a bundle: start, ready steps, complete, timers, cancel.

`Matter` wraps a workflow and the bundle it runs on. It knows nothing of users, storage or
HTTP: the service layer loads it under a lock, asks it to act, and saves what it dumps.
Instances are serialized without their spec (docs/engine-notes.md §5.3): the spec is cached per bundle.
"""
from __future__ import annotations

import json
from collections import ChainMap
from dataclasses import dataclass
from datetime import datetime, timezone
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from . import clock
from .definitions import Bundle, Step
from .errors import Conflict, ExpressionLimit, NotFound
from .expressions import SCRIPT_ENGINE
from .forms import clean_form_data, refuse_parameter_names
from .incidents import explain
from .pruning import prune_history
from .parser import FreshParallelMultiInstanceTask, FreshSequentialMultiInstanceTask
from .vocabulary import MatterStatus

# Flowchart overlay: engine task state -> drawn state; predicted tasks (FUTURE, LIKELY, MAYBE) are
# not drawn as taken. STARTED is a call activity or joint step with work open inside it.
_OVERLAY_STATE = {TaskState.ERROR: "error", TaskState.READY: "ready", TaskState.STARTED: "ready",
                  TaskState.WAITING: "waiting", TaskState.COMPLETED: "completed", TaskState.CANCELLED: "cancelled"}
_OVERLAY_RANK = {"error": 5, "ready": 4, "waiting": 3, "completed": 2, "cancelled": 1}


class DeepBpmnWorkflow(BpmnWorkflow):
    """Lifts the library's task-tree depth limit of 1000, past which a long rework loop makes
    READY steps invisible and `is_completed()` wrongly true (docs/engine-notes.md §9.1)."""

    def get_tasks_iterator(self, first_task=None, **kwargs):
        kwargs.setdefault("max_depth", 10**7)
        return super().get_tasks_iterator(first_task, **kwargs)

    # Objection-intake steps (task ids) whose publicity period is held: see Matter.held. Not
    # serialized: the service that loads a matter sets it from the objections waiting.
    held: frozenset = frozenset()
    # The matter's township parameters (its own copy, taken when it started): every expression
    # reads them beside the data (engine/expressions.py). Only those the item reads are workflow
    # data (Matter.start): all 200-odd were stored with every matter's state and merged into the
    # data of every task at every step, for the few an item reads. Not serialized: set on load.
    params: dict = {}

    def refresh_timers(self):
        """The library's refresh_timers (which do_engine_steps also calls), leaving the timer of a
        held publicity period waiting."""
        for task in list(self.event_manager.tasks.values()):
            if isinstance(task.task_spec.event_definition, (TimerEventDefinition, MultipleEventDefinition)) \
                    and not held_timer(task, self.held):
                task.task_spec._update(task)

    def is_completed(self):
        if not self.completed:
            try:
                next(self.get_tasks_iterator(state=TaskState.NOT_FINISHED_MASK))
            except StopIteration:
                self.completed = True
        return self.completed


def held_timer(timer_task, held) -> bool:
    """A boundary timer beside a held objection-intake step (its siblings under the boundary
    event's parent are the step and its events)."""
    if not held or timer_task.parent is None:
        return False
    return any(str(sibling.id) in held for sibling in timer_task.parent.children if sibling is not timer_task)


class SpeclessWorkflowConverter(BpmnWorkflowConverter):
    """Serializes a workflow without its spec, which is stored once per definition version."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        wf = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        wf.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=wf)
        wf.task_tree = wf.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(wf, dct)
        self.subprocesses_from_dict(dct["subprocesses"], wf)
        wf.bpmn_events = self.registry.restore(dct.get("bpmn_events", []))
        return wf


def _serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)            # copy: never mutate the library's module-level dict
    config[DeepBpmnWorkflow] = SpeclessWorkflowConverter
    # The registry matches classes exactly, so our subclasses need their parents' converters.
    for ours in (FreshParallelMultiInstanceTask, FreshSequentialMultiInstanceTask):
        config[ours] = config[ours.__mro__[2]]
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


SERIALIZER = _serializer()
SERIALIZER_VERSION = SERIALIZER.VERSION


@dataclass(frozen=True)
class ReadyStep:
    task_id: str
    step: Step
    role: str                      # the lane, or for a joint step the instance's own department


@dataclass(frozen=True)
class WaitingTimer:
    element_id: str
    name: str
    due: datetime
    held: bool = False             # a publicity period held past its end (an objection waits)


class Matter:
    """A running power-list matter: one workflow on one bundle."""

    def __init__(self, bundle: Bundle, workflow: DeepBpmnWorkflow):
        if not clock.installed():
            # Timers would read the wall clock and ignore a fixed one: fail loudly instead.
            raise RuntimeError("engine clock not installed: build a services Context or call engine.clock.install()")
        self.bundle = bundle
        self.workflow = workflow
        workflow.script_engine = SCRIPT_ENGINE   # not serialized: re-attach on every load
        self.error: str | None = None
        self.start_events: list = []
        self.ends_reached: list[tuple[str, str]] = []   # (process, end event id) reached by this action

    @property
    def held(self) -> frozenset:
        """Objection-intake steps whose publicity period is held: an objection filed online waits
        for the 村务监督委员会, so the period's timer does not fire (is not treated as passed) until
        it registers or dismisses it. Set by the service that loads the matter."""
        return self.workflow.held

    @held.setter
    def held(self, task_ids) -> None:
        self.workflow.held = frozenset(task_ids)

    # -- life cycle --------------------------------------------------------------------------
    @classmethod
    def start(cls, bundle: Bundle, data: dict, params: dict | None = None) -> "Matter":
        """`params`: the township parameters in force. Those the item reads (Bundle.reads) go
        into the data, where the engine reads some directly (a multi-instance step's input list);
        expressions and form bounds read all of them besides (a matter started before they were
        kept apart has all of them in its data: that works as well)."""
        params = dict(params or {})
        workflow = DeepBpmnWorkflow(bundle.spec, bundle.subprocess_specs, script_engine=SCRIPT_ENGINE)
        workflow.params = params
        # An optional field left empty reads as None in conditions (not a missing name, which
        # would stop the matter): `approval_matter is None` routes a reimbursement with no approval.
        # Parameters win over data of the same name, always (none is allowed: forms.refuse_parameter_names).
        workflow.task_tree.data.update({f.name: None for f in bundle.info.start_form.fields}, **data)
        workflow.task_tree.data.update({name: params[name] for name in bundle.reads if name in params})
        matter = cls(bundle, workflow)
        matter.start_events = matter._advance()
        return matter

    @classmethod
    def load(cls, bundle: Bundle, state: str, params: dict | None = None) -> "Matter":
        """`params`: the parameters the matter started with (its stored copy), as for `start`."""
        dct = json.loads(state)
        dct.pop("serializer_version", None)
        workflow = SERIALIZER.from_dict(dct, spec=bundle.spec, subprocess_specs=bundle.subprocess_specs)
        workflow.params = dict(params or {})
        return cls(bundle, workflow)

    @classmethod
    def resume(cls, bundle: Bundle, workflow: DeepBpmnWorkflow, params: dict | None = None) -> "Matter":
        """The matter of a workflow kept in memory since it was dumped (what `load` of that dump
        would give): with its parameters set again, as `load` sets them."""
        workflow.params = dict(params or {})
        return cls(bundle, workflow)

    def dump(self) -> str:
        return SERIALIZER.serialize_json(self.workflow)

    # -- what a user sees --------------------------------------------------------------------
    def ready_steps(self) -> list[ReadyStep]:
        ready = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            step = self.step_of(task)
            ready.append(ReadyStep(str(task.id), step, self._role_of(task, step)))
        return ready

    def step_of(self, task) -> Step:
        step = self.bundle.step(task.workflow.spec.name, task.task_spec.bpmn_id)
        if step is None:   # cannot happen for a validated bundle; say so plainly if it does
            raise Conflict(f"步骤 {task.task_spec.bpmn_id} 不在流程定义中")
        return step

    def _role_of(self, task, step: Step) -> str:
        if step.role_variable and isinstance(task.data.get(step.role_variable), str):
            return task.data[step.role_variable]
        return step.role

    def waiting_timers(self) -> list[WaitingTimer]:
        timers = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING):
            definition = getattr(task.task_spec, "event_definition", None)
            due = task.internal_data.get("event_value")
            if isinstance(definition, TimerEventDefinition) and isinstance(due, str):
                at = TimerEventDefinition.get_datetime(due)
                timers.append(WaitingTimer(task.task_spec.bpmn_id, task.task_spec.bpmn_name or definition.name,
                                           datetime.fromtimestamp(at.timestamp(), timezone.utc), held_timer(task, self.held)))
        return sorted(timers, key=lambda t: t.due)

    def element_states(self) -> dict[str, dict]:
        """The state of each element of the item's own process, for a flowchart overlay:
        {element id: {"state", "role", "due"}}. Elements of called processes are left out (their
        ids may repeat the caller's); the call activity itself shows as in progress. Where an
        element ran several times (loops, a joint step's instances), the liveliest state wins."""
        states: dict[str, dict] = {}
        for task in self.workflow.get_tasks():
            spec = task.task_spec
            name = _OVERLAY_STATE.get(task.state)
            if task.workflow is not self.workflow or not spec.bpmn_id or name is None:
                continue
            current = states.get(spec.bpmn_id)
            if current and _OVERLAY_RANK[current["state"]] >= _OVERLAY_RANK[name]:
                continue
            states[spec.bpmn_id] = {"state": name, "role": self._overlay_role(task, name), "due": self._due_of(task)}
        return states

    def _overlay_role(self, task, state: str) -> str | None:
        if state != "ready" or not task.task_spec.manual:
            return None
        return self._role_of(task, self.step_of(task))

    @staticmethod
    def _due_of(task) -> str | None:
        due = task.internal_data.get("event_value")
        return due if isinstance(due, str) and isinstance(
            getattr(task.task_spec, "event_definition", None), TimerEventDefinition) else None

    def publicity_due(self, task_id: str) -> datetime | None:
        """When the publicity period of a ready objection-intake step ends: the due time of the
        timer boundary event waiting beside it."""
        task = self.task(task_id)
        for sibling in task.parent.children if task.parent else []:
            due = sibling.internal_data.get("event_value")
            if sibling is not task and sibling.state == TaskState.WAITING and isinstance(due, str) and isinstance(
                    getattr(sibling.task_spec, "event_definition", None), TimerEventDefinition):
                at = TimerEventDefinition.get_datetime(due)
                return datetime.fromtimestamp(at.timestamp(), timezone.utc)
        return None

    def next_timer_due(self) -> datetime | None:
        timers = [t for t in self.waiting_timers() if not t.held]
        return timers[0].due if timers else None

    @property
    def status(self) -> MatterStatus:
        if self.error or self.workflow.get_tasks(state=TaskState.ERROR):
            return MatterStatus.ERROR
        if self.workflow.is_completed():
            return MatterStatus.COMPLETED if self.workflow.success is not False else MatterStatus.CANCELLED
        return MatterStatus.RUNNING

    def outcome(self) -> str | None:
        """The name of the end event the matter reached at its top level (e.g. 通过, 否决)."""
        for task in self.workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent):
            if task.workflow is self.workflow and task.task_spec.bpmn_id:
                return task.task_spec.bpmn_name or task.task_spec.bpmn_id
        return None

    # -- acting ------------------------------------------------------------------------------
    def task(self, task_id: str):
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except (ValueError, SpiffWorkflowException):
            task = None
        if task is None:
            raise NotFound(f"找不到步骤 {task_id}")
        return task

    def complete(self, task_id: str, submitted: dict, protected: dict | None = None,
                 labels: dict | None = None, holds=None) -> tuple[dict, list]:
        """Complete a READY manual step with form data; (cleaned data, engine events).
        `protected` (the matter's parameters) may not be overwritten by a field; `labels` (the
        parameters' labels) name a bound that is a parameter in a refusal's message; `holds(role)`
        says whether the one completing it holds a role, for the step's `actor_holds` data."""
        task = self.task(task_id)
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("该步骤当前不可办理（已办理或尚未开始）")
        step = self.step_of(task)
        cleaned = clean_form_data(step.form, submitted, {**task.data, **self.workflow.params},
                                  ChainMap(self.bundle.labels, labels or {}))   # read only on a refusal
        refuse_parameter_names(cleaned, protected or {})
        cleaned.update({name: bool(holds and holds(role)) for name, role, _ in step.actor_holds})
        task.set_data(**{**{f.name: None for f in step.form.fields if f.name not in task.data}, **cleaned})
        task.run()
        return cleaned, self._advance()

    def fire_due_timers(self) -> list:
        """Fire every timer due by the engine clock (not a held one); the engine events that followed."""
        self.workflow.refresh_timers()
        return self._advance()

    def cancel(self) -> None:
        self.workflow.cancel()

    def retry(self, corrections: dict) -> list:
        """Run again what failed; the engine events that followed (another `engine_error` if it
        fails again). The failed tasks go back to READY, the state they were run from when they
        raised (SpiffWorkflow's TaskSpec._run marks a task ERROR and re-raises), after
        `corrections` (already checked against the forms) are written into their data and into
        that of every step and timer still waiting, which will read them next."""
        for task in self.workflow.get_tasks(state=TaskState.ERROR | TaskState.READY | TaskState.WAITING):
            if corrections:
                task.set_data(**corrections)
            if task.state == TaskState.ERROR:
                task._set_state(TaskState.READY)
        self.error = None
        return self._advance()

    def _advance(self) -> list:
        """Run engine steps; collect timer firings and end events for the audit log."""
        events = []

        def record(task):
            spec = task.task_spec
            if spec.bpmn_id and isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
                events.append(("timer_fired", {"element": spec.bpmn_id, "name": spec.bpmn_name,
                                               "process": task.workflow.spec.name}))
            if spec.bpmn_id and isinstance(spec, EndEvent):
                self.ends_reached.append((task.workflow.spec.name, spec.bpmn_id))   # end events may publish

        try:
            self.workflow.do_engine_steps(did_complete_task=record)
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=record)
        except Exception as exc:  # noqa: BLE001 - any failure here is an incident of this matter
            refused = _expression_limit_in(exc)
            if refused is not None:
                # The data just submitted would make an expression exceed its budget: refuse the
                # action (the caller's unit of work rolls back, the matter stays as it was).
                raise refused from None
            # A condition or data problem met while the engine ran on (a definition fault, not the
            # clerk's): the matter is kept, marked `error` with what failed, for an administrator.
            events.append(("engine_error", self._incident(exc)))
            return events
        prune_history(self.workflow)        # outside the try: a fault here is ours, not the definition's
        return events

    def _incident(self, exc: Exception) -> dict:
        """The `engine_error` payload: where (process, file, element and its name), what the engine
        said, and why in Chinese (engine/incidents.py); also kept as the matter's `error`."""
        task = getattr(exc, "task", None)
        spec = getattr(exc, "task_spec", None) or getattr(task, "task_spec", None)
        element = getattr(spec, "bpmn_id", None)
        process = task.workflow.spec.name if task is not None else None
        file = self.bundle.processes[process].file if process in self.bundle.processes else None
        self.error = f"{file or process or '-'} 元素 {element or '-'}: {type(exc).__name__}: {exc}"
        return {"process": process, "file": file, "element": element,
                "element_name": getattr(spec, "bpmn_name", None), "reason": explain(exc), "message": self.error}


def _expression_limit_in(exc: BaseException) -> ExpressionLimit | None:
    """The ExpressionLimit behind an exception SpiffWorkflow wrapped, if there is one."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, ExpressionLimit):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None
