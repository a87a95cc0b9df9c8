"""Which matters a rule can find anything on, known before reading their facts.

After every committed action the services run the rules on the matters it touched
(engine/services/redlines.py). Reading a matter's facts (its steps, ready steps, the village's role
holders and kinship register, objections, warnings: seven reads) to find nothing cost more than the
action itself, on items no rule reads (the benchmark item of issue 17) and, fact by fact, on most
others. So each rule says which matters it watches (`watches=` where it is registered, base.py):
the items its thresholds name (rules file), or what the item's definition
has that it reads (a step id, a form field, an objection intake); the time limit rule watches a
matter whose earliest ready step is late (a column of its row). And which facts it reads
(`reads=`). A rule that says nothing watches every matter and reads every fact, so a new rule is
never skipped by mistake.

A declaration must be generous, never strict: "could this rule find anything on a matter of this
item"; a wrong "no" hides a finding until the nightly sweep. tests/unit/test_redline_watches.py
holds them to every scenario of the rules' tests, tests/integration/test_redline_watches.py to
every finding of a walked demo year."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .facts import as_number


@dataclass(frozen=True)
class ItemShape:
    """What an item's definition (one version, with the processes it calls) offers the rules."""
    key: str
    processes: frozenset = frozenset()      # the item's process and every one it calls
    steps: frozenset = frozenset()          # step ids, plain and as "process.step"
    fields: frozenset = frozenset()         # data names its forms write (start form, steps, actor_holds)
    objections: bool = False                # a publicity period takes objections filed online


_SHAPES: dict = {}
_LOCK = threading.Lock()


def shape_of(bundle) -> ItemShape:
    """The shape of a bundle (engine/definitions.Bundle), worked out once per version."""
    key = (bundle.key, bundle.bundle_sha256)
    shape = _SHAPES.get(key)
    if shape is None:
        shape = _shape(bundle)
        with _LOCK:
            if len(_SHAPES) > 1024:
                _SHAPES.clear()
            _SHAPES[key] = shape
    return shape


def _shape(bundle) -> ItemShape:
    steps, fields = set(), set()
    for info in bundle.processes.values():
        fields |= info.field_names()
        for step in info.steps.values():
            steps |= {step.id, f"{step.process_key}.{step.id}", f"{info.key}.{step.id}"}
    return ItemShape(bundle.key, frozenset(bundle.processes), frozenset(steps), frozenset(fields),
                     bundle.has_objection_intake)


@dataclass(frozen=True)
class MatterSketch:
    """A touched matter as known without reading its facts: its item's shape and the few columns
    of its row that time-bound rules read."""
    id: int
    village: str
    item: ItemShape
    status: str = "running"
    step_due_at: datetime | None = None     # the earliest due time of its ready steps
    params: dict = field(default_factory=dict)
    warned: bool = False                    # a live warning names it (one a new evaluation could lift)
    now: datetime | None = None


# -- what rules declare -------------------------------------------------------------------------
# The facts beyond the matters' rows a rule reads (engine/redlines/facts.py): their completed steps,
# their ready steps, the village's role holders, its kinship register, objections filed online, and
# the matters the touched ones cite (a reimbursement's prior approval: a village's sweep has them all,
# an event brings them in). After an event the services read only those the rules watching the
# touched matters declare.
FACTS = frozenset({"steps", "ready", "holders", "related", "objections", "cited"})
STEPS = ("steps",)


def everything(rule, m: MatterSketch) -> bool:
    return True


def items(*keys: str):
    """Matters of these items."""
    wanted = frozenset(keys)
    return lambda rule, m: m.item.key in wanted


def listed(*names: str):
    """Matters of the items the rule's thresholds name under `names`: a table's keys (`items`), a
    list of keys, or the `item` of each entry of a list of tables (`periods`, `price_checks`)."""
    def watches(rule, m: MatterSketch) -> bool:
        return any(m.item.key in named_items(rule.thresholds.get(name)) for name in names)
    return watches


def named_items(value) -> set[str]:
    if isinstance(value, dict):
        return set(value)
    if isinstance(value, (list, tuple)):
        return {v if isinstance(v, str) else v.get("item") for v in value if isinstance(v, (str, dict))}
    return set()


def has_steps(*steps: str):
    """Matters whose item has one of these steps ("process.step" for a step of a called process)."""
    return lambda rule, m: not m.item.steps.isdisjoint(steps)


def has_fields(threshold: str):
    """Matters whose forms write a field named in the rule's `threshold` table (or list)."""
    return lambda rule, m: not m.item.fields.isdisjoint(named_items(rule.thresholds.get(threshold)))


def has_objection_intake(rule, m: MatterSketch) -> bool:
    return m.item.objections


def either(*watches):
    return lambda rule, m: any(w(rule, m) for w in watches)


def overdue(rule, m: MatterSketch) -> bool:
    """A running matter whose earliest ready step is past its time limit and the rule's grace
    (the rule itself reads every ready step; the earliest is overdue if any is)."""
    if m.status != "running" or m.step_due_at is None or m.now is None:
        return False
    grace = timedelta(days=as_number(rule.threshold("grace_days", m.params, 0)) or 0)
    return m.step_due_at + grace < m.now
