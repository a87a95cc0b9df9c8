"""Which sequence flows a matter went along: the coverage check of the scenario tests."""
from __future__ import annotations

from lxml import etree
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway

from tests.scenario import item_catalog

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


# -- flow coverage -----------------------------------------------------------------------------
def sequence_flows(bundle, key: str | None = None) -> dict[tuple[str, str], str]:
    """(source, target) -> sequence flow id, for the main process of a bundle (or `key`)."""
    info = bundle.processes[key or bundle.key]
    root = etree.fromstring(bundle.files[info.file])
    process = next(p for p in root.iter(f"{BPMN}process") if p.get("id") == info.key)
    return {(f.get("sourceRef"), f.get("targetRef")): f.get("id") for f in process.iter(f"{BPMN}sequenceFlow")}


def flows_taken(matter) -> set[str]:
    """The sequence flows of the main process this matter went along (called processes excluded)."""
    return _flows_in(matter.workflow, sequence_flows(matter.bundle))


def flows_taken_by_process(matter) -> dict[str, set[str]]:
    """Flows taken in the main process and in every process it called, by process key."""
    taken: dict[str, set[str]] = {}
    for workflow in [matter.workflow, *matter.workflow.subprocesses.values()]:
        key = workflow.spec.name
        if key in matter.bundle.processes:
            taken.setdefault(key, set()).update(_flows_in(workflow, sequence_flows(matter.bundle, key)))
    return taken


def _flows_in(workflow, flows: dict) -> set[str]:
    taken = set()
    for task in workflow.get_tasks(state=TaskState.ANY_MASK):
        if task.workflow is not workflow or not task.task_spec.bpmn_id:
            continue
        if isinstance(task.task_spec, BoundaryEvent):                 # attached to a step, not reached by a flow
            continue
        source = task.parent
        while source is not None and not source.task_spec.bpmn_id:   # skip the library's own nodes
            source = source.parent
        if source is None or source.state != TaskState.COMPLETED:
            continue
        if source.task_spec.bpmn_id == task.task_spec.bpmn_id:       # an instance of a multi-instance step
            continue
        # A parallel join reached by an early branch is cancelled once the last branch completes it.
        if task.has_state(REACHED) or (task.state == TaskState.CANCELLED and isinstance(task.task_spec, ParallelGateway)):
            flow = flows.get((source.task_spec.bpmn_id, task.task_spec.bpmn_id))
            assert flow, f"no sequence flow {source.task_spec.bpmn_id} -> {task.task_spec.bpmn_id}"
            taken.add(flow)
    return taken


def all_flows(key: str) -> set[str]:
    return set(sequence_flows(item_catalog(key).bundle(key)).values())
