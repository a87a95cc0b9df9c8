"""Which sequence flows a matter went along: the coverage check of the scenario tests."""
from __future__ import annotations

from lxml import etree
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.parallel_gateway import ParallelGateway

from engine.pruning import CAME_FROM
from tests.catalogs import item_catalog

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


# -- flow coverage -----------------------------------------------------------------------------
def sequence_flows(bundle, key: str | None = None) -> dict[tuple[str, str], str]:
    """(source, target) -> sequence flow id, for the main process of a bundle (or `key`)."""
    info = bundle.processes[key or bundle.key]
    root = etree.fromstring(bundle.files[info.file])
    process = next(p for p in root.iter(f"{BPMN}process") if p.get("id") == info.key)
    return {(f.get("sourceRef"), f.get("targetRef")): f.get("id") for f in process.iter(f"{BPMN}sequenceFlow")}


def flows_taken(scenario) -> set[str]:
    """The sequence flows of the main process a scenario's matter went along (called processes
    excluded), including those of loop passes the engine has since pruned from its task tree."""
    matter = scenario.matter
    return _flows_in(matter.workflow, sequence_flows(matter.bundle)) | scenario.pruned_flows.get(matter.bundle.key, set())


def flows_taken_by_process(scenario) -> dict[str, set[str]]:
    """Flows taken in the main process and in every process it called, by process key."""
    matter = scenario.matter
    taken: dict[str, set[str]] = {key: set(flows) for key, flows in scenario.pruned_flows.items()}
    for workflow in [matter.workflow, *matter.workflow.subprocesses.values()]:
        key = workflow.spec.name
        if key in matter.bundle.processes:
            taken.setdefault(key, set()).update(_flows_in(workflow, sequence_flows(matter.bundle, key)))
    return taken


def flow_of(task, flows: dict) -> str | None:
    """The sequence flow that brought the matter to `task`, if it was reached along one."""
    if not task.task_spec.bpmn_id or isinstance(task.task_spec, BoundaryEvent):   # attached, not reached by a flow
        return None
    source, parent = task.internal_data.get(CAME_FROM), task.parent   # CAME_FROM: the real predecessor was pruned
    while source is None and parent is not None and not parent.task_spec.bpmn_id:   # skip the library's own nodes
        source, parent = parent.internal_data.get(CAME_FROM), parent.parent
    if source is None:
        if parent is None or parent.state != TaskState.COMPLETED:
            return None
        source = parent.task_spec.bpmn_id
    if source == task.task_spec.bpmn_id:                   # an instance of a multi-instance step
        return None
    # A parallel join reached by an early branch is cancelled once the last branch completes it.
    if task.has_state(REACHED) or (task.state == TaskState.CANCELLED and isinstance(task.task_spec, ParallelGateway)):
        flow = flows.get((source, task.task_spec.bpmn_id))
        assert flow, f"no sequence flow {source} -> {task.task_spec.bpmn_id}"
        return flow
    return None


def _flows_in(workflow, flows: dict) -> set[str]:
    taken = set()
    for task in workflow.get_tasks(state=TaskState.ANY_MASK):
        if task.workflow is workflow:
            flow = flow_of(task, flows)
            if flow:
                taken.add(flow)
    return taken


def all_flows(key: str) -> set[str]:
    return set(sequence_flows(item_catalog(key).bundle(key)).values())
