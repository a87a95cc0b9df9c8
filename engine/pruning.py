"""Keep a workflow's task tree the size of its definition, however often a loop runs.

SpiffWorkflow never forgets a task: every pass of a rework or objection loop hangs a new copy of the
loop's tasks below the last one. The tree gets deeper with each pass and every action costs more
(20 ms at the first objection of a procurement, 300 ms at the 180th), until the library's recursive
ancestor walk (`Task.is_descendant_of`) hits Python's recursion limit at about the 190th pass and the
matter answers 500 for ever. Anyone who may object could do that to a matter.

What the engine needs from a finished task of an earlier pass is nothing: its data was copied into
its successors when they became ready (each task holds its whole data in memory; the serializer
stores deltas against the parent at dump time, so they are recomputed against the new parent), joins
look only at tasks of the current pass, and the record of who did what is the audit log, not the
tree. So after every action two kinds of finished tasks are dropped:

- a finished task that has a later copy of itself below it (an earlier pass of a loop) is spliced
  out: its children move up to its parent, so every surviving ancestor stays an ancestor;
- a finished branch with nothing alive in it, hanging from a finished task, whose every step has a
  copy elsewhere below that parent (the branch of an earlier pass that did not continue, such as a
  publicity timer cancelled by an objection) is removed.

The latest copy of every step is always kept, so the flowchart overlay still shows every step that
ran; the root, the workflow's `last_task` and every unfinished task are never touched, and a called
process goes with the call activity that ran it. A task whose parent is spliced out keeps the id of
the element it really came from in `internal_data[CAME_FROM]` (the path a matter took stays
readable), and SpiffWorkflow's own `task_removed_event` is fired for every task about to go, while
the tree is still whole, for whoever keeps a record of it (the flow coverage of the tests does).
"""
from __future__ import annotations

from SpiffWorkflow import TaskState

CAME_FROM = "xiaowei_came_from"
_FINISHED = TaskState.COMPLETED | TaskState.CANCELLED
# Predicted tasks (FUTURE, LIKELY, MAYBE) may be dropped by a gateway later: they are alive for the
# "nothing alive below" test, but do not count as a later copy of a step.
_DEFINITE = TaskState.WAITING | TaskState.READY | TaskState.STARTED | TaskState.ERROR | _FINISHED


def prune_history(top) -> int:
    """Prune the top workflow and every sub-process; the number of tasks removed."""
    removed = 0
    for workflow in [top, *list(top.subprocesses.values())]:
        if workflow is top or workflow in top.subprocesses.values():   # a parent's pruning may delete it
            removed += _prune(top, workflow)
    return removed


def _prune(top, workflow) -> int:
    root = workflow.task_tree
    order = _post_order(workflow, root)
    below, alive = _summaries(workflow, order)
    keep = {root.id, getattr(workflow.last_task, "id", None)}
    dead_branches, splices = [], []
    for task in order:
        if task.id in keep or not task.has_state(_FINISHED):
            continue
        parent = task.parent
        if not alive[task.id] and parent is not None and parent.has_state(_FINISHED) and \
                _copied_elsewhere(task, parent, below):
            dead_branches.append(task)
        elif task.task_spec.name in below[task.id]:
            splices.append(task)
    branches = _outermost(workflow, reversed(dead_branches), keep)
    going = [t for branch in branches for t in branch]
    gone = {t.id for t in going}
    splices = [t for t in splices if t.id not in gone]
    for task in going + splices:                  # announced while the tree is still whole
        top.task_removed_event(workflow, task)
    for branch in branches:
        _remove_branch(top, workflow, branch)
    for task in splices:
        _splice(top, workflow, task)
    return len(going) + len(splices)


def _post_order(workflow, root) -> list:
    """Children before parents, without recursion (the tree may be thousands deep)."""
    order, stack = [], [(root, False)]
    while stack:
        task, expanded = stack.pop()
        if expanded:
            order.append(task)
            continue
        stack.append((task, True))
        stack.extend((workflow.tasks[child], False) for child in task._children if child in workflow.tasks)
    return order


def _summaries(workflow, order):
    """For each task: the spec names of its definite descendants, and whether anything below it
    (itself included) is unfinished."""
    below, alive = {}, {}
    for task in order:
        names, live = set(), not task.has_state(_FINISHED)
        for child_id in task._children:
            child = workflow.tasks.get(child_id)
            if child is None:
                continue
            names |= below[child.id]
            if child.has_state(_DEFINITE):
                names.add(child.task_spec.name)
            live = live or alive[child.id]
        below[task.id], alive[task.id] = names, live
    return below, alive


def _copied_elsewhere(task, parent, below) -> bool:
    """Every step of `task`'s branch also has a copy below `parent` outside that branch."""
    mine = below[task.id] | {task.task_spec.name}
    others = set()
    for sibling in parent.children:
        if sibling.id != task.id:
            others |= below[sibling.id] | ({sibling.task_spec.name} if sibling.has_state(_DEFINITE) else set())
    return mine <= others


def _outermost(workflow, tasks, keep: set) -> list[list]:
    """The dead branches to remove, each as its tasks (top first); a branch inside one already
    taken goes with it, and a branch holding a task we keep stays."""
    branches, taken = [], set()
    for task in tasks:                           # outermost first
        if task.id in taken:
            continue
        branch, index = [task], 0
        while index < len(branch):
            branch += [workflow.tasks[c] for c in branch[index]._children if c in workflow.tasks]
            index += 1
        if not any(t.id in keep for t in branch):
            branches.append(branch)
            taken.update(t.id for t in branch)
    return branches


def _remove_branch(top, workflow, branch: list) -> None:
    branch[0].parent._children.remove(branch[0].id)
    for task in branch:
        _drop_called_process(top, task)
        workflow.tasks.pop(task.id, None)


def _splice(top, workflow, task) -> None:
    parent = task.parent
    at = parent._children.index(task.id)
    parent._children[at:at + 1] = list(task._children)
    source = task.task_spec.bpmn_id or task.internal_data.get(CAME_FROM) or _nearest_element(task.parent)
    for child_id in task._children:
        child = workflow.tasks[child_id]
        child._parent = parent.id
        child.internal_data.setdefault(CAME_FROM, source)
    _drop_called_process(top, task)
    workflow.tasks.pop(task.id)


def _nearest_element(task) -> str | None:
    """The BPMN element a task came after (hidden library tasks have no element of their own)."""
    while task is not None and not task.task_spec.bpmn_id:
        if CAME_FROM in task.internal_data:
            return task.internal_data[CAME_FROM]
        task = task.parent
    return task.task_spec.bpmn_id if task is not None else None


def _drop_called_process(top, task) -> None:
    if task.id in top.subprocesses:
        top.delete_subprocess(task)
