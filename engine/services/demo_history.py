"""The demo year (`xiaowei demo --history`): a few thousand matters across the demo villages,
driven through the real services week by week on a fixed clock, with a known set of planted
violations, then one red-line sweep. tests/integration/test_demo_history.py runs a small year and
checks that every planted violation is flagged and nothing else.

The background is clean work (certificates, small expenses); each planted matter differs from a
clean one by the few answers that break one red line (a hospitality expense, a contract dated
before its approval, a lease below its reserve price...). `PLANTED` lists them with what they must
raise."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .. import clock
from ..errors import Forbidden
from ..identity import Actor
from . import matters, redlines, registers
from .timers import advance_due_timers
from .views import StepView, SweepTotals
from .demo_answers import (ANSWERS, CERTIFICATE, DIBAO_WANG, DILAPIDATED, DISPOSAL, LEASE, PROJECT_DITCH,
                           PROJECT_ROAD, TODAY, finance_period)
from .demo_walk import BEIJING, DemoWalk, Scene

VILLAGES = ("lushui_village", "taohua_village", "hongqi_village")
YEAR = 2026                 # the planted matters' dates and periods are of this year
STEP = timedelta(minutes=5)        # a busy week's steps still fit in the week

EXPENSE = {"handler_name": "王会计", "purpose": "购买村部办公用纸和墨盒", "amount": 800, "invoice_no": "04403211",
           "spent_on": TODAY, "expense_category": "management"}
ANSWERS_EXPENSE = {
    "witness_sign": {"witness_name": "李证明", "witness_statement": "经济业务真实发生"},
    "tc_decide": {"tc_members": 7, "tc_attendees": 6, "tc_for": 5, "tc_minutes": "两委会议集体研究"},
    "supervision_review": {"sc_reviewers": "监委会主任李四", "supervision_result": "approve", "supervision_opinion": "凭证齐全"},
    "sign_director": {"director_name": "张主任", "director_signed_on": TODAY, "director_opinion": "同意"},
    "sign_secretary": {"secretary_name": "刘书记", "secretary_signed_on": TODAY, "secretary_opinion": "同意"},
    "submit_vouchers": {"submitted_on": TODAY, "voucher_count": 1},
    "agent_check": {"check_result": "booked", "check_opinion": "审核无误，入账", "voucher_no": "记-2026-001"},
}
ANSWERS_ALL = {**ANSWERS, "expense_reimbursement": ANSWERS_EXPENSE}


class Days(int):
    """A date this many days from the day the step is done (a date typed wrong on purpose)."""


@dataclass
class Planted:
    """A matter that breaks red lines: its village, week, answers that differ from a clean one
    (`changes`: step id or "start" -> fields), and what it must raise: (rule, check, group); the
    matters of one group are named together by one warning (a split, a duplicate)."""
    name: str
    village: str
    week: int
    item: str
    subject: str
    data: dict
    changes: dict = field(default_factory=dict)
    expect: tuple = ()
    hold: bool = False              # started, then left alone (to run past its time limit)


PLANTED = [
    Planted("hospitality", "lushui_village", 2, "expense_reimbursement", "报销接待费", EXPENSE,
            {"start": {"expense_category": "hospitality", "purpose": "接待上级检查工作餐"}}, (("R15", "banned_category", None),)),
    Planted("handler_witness", "taohua_village", 3, "expense_reimbursement", "报销会议用品", EXPENSE,
            {"witness_sign": {"witness_name": "王会计"}}, (("R11", "handler_approves", None),)),
    Planted("white_slip", "hongqi_village", 4, "expense_reimbursement", "报销维修费", EXPENSE,
            {"start": {"invoice_no": "白条"}}, (("R13", "white_slip", None),)),
    # (no R2: every meeting of the shipped list now checks its quorum at its own gateway, so a meeting
    # short of it ends the matter there; R2 still watches township items and matters on older versions)
    Planted("contract_early", "lushui_village", 6, "village_project", "绿水村灌溉水渠清淤", PROJECT_DITCH,
            {"sign_contract": {"signed_on": Days(-10)}}, (("R5", "contract_before_approval", None),)),
    Planted("split_a", "hongqi_village", 8, "village_project", "红旗村一组水渠硬化",
            {**PROJECT_DITCH, "project_name": "红旗村一组水渠硬化"}, {}, (("R4", "split", "split"),)),
    Planted("split_b", "hongqi_village", 10, "village_project", "红旗村二组水渠硬化",
            {**PROJECT_DITCH, "project_name": "红旗村二组水渠硬化", "amount": 60000}, {}, (("R4", "split", "split"),)),
    Planted("duplicate_a", "taohua_village", 9, "village_project", "桃花村通组道路硬化",
            {**PROJECT_ROAD, "project_name": "桃花村通组道路硬化"}, {}, (("R20", "duplicate", "duplicate"),)),
    Planted("duplicate_b", "taohua_village", 30, "village_project", "桃花村通组道路硬化（重报）",
            {**PROJECT_ROAD, "project_name": "桃花村通组道路硬化"}, {}, (("R20", "duplicate", "duplicate"),)),
    # (a price below the reserve is refused by the lease's own form: the deal is moved off the platform)
    Planted("off_platform", "lushui_village", 12, "asset_lease", "村集体原小学校舍出租", LEASE,
            {"sign_contract": {"contract_price": 52000}}, (("R7", "off_platform", None),)),
    Planted("related_lessee", "taohua_village", 14, "asset_lease", "桃花村闲置仓库出租",
            {**LEASE, "asset_name": "桃花村闲置仓库"}, {}, (("R12", "related_party", None),)),
    Planted("not_booked", "hongqi_village", 16, "asset_disposal", "旧碾米机组变卖", DISPOSAL,
            {"update_ledger": {"proceeds_booked": 10000}}, (("R14", "income_not_booked", None),)),
    Planted("cash_kept", "lushui_village", 24, "asset_disposal", "村部旧办公桌椅变卖",
            {**DISPOSAL, "asset_name": "村部旧办公桌椅"},
            {"update_ledger": {"receipt_method": "cash", "received_on": Days(-9), "cash_deposited_on": Days(-1)}},
            (("R14", "cash_deposited_late", None),)),
    Planted("short_publicity", "lushui_village", 18, "dibao", "王大山户最低生活保障申请", DIBAO_WANG,
            {"publish_first_review": {"first_review_published_on": Days(3)}}, (("R9", "publicity_short", None),)),
    Planted("paid_early", "taohua_village", 20, "dilapidated_housing", "孙德福户农村危房改造", DILAPIDATED,
            {"pay_subsidy": {"paid_on": Days(-5)}}, (("R6", "paid_before_acceptance", None),)),
    Planted("backfilled", "hongqi_village", 22, "certificate", "周明居住证明", CERTIFICATE,
            {"stamp": {"stamped_on": Days(-45)}}, (("R17", "backfilled", None),)),
    # 红旗村's second quarter published in August, after its due day (20 July).
    Planted("finance_late", "hongqi_village", 31, "finance_disclosure", "红旗村2026年第二季度财务收支公开",
            finance_period(YEAR, 2), {}, (("R10", "published_late", None),)),
    Planted("overdue", "lushui_village", 52, "certificate", "赵某居住证明", CERTIFICATE, {}, (("R19", "overdue", None),),
            hold=True),
]
RELATED = [("taohua_village", "桃花村村委会主任周某", "青山文化传播有限公司", "妻弟名下企业")]


@dataclass
class _Scene(Scene):
    changes: dict = field(default_factory=dict)
    hold: bool = False
    planted: str | None = None


class HistoryWalk(DemoWalk):
    """DemoWalk in any demo village, with a shorter step and per-matter changes of the answers."""

    def __init__(self, ctx, fixed_clock, village: str, progress=None):
        self.ctx, self.clock, self.progress, self.matters, self.village = ctx, fixed_clock, progress, [], village
        with ctx.uow() as uow:
            lineage = uow.lineage(village)
        self.units = {"village": lineage[0], "township": lineage[1], "county": lineage[2]}

    def run_until(self, scenes: list[_Scene], until: datetime | None) -> list[_Scene]:
        """Round robin as `run`, but time passes only up to `until` (the next week's start): the
        scenes still waiting on a timer then are handed back, to go on in later weeks. So the
        clock keeps to the calendar and a matter started in a week is worked on in that week."""
        if any(s.matter is not None for s in scenes):
            advance_due_timers(self.ctx, Actor.system())          # what fell due since last week
            for scene in scenes:
                if scene.matter is not None:
                    scene.matter = matters.get_matter(self.ctx, Actor.system(), scene.matter.id)
                    scene.done = scene.done or scene.matter.status != "running"
        for scene in scenes:
            if scene.matter is None:
                self._start(scene)
        while any(not s.done for s in scenes):
            moved = [self._advance(s) for s in scenes if not s.done]
            waiting = [s for s in scenes if not s.done]
            if waiting and not any(moved):
                due = [datetime.fromisoformat(t.due) for s in waiting for t in s.matter.waiting_timers]
                if until is not None and due and min(due) >= until:
                    break
                self._let_time_pass(waiting)
        return [s for s in scenes if not s.done]

    def _resolve(self, values: dict) -> dict:
        today = self.clock.now().astimezone(BEIJING).date()
        return {k: (today + timedelta(days=int(v))).isoformat() if isinstance(v, Days) else v for k, v in values.items()}

    def _start(self, scene) -> None:
        version = self.ctx.catalog().processes[scene.item]
        starter = self.actor(version.start_role)
        answer = self._resolve({**scene.data, **scene.changes.get("start", {})})
        data = self._values(scene.item, starter, {f.name: f for f in version.start_form.fields}, answer, {})
        self.clock.advance(STEP)
        scene.matter = matters.start_matter(self.ctx, starter, scene.item, self.village, scene.subject, data)
        scene.done = scene.hold

    def _answer(self, item: str, step: StepView) -> dict:
        answers = ANSWERS_ALL[item]
        found = answers.get(f"{step.process_key}.{step.step_id}", answers.get(step.step_id))
        if found is None:
            raise RuntimeError(f"the demo year has no answer for {item}: {step.process_key}.{step.step_id}")
        return found

    def _advance(self, scene) -> bool:
        matter = scene.matter
        ready = [s for s in matter.ready_steps if not s.objection_intake]
        if matter.status != "running" or not ready:
            scene.done = matter.status != "running"
            return False
        step = ready[0]
        answer = self._resolve({**self._answer(scene.item, step), **scene.changes.get(step.step_id, {})})
        actor = self.actor(step.role)
        task = matters.get_task(self.ctx, actor, step.id)
        self.clock.advance(STEP)
        try:
            data = self._values(scene.item, actor, {f["name"]: f for f in task.form}, answer, matter.data)
            scene.matter = matters.complete_step(self.ctx, actor, step.id, data)
        except Forbidden:
            colleague = self.colleague(step.role)
            data = self._values(scene.item, colleague, {f["name"]: f for f in task.form}, answer, matter.data)
            scene.matter = matters.complete_step(self.ctx, colleague, step.id, data)
        return True


# Every village publishes each quarter's finances in the second week after the quarter (due on the
# 20th of its first month; the fourth quarter's in January of the next year), but for the planted
# late one.
FINANCE = [(week, village, quarter) for quarter, week in ((1, 14), (2, 27), (3, 40), (4, 54)) for village in VILLAGES
           if (village, quarter) != ("hongqi_village", 2)]


def plan(total: int, seed: int = 2026) -> dict[int, list[tuple[str, _Scene]]]:
    """Week -> [(village, scene)]: the planted matters in their weeks, each village's quarterly
    finance statements, and `total` in all."""
    rng = random.Random(seed)
    weeks: dict[int, list] = {}
    for p in PLANTED:
        weeks.setdefault(p.week, []).append((p.village, _Scene(p.item, p.subject, dict(p.data), changes=p.changes,
                                                                hold=p.hold, planted=p.name)))
    for week, village, quarter in FINANCE:
        period = finance_period(YEAR, quarter)
        weeks.setdefault(week, []).append((village, _Scene("finance_disclosure", period["summary"], period)))
    for n in range(max(total - len(PLANTED) - len(FINANCE), 0)):
        week, village = n % 52 + 1, VILLAGES[n % len(VILLAGES)]
        if rng.random() < 0.5:
            scene = _Scene("certificate", f"居住证明（{n + 1}）", {**CERTIFICATE, "applicant_name": f"村民{n + 1}"})
        else:
            amount = rng.choice((300, 800, 1500, 1980))
            scene = _Scene("expense_reimbursement", f"办公费用报销（{n + 1}）", {**EXPENSE, "amount": amount})
        weeks.setdefault(week, []).append((village, scene))
    return weeks


@dataclass(frozen=True, slots=True)
class DemoYear:
    """A walked demo year: how many matters, the planted ones by name, what the closing sweep found,
    the warnings the planted ones must raise and when the year's clock stopped."""
    matters: int
    planted: dict[str, int]                                 # {planted scene: matter id}
    sweep: SweepTotals
    expected: tuple[tuple[str, str, tuple[int, ...]], ...]  # (rule, check, matter ids), sorted
    ended_at: datetime


def walk_history(ctx, total: int = 3000, seed: int = 2026, progress=None) -> DemoYear:
    """Drive the demo year. Needs the demo county and its users (seed_demo)."""
    start = datetime(YEAR, 1, 5, 9, 0, tzinfo=BEIJING).astimezone(timezone.utc)
    fixed = clock.FixedClock(start)
    planted: dict[str, int] = {}
    count = 0
    with clock.use_clock(fixed):
        for village, cadre, party, relation in RELATED:
            registers.add_related(ctx, Actor.system(), village, cadre, party, relation)
        weeks, waiting = plan(total, seed), {village: [] for village in VILLAGES}
        for week in range(1, max(weeks) + 1):
            fixed.at = max(fixed.at, start + timedelta(weeks=week - 1))
            for village in VILLAGES:
                new = [s for v, s in weeks.get(week, []) if v == village]
                if new or waiting[village]:
                    waiting[village] = HistoryWalk(ctx, fixed, village).run_until(
                        waiting[village] + new, start + timedelta(weeks=week))
                    planted.update({s.planted: s.matter.id for s in new if s.planted})
                    count += len(new)
            if progress:
                progress(week, count)
        for village in VILLAGES:                  # what is still running finishes
            HistoryWalk(ctx, fixed, village).run_until(waiting[village], None)
        fixed.advance(timedelta(days=10))         # the held matter runs past its time limit
        totals = redlines.sweep(ctx, Actor.system())
    return DemoYear(matters=count, planted=planted, sweep=totals, expected=tuple(expected(planted)), ended_at=fixed.at)


def expected(planted: dict[str, int]) -> list[tuple]:
    """(rule, check, matter ids) of every warning the planted matters must raise."""
    groups: dict[tuple, list] = {}
    for p in PLANTED:
        for rule, check, group in p.expect:
            groups.setdefault((rule, check, group or p.name), []).append(planted[p.name])
    return sorted((rule, check, tuple(sorted(ids))) for (rule, check, _), ids in groups.items())

