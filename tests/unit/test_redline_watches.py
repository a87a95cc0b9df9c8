"""The matters each red-line rule declares it watches (engine/redlines/watches.py), against every
scenario of tests/unit/test_redlines.py: each finding there names matters the rule watches, the
matter's item taken as shipped (processes/). A rule that finds something on a matter it says it
does not watch would be skipped after an action on that matter."""
from __future__ import annotations

import inspect
from datetime import datetime, timezone
from pathlib import Path

from engine.definitions import Catalog
from engine.redlines import MatterSketch, RuleBook, VillageFacts, shape_of
from engine.redlines import evaluate
from engine.redlines.watches import ItemShape, everything, listed, named_items
from tests.unit import test_redlines

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
CATALOG = Catalog({p.name: p.read_bytes() for p in PROCESSES.rglob("*.bpmn")})
BOOK = RuleBook.load(PROCESSES / "redlines.toml")
SHAPES = {key: shape_of(CATALOG.bundle(key)) for key in CATALOG.processes if CATALOG.processes[key].start_event}
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)
# Named by a finding it cannot make after an event on it: a reimbursement's prior approval. The rule
# is found from the reimbursement (which brings the approval it cites into the facts); an event on the
# approval alone reads the reimbursement only where a warning names both, to judge that one again.
CITED = {("R1", "approval_before_acting")}


def _sketch(m, now) -> MatterSketch:
    dues = [r.due_at for r in m.ready if r.due_at is not None]
    return MatterSketch(m.id, m.village, SHAPES[m.process_key], m.status, min(dues, default=None), m.params, False,
                        m.now or now)


def test_every_finding_of_the_rule_scenarios_is_on_a_matter_its_rule_watches(monkeypatch):
    unwatched, checked = [], []
    run = evaluate._run

    def checking(code, fn, subject, book, only):
        hits = run(code, fn, subject, book, only)
        matters = {m.id: m for m in subject.matters} if isinstance(subject, VillageFacts) else {subject.id: subject}
        for hit in hits:
            for matter_id in hit.matters:
                m = matters[matter_id]
                sketch = _sketch(m, getattr(subject, "now", None) or NOW)
                checked.append(code)
                if not fn.watches(book[code], sketch) and (code, fn.__name__) not in CITED:
                    unwatched.append((code, fn.__name__, m.process_key, hit.check))
        return hits
    monkeypatch.setattr(evaluate, "_run", checking)
    for name, test in inspect.getmembers(test_redlines, inspect.isfunction):
        if name.startswith("test_") and not inspect.signature(test).parameters:
            test()
    assert unwatched == []
    assert len(set(checked)) >= 20                   # the scenarios find something of nearly every rule


def test_a_rule_that_declares_nothing_watches_every_matter():
    assert everything(None, MatterSketch(1, "v", ItemShape("anything")))


def test_the_items_a_table_or_a_list_names():
    assert named_items({"a": {}, "b": {}}) == {"a", "b"}
    assert named_items(["a", {"item": "b"}]) == {"a", "b"}
    assert named_items(None) == set()
    rule = BOOK["R9"]
    assert listed("periods")(rule, MatterSketch(1, "v", SHAPES["dibao"]))
    assert not listed("periods")(rule, MatterSketch(1, "v", ItemShape("bench_approval")))
