"""The benchmark item of bench/items/bench_approval.bpmn, driven through the services: set up a
database with it, and run one matter to its end. Shared by bench/bench_service.py and the
statement-count tests (tests/integration/test_step_cost.py)."""
from __future__ import annotations

from pathlib import Path

from engine.identity import Grant
from engine.services import Actor, definitions, matters
from engine.services.demo import seed_demo

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


def start(ctx, actor, subject: str = "基准测试") -> dict:
    return matters.start_matter(ctx, actor, KEY, VILLAGE, subject, {"amount": 1200})


def complete_next(ctx, actor, matter: dict) -> dict:
    """Complete the first ready step of the matter; the matter afterwards."""
    step = matter["ready_steps"][0]
    return matters.complete_step(ctx, actor, step["id"], ANSWERS[step["step_id"]])


def run_one(ctx, actor, subject: str = "基准测试") -> dict:
    """One matter from start to its end: five steps."""
    matter = start(ctx, actor, subject)
    while matter["ready_steps"]:
        matter = complete_next(ctx, actor, matter)
    return matter
