"""A small graph model of what a flowchart shows, read from BPMN XML.

`read_model` decides what to draw (one process, or the pools of a collaboration) and collects the
nodes, lanes, flows and form-field vocabulary. Reading the inside of a process is in `elements.py`.
"""
from __future__ import annotations

from . import elements
from .bpmn_xml import Element, children, name_of, properties
from .errors import RenderError
from .graph import FormField, Model, Pool


def read_model(root: Element, process_id: str | None = None) -> Model:
    """Read the parts of a <definitions> element that a flowchart shows."""
    processes = {p.get('id'): p for p in children(root, 'process') if p.get('id')}
    participants = _participants(root)
    drawn, pools = _choose(processes, participants, process_id)
    title_el = processes[drawn[0][0]] if drawn else None
    model = Model(title=_title(root, title_el, pools),
                  props=properties(title_el) if title_el is not None else {})
    model.pools = pools
    for pid, pool_id in drawn:
        elements.read_process(model, processes[pid], pool_id)
    if process_id is None:
        elements.read_collaborations(model, root)
    elements.finish(model)
    _read_vocabulary(model, root, processes)
    return model


def _participants(root: Element) -> list[Pool]:
    found = []
    for collab in children(root, 'collaboration'):
        for part in children(collab, 'participant'):
            if part.get('id'):
                found.append(Pool(part.get('id'), name_of(part), part.get('processRef')))
    return found


def _choose(processes: dict[str, Element], participants: list[Pool], process_id: str | None):
    """Which processes to draw, each with the pool it sits in (None: no pool border)."""
    if process_id is not None:
        if process_id not in processes:
            known = ', '.join(processes) or 'none'
            raise RenderError(f'process {process_id!r} not found in the BPMN file (processes: {known})')
        return [(process_id, None)], {}
    if participants:
        return _choose_pools(processes, participants)
    called = {el.get('calledElement') for p in processes.values() for el in p.iter('{*}callActivity')}
    top = [pid for pid in processes if pid not in called] or list(processes)
    executable = [pid for pid in top if processes[pid].get('isExecutable') == 'true']
    top = executable + [pid for pid in top if pid not in executable]
    if len(top) <= 1:
        return [(pid, None) for pid in top], {}
    pools = {pid: Pool(pid, name_of(processes[pid]) or pid, pid) for pid in top}
    return [(pid, pid) for pid in top], pools


def _choose_pools(processes, participants):
    drawn, pools, seen = [], {}, set()
    for pool in participants:
        # A process drawn in two pools would need its nodes in two clusters: the second pool
        # becomes a black box instead.
        if pool.process in processes and pool.process not in seen:
            seen.add(pool.process)
            drawn.append((pool.process, pool.id))
        else:
            pool = Pool(pool.id, pool.name, None)
        pools[pool.id] = pool
    if len(pools) == 1 and drawn:
        # One pool around the whole chart adds nothing: the title block names the item.
        return [(drawn[0][0], None)], {}
    return drawn, pools


def _title(root: Element, process: Element | None, pools: dict[str, Pool]) -> str:
    if process is not None and name_of(process):
        return name_of(process)
    for pool in pools.values():
        if process is not None and pool.process == process.get('id') and pool.name:
            return pool.name
    return name_of(root) or (process.get('id') if process is not None else '') or '流程图'


def _read_vocabulary(model: Model, root: Element, processes: dict[str, Element]) -> None:
    """Form-field labels (anywhere in the file) and names of things a call activity may call."""
    for field_el in root.iter('{*}formField'):
        fid = field_el.get('id')
        if fid:
            model.fields.setdefault(fid, FormField(field_el.get('label') or fid,
                                                   field_el.get('type') or ''))
        for value in field_el.iter('{*}value'):
            if value.get('id') and value.get('name'):
                model.enum_names.setdefault(value.get('id'), value.get('name'))
    for el in root:
        if isinstance(el.tag, str) and el.get('id'):
            model.element_names[el.get('id')] = name_of(el)
    model.process_members = {pid: frozenset(e.get('id') for e in p.iter() if e.get('id'))
                             for pid, p in processes.items()}
    model.all_ids = frozenset(e.get('id') for e in root.iter() if e.get('id'))
