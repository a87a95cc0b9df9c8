"""The walked demo: matters of 绿水村 driven through the real services, so that the public portal
has something to show (`xiaowei demo`; `--no-walk` skips it).

Each step is done by the demo user holding its role (separation of duties holds), with the
answers of engine/services/demo_answers.py and an uploaded stand-in for every required evidence
file. Time is a fixed clock moved forward: two hours per step, and past each timer when every
matter is waiting, the timer worker firing what is due. The first scenes run from about ten weeks
ago to their end; the last ones start twelve days ago and stop right after a notice is published,
so that their publicity periods are still open when the demo is looked at. Idempotent: a database
that already holds the demo's first project is left alone."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .. import clock
from ..errors import Forbidden
from ..identity import Actor, Grant
from . import attachments, identity, matters
from .demo import DEMO_PASSWORD, demo_username
from .demo_answers import (ANSWERS, CERTIFICATE, DEMOCRATIC_FINANCE, DIBAO_LI, DIBAO_WANG, DILAPIDATED, DISABILITY,
                           DISASTER, DISPOSAL, EXTREME_POVERTY, FARM_SUBSIDY, FARM_SUBSIDY_ROSTER, FILE, HOMESTEAD,
                           INVESTMENT, LAND_CONTRACT, LEASE, MEDICAL, MEMBERSHIP, MONITORING, PROJECT_CHANGE,
                           PROJECT_DITCH, PROJECT_ROAD, SQUARE, TEMP_ASSIST, TODAY, VISIT, Copy, Quarter, Share)
from .timers import advance_due_timers
from .views import MatterView, StepView

VILLAGE = "lushui_village"
STEP = timedelta(hours=2)
BEIJING = timezone(timedelta(hours=8))
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HISTORY_DAYS, OPEN_DAYS = 75, 12


@dataclass
class Scene:
    """One demo matter: what starts it and where it stops (None: at its end)."""
    item: str
    subject: str
    data: dict
    stop_after: str | None = None      # a step id: the scene ends once it has been done
    matter: MatterView | None = field(default=None, repr=False)
    done: bool = False


HISTORY = [
    Scene("village_project", "绿水村三组通组道路硬化", PROJECT_ROAD),
    Scene("dibao", "王大山户最低生活保障申请", DIBAO_WANG),
    Scene("temporary_assistance", "李小梅户临时救助申请", TEMP_ASSIST),
    Scene("disability_subsidy", "赵秀兰残疾人两项补贴申请", DISABILITY),
    Scene("farm_subsidy", "刘长根户2026年耕地地力保护补贴", FARM_SUBSIDY),
    Scene("farm_subsidy_roster", "绿水村2026年耕地地力保护补贴清册", FARM_SUBSIDY_ROSTER),
    Scene("extreme_poverty", "陈桂芬特困人员供养申请", EXTREME_POVERTY),
    Scene("medical_assistance", "吴春花医疗救助申请", MEDICAL),
    Scene("poverty_monitoring", "赵铁柱户防返贫监测", MONITORING, stop_after="assist_plan"),   # then visited every few months
    Scene("dilapidated_housing", "孙德福户农村危房改造", DILAPIDATED),
    Scene("certificate", "周明居住证明", CERTIFICATE),
    Scene("disaster_relief", "6·18暴雨洪涝灾害救助", DISASTER),
    Scene("homestead", "张建国户宅基地申请", HOMESTEAD),
    Scene("asset_disposal", "旧碾米机组变卖", DISPOSAL),
    Scene("asset_lease", "村集体原小学校舍出租", LEASE),
    Scene("land_contracting", "村东机动地发包", LAND_CONTRACT),
    # the yearly return checks come a year on: the demo stops once the investment is published
    Scene("collective_investment", "入股青山农旅专业合作社", INVESTMENT, stop_after="publish_result"),
    Scene("membership_confirmation", "王小雨集体经济组织成员身份确认", MEMBERSHIP),
    Scene("project_change", "绿水村三组通组道路硬化路基换填变更", PROJECT_CHANGE),
    Scene("democratic_finance", "上季度民主理财", DEMOCRATIC_FINANCE),
    Scene("nonproductive_expense", "重阳节走访慰问高龄老人", VISIT),
]
STILL_OPEN = [
    Scene("village_project", "绿水村灌溉水渠清淤", PROJECT_DITCH, stop_after="sign_contract"),
    Scene("major_decision", "修建村文化广场", SQUARE, stop_after="publish_result"),
    Scene("dibao", "李秀英户最低生活保障申请", DIBAO_LI, stop_after="publish_result"),
]


def walk_demo(ctx, progress=None, now: datetime | None = None) -> list[MatterView]:
    """Walk every scene; the matters afterwards (nothing when the demo was walked before)."""
    if _walked(ctx):
        return []
    now = now or clock.now()
    walk = DemoWalk(ctx, clock.FixedClock(now - timedelta(days=HISTORY_DAYS)), progress)
    with clock.use_clock(walk.clock):
        walk.run([Scene(**{**s.__dict__}) for s in HISTORY])
        if walk.clock.now() > now - timedelta(days=OPEN_DAYS):
            raise RuntimeError("the demo's history ran past its time: start it earlier (HISTORY_DAYS)")
        walk.clock.at = now - timedelta(days=OPEN_DAYS)
        walk.run([Scene(**{**s.__dict__}) for s in STILL_OPEN])
        if walk.clock.now() > now:
            raise RuntimeError("the demo's open scenes ran past now: start them earlier (OPEN_DAYS)")
    return walk.matters


def _walked(ctx) -> bool:
    found, _ = matters.list_matters(ctx, Actor.system(), {"village": VILLAGE, "process_key": "village_project"}, 1, 50)
    return any(m.subject == HISTORY[0].subject for m in found)


class DemoWalk:
    def __init__(self, ctx, fixed_clock, progress=None):
        self.ctx, self.clock, self.progress, self.matters = ctx, fixed_clock, progress, []
        with ctx.uow() as uow:
            lineage = uow.lineage(VILLAGE)
        self.units = {"village": lineage[0], "township": lineage[1], "county": lineage[2]}

    def run(self, scenes: list[Scene]) -> None:
        """Round robin: one step of each scene in turn; when every open scene waits on a timer,
        let time pass to the first one due."""
        for scene in scenes:
            self._start(scene)
        while any(not s.done for s in scenes):
            moved = [self._advance(s) for s in scenes if not s.done]
            waiting = [s for s in scenes if not s.done]
            if waiting and not any(moved):
                self._let_time_pass(waiting)
        self.matters += [s.matter for s in scenes]

    def actor(self, role: str) -> Actor:
        unit = self.units[self.ctx.roles[role].level]
        return Actor(demo_username(role, unit), frozenset({Grant(role, unit)}))

    def colleague(self, role: str) -> Actor:
        """A second demo user holding the role, for a step its first holder may not do (the
        approver of a payment does not also pay it out), created the first time it is needed."""
        unit = self.units[self.ctx.roles[role].level]
        username = demo_username(role, unit).replace(".", "2.", 1)
        with self.ctx.uow() as uow:
            exists = uow.users.by_name(username) is not None
        if not exists:
            identity.create_user(self.ctx, Actor.system(), username, f"{self.ctx.roles[role].name}（二）", DEMO_PASSWORD)
            identity.grant_role(self.ctx, Actor.system(), username, role, unit)
        return Actor(username, frozenset({Grant(role, unit)}))

    def _start(self, scene: Scene) -> None:
        version = self.ctx.catalog().processes[scene.item]
        starter = self.actor(version.start_role)
        data = self._values(scene.item, starter, {f.name: f for f in version.start_form.fields}, scene.data, {})
        self.clock.advance(STEP)
        scene.matter = matters.start_matter(self.ctx, starter, scene.item, VILLAGE, scene.subject, data)
        self._say(f"{scene.subject}：已发起")

    def _advance(self, scene: Scene) -> bool:
        matter = scene.matter
        ready = [s for s in matter.ready_steps if not s.objection_intake]
        if matter.status != "running" or not ready:
            scene.done = matter.status != "running"
            return False
        step = ready[0]
        actor = self.actor(step.role)
        task = matters.get_task(self.ctx, actor, step.id)
        answer = self._answer(scene.item, step)
        data = self._values(scene.item, actor, {f["name"]: f for f in task.form}, answer, matter.data)
        self.clock.advance(STEP)
        try:
            scene.matter = matters.complete_step(self.ctx, actor, step.id, data)
        except Forbidden:          # separation of duties: another holder of the role does it, with
            colleague = self.colleague(step.role)     # evidence of their own (a file is its uploader's)
            data = self._values(scene.item, colleague, {f["name"]: f for f in task.form}, answer, matter.data)
            scene.matter = matters.complete_step(self.ctx, colleague, step.id, data)
        self._say(f"{scene.subject}：{step.name}（{step.role_name}）")
        if scene.stop_after == step.step_id:
            scene.done = True
        return True

    def _answer(self, item: str, step: StepView) -> dict:
        answers = ANSWERS[item]
        found = answers.get(f"{step.process_key}.{step.step_id}", answers.get(step.step_id))
        if found is None:
            raise RuntimeError(f"the demo has no answer for {item}: {step.process_key}.{step.step_id}")
        return found

    def _values(self, item: str, actor: Actor, form: dict, answer: dict, data: dict) -> dict:
        """The answer with its markers resolved and every required evidence file uploaded."""
        values = {}
        for name, value in answer.items():
            if value is TODAY:
                value = self.clock.now().astimezone(BEIJING).date().isoformat()
            elif isinstance(value, Quarter):
                value = value.resolve(self.clock.now().astimezone(BEIJING).date())
            elif isinstance(value, Copy):
                value = data[str(value)]
            elif isinstance(value, Share):
                value = round(data["amount"] * float(value), 2)
            elif value is FILE:
                continue
            values[name] = value
        for name, spec in form.items():
            kind, required = (spec.type, spec.required) if hasattr(spec, "type") else (spec["type"], spec["required"])
            label = spec.label if hasattr(spec, "label") else spec["label"]
            if kind == "file" and (required or answer.get(name) is FILE) and not values.get(name):
                values[name] = [attachments.upload_attachment(self.ctx, actor, f"{label}.pdf", SAMPLE_PDF).id]
        return values

    def _let_time_pass(self, scenes: list[Scene]) -> None:
        due = [datetime.fromisoformat(t.due) for s in scenes for t in s.matter.waiting_timers]
        if not due:
            stuck = [(s.subject, [r.step_id for r in s.matter.ready_steps]) for s in scenes]
            raise RuntimeError(f"the demo is stuck: {stuck}")
        self.clock.at = max(self.clock.now(), min(due) + timedelta(minutes=1))
        advance_due_timers(self.ctx, Actor.system())
        for scene in scenes:
            scene.matter = matters.get_matter(self.ctx, Actor.system(), scene.matter.id)
            if scene.matter.status != "running":
                scene.done = True

    def _say(self, text: str) -> None:
        if self.progress:
            self.progress(text)
