"""A small driver for scenario tests of power-list items, without a database.

Every action round-trips the instance through the serializer (dump, then load into a fresh
Matter) and checks that nothing observable changed, so every scenario also proves that its
instance survives being saved and reloaded.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from engine import clock
from engine.forms import clean_form_data
from engine.runtime import Matter
from engine.workdays import period_end
from tests.catalogs import PROCESSES, catalog, default_parameters, item_catalog  # noqa: F401 - re-exported
from tests.flows import flow_of, sequence_flows

clock.install()             # scenarios drive the runtime without a service context
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Scenario:
    """Start an item and step through it as the roles would, checking each reload."""

    created: list = []   # every scenario of the running test, for the flow coverage report

    def __init__(self, key: str, start_data: dict | None = None, parameters: dict | None = None):
        self.clock = clock.FixedClock(START)
        # Reloads alternate between two independently parsed bundles, so nothing may depend on
        # in-memory state of the spec objects that ran the previous action.
        self.bundles = [item_catalog(key, 0).bundle(key), item_catalog(key, 1).bundle(key)]
        self.bundle = self.bundles[0]
        # The parameters are kept apart from the data, as start_matter keeps them (the matter's copy).
        self.params = {**default_parameters(), **(parameters or {})}
        # The start form is checked as start_matter checks it, so scenarios start what a clerk could.
        data = clean_form_data(self.bundle.info.start_form, start_data or {}, self.params)
        with clock.use_clock(self.clock):
            self.matter = Matter.start(self.bundle, data, self.params)
        Scenario.created.append(self)
        self.pruned_flows: dict[str, set[str]] = {}      # process key -> flows of pruned loop passes
        self._watch(self.matter)
        self._reload()

    def ready(self) -> dict[str, list]:
        """step id -> ready steps with that id (several for a joint, multi-instance step)."""
        found: dict[str, list] = {}
        for step in self.matter.ready_steps():
            found.setdefault(step.step.id, []).append(step)
        return found

    def do(self, step_id: str, data: dict, role: str | None = None, holds: tuple = ()):
        """Complete a ready step; `holds`: the other roles its actor holds in the village."""
        candidates = [s for s in self.ready().get(step_id, []) if role is None or s.role == role]
        assert candidates, f"{step_id} is not ready; ready: {sorted(self.ready())}, status {self.matter.status}, error {self.matter.error}"
        with clock.use_clock(self.clock):
            self.matter.complete(candidates[0].task_id, data, holds=lambda r: r in holds)
        self._reload()
        return self

    def period_end(self, days: int) -> datetime:
        """When a period of `days` days starting now ends: 24:00 Beijing time of its last day, as
        days() counts a publicity or a time limit (engine/workdays.py)."""
        return period_end(self.clock.now(), days)

    def days_to(self, moment: datetime) -> float:
        """Days (fractional) from now to `moment`, for wait()."""
        return (moment - self.clock.now()).total_seconds() / 86400

    def wait(self, days: float):
        """Let time pass and fire what is due, as `xiaowei worker` would."""
        self.clock.advance(timedelta(days=days))
        with clock.use_clock(self.clock):
            self.matter.fire_due_timers()
        self._reload()
        return self

    def _reload(self) -> None:
        before = (self.matter.status, self.matter.outcome(), self._ready_signature(self.matter),
                  self.matter.waiting_timers())
        state = self.matter.dump()
        self.bundle = self.bundles[1] if self.bundle is self.bundles[0] else self.bundles[0]
        reloaded = Matter.load(self.bundle, state, self.params)
        after = (reloaded.status, reloaded.outcome(), self._ready_signature(reloaded), reloaded.waiting_timers())
        assert before == after, f"reload changed the matter: {before} != {after}"
        assert self._tasks(reloaded) == self._tasks(self.matter), "a reload changed the task tree or its data"
        self.matter = reloaded
        self._watch(reloaded)

    def _watch(self, matter) -> None:
        """Record the flows of tasks the engine prunes (earlier loop passes), for the coverage."""
        def pruned(workflow, task):
            key = workflow.spec.name
            if key in matter.bundle.processes:
                flow = flow_of(task, sequence_flows(matter.bundle, key))
                if flow:
                    self.pruned_flows.setdefault(key, set()).add(flow)
        matter.workflow.task_removed_event.connect(pruned)

    @staticmethod
    def _tasks(matter):
        """Every task of the tree with its spec, state and full data (not the serializer's text,
        whose delta encoding may list deleted keys in another order after a reload)."""
        return sorted((str(t.id), t.task_spec.name, t.state, json.dumps(t.data, sort_keys=True, default=str))
                      for t in matter.workflow.get_tasks())

    @staticmethod
    def _ready_signature(matter):
        return sorted((s.task_id, s.step.id, s.role) for s in matter.ready_steps())


def steps(s: Scenario) -> set[str]:
    """The ids of the steps ready now."""
    return set(s.ready())


def finished(s: Scenario, outcome: str) -> Scenario:
    """The matter ended at the end event named `outcome`, with nothing left open."""
    assert s.matter.status == "completed"
    assert s.matter.outcome() == outcome
    assert s.ready() == {} and s.matter.waiting_timers() == []
    return s
