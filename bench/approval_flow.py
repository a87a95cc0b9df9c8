"""The benchmark item of bench/items/bench_approval.bpmn, driven through the services: set up a
database with it, and run one matter to its end. Shared by bench/bench_service.py and the
statement-count tests (tests/integration/test_step_cost.py)."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from engine.identity import Grant
from engine.services import Actor, definitions, matters
from engine.services.demo import seed_demo
from engine.services.views import MatterView

ITEM = Path(__file__).resolve().parent / "items" / "bench_approval.bpmn"
KEY = "bench_approval"
TOWNSHIP, VILLAGE = "qingshan_town", "lushui_village"
# Each step's form, by step id (the decision: approved, so both checks and the final step run).
ANSWERS = {"draft": {"reason": "购置办公用品"}, "approve": {"approved": True},
           "check_supervision": {"supervision_note": "无异议"}, "check_finance": {"finance_note": "票据齐全"},
           "finish": {"closing_note": "已办结"}}


def install(ctx) -> Actor:
    """The demo units and the benchmark item published in the demo township; the actor who runs it
    (every role in the county, so one actor drives every step)."""
    system = Actor.system()
    definitions.sync_definitions(ctx)
    seed_demo(ctx, system, with_users=False)
    definitions.upload_definition(ctx, system, TOWNSHIP, ITEM.name, ITEM.read_bytes(), publish=True)
    return Actor("bench_clerk", frozenset(Grant(code, "demo_county") for code in ctx.roles))


def start(ctx, actor, subject: str = "基准测试") -> MatterView:
    return matters.start_matter(ctx, actor, KEY, VILLAGE, subject, {"amount": 1200})


def complete_next(ctx, actor, matter: MatterView) -> MatterView:
    """Complete the first ready step of the matter; the matter afterwards."""
    step = matter.ready_steps[0]
    return matters.complete_step(ctx, actor, step.id, ANSWERS[step.step_id])


def run_one(ctx, actor, subject: str = "基准测试") -> MatterView:
    """One matter from start to its end: five steps."""
    matter = start(ctx, actor, subject)
    while matter.ready_steps:
        matter = complete_next(ctx, actor, matter)
    return matter


class Statements:
    """The SQL statements (their first words) and the commits a database's engine sends from the
    last `reset`; BEGIN counted only with `begin` (PostgreSQL's BEGIN is not a statement of ours)."""

    def __init__(self, database, begin: bool = False):
        self.begin = begin
        self.seen: list[str] = []
        self.commits = 0
        event.listen(database.engine, "before_cursor_execute", self._statement)
        event.listen(database.engine, "commit", self._commit)

    def _statement(self, _conn, _cursor, statement, *_args):
        if self.begin or not statement.lstrip().upper().startswith("BEGIN"):
            self.seen.append(" ".join(statement.split()[:3]))

    def _commit(self, *_args):
        self.commits += 1

    def reset(self) -> None:
        self.seen, self.commits = [], 0
