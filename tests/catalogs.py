"""The shipped definitions, parsed once, for tests that run items without a database."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from engine.definitions import Catalog
from engine.registry import load_parameters, load_roles

PROCESSES = Path(__file__).resolve().parents[1] / "processes"


@lru_cache(maxsize=2)
def catalog(copy: int = 0) -> Catalog:
    """Every shipped definition, parsed once per `copy`."""
    return Catalog.from_directory(PROCESSES, role_codes=set(load_roles(PROCESSES)),
                                  parameter_names=set(load_parameters(PROCESSES)))


_PROCESS_ID = re.compile(rb'<bpmn:process\s[^>]*\bid="([^"]+)"')
_CALLED = re.compile(rb'calledElement="([^"]+)"')


@lru_cache(maxsize=128)
def item_catalog(key: str, copy: int = 0) -> Catalog:
    """Only the files an item needs (its own and those of the processes it calls), parsed once
    per `copy`: copy 1 is an independent parse, to reload matters into, as another server process
    would. A broken file elsewhere under processes/ does not stop this item's scenarios."""
    files = {str(p.relative_to(PROCESSES)): p.read_bytes() for p in sorted(PROCESSES.rglob("*.bpmn"))}
    owner = {pid.decode(): name for name, data in files.items() for pid in _PROCESS_ID.findall(data)}
    wanted, todo = {}, [key]
    while todo:
        name = owner[todo.pop()]
        if name not in wanted:
            wanted[name] = files[name]
            todo += [c.decode() for c in _CALLED.findall(files[name])]
    return Catalog(wanted, role_codes=set(load_roles(PROCESSES)), parameter_names=set(load_parameters(PROCESSES)))


def default_parameters() -> dict:
    return {name: p.value for name, p in load_parameters(PROCESSES).items()}
