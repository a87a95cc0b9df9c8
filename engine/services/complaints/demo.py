"""Demo complaints (`xiaowei demo`), so the portal's 群众诉求 and the statistics page are not empty:
one filed by the chat-group bot, answered and rated satisfied (its reporter agreed to publication);
one entered by the village clerk, handed to the township and still in hand; one of 桃花村 the
village let run past its limit, supervised by the timer worker (督办单). Driven through the real
services, as the demo users holding each step's role, on a clock set back in time. Idempotent: a
database that already holds complaints is left alone."""
from __future__ import annotations

from datetime import timedelta

from ... import clock
from ...identity import Actor, Grant
from ..demo import DEMO_PASSWORD, UNITS, demo_username
from ..identity import create_user, grant_role
from ..matters import complete_step, get_matter
from ..timers import advance_due_timers
from .intake import file_complaint
from .views import FiledComplaint

SYSTEM = Actor.system()
CASES = [
    ("lushui_village", "COMPLAINT_BOT", "demo_county",
     {"category": "finance", "channel": "wechat", "content": "村里去年收的卫生保洁费，一直没看到收支明细公开，请核实。",
      "concerned_matter": "卫生保洁费收支", "publish_consent": True},
     {"name": "李桂香", "phone": "13900001111"}, "village", "satisfied",
     "保洁费收支明细（收入12,600元、支出11,850元）已于本周在村务公开栏和平台公开，结余转入下年保洁经费。"),
    ("lushui_village", "REPORTING_CLERK", "lushui_village",
     {"category": "project", "channel": "visit", "content": "三组通组道路硬化后路边排水沟没有修，下雨积水进院子。",
      "concerned_matter": "绿水村三组通组道路硬化", "publish_consent": True},
     {"name": "周建华", "phone": "13900002222", "address": "绿水村三组"}, "township", None, None),
    ("taohua_village", "REPORTING_CLERK", "taohua_village",
     {"category": "relief", "channel": "phone", "content": "我家去年申请低保，村里一直说在审核，不知道进展。",
      "publish_consent": False},
     {"name": "吴老汉"}, "village", None, None),
]


def _actor(role: str, unit: str) -> Actor:
    return Actor(demo_username(role, unit), frozenset({Grant(role, unit)}))


def seed_demo_complaints(ctx) -> list[FiledComplaint]:
    with ctx.uow(readonly=True) as uow:
        if uow.complaints.search(None, {}, 0, 1)[1]:
            return []
    start = clock.FixedClock(clock.now() - timedelta(days=40))
    made = []
    with clock.use_clock(start):
        for village, role, unit, data, reporter, level, rating, answer in CASES:
            township = "baiyun_town" if village == "hongqi_village" else "qingshan_town"
            filed = file_complaint(ctx, _actor(role, unit), village, data, reporter)
            start.advance(timedelta(hours=3))
            _do(ctx, filed, "accept", _actor("TOWNSHIP_DISCIPLINE", township), {
                "accept_decision": "accept", "accept_note": "属于村务问题，予以受理",
                "public_summary": data["content"].split("，")[0] + "，请求核实处理"})
            _do(ctx, filed, "assign", _actor("TOWNSHIP_DISCIPLINE", township), {
                "handler_level": level, "assign_note": "请核实后按时限答复反映人"})
            if answer:
                start.advance(timedelta(days=2))
                _do(ctx, filed, f"handle_{level}", _actor("VILLAGE_COMMITTEE", village),
                    {"handling_facts": "经查属实，已整改", "answer": answer})
                start.advance(timedelta(days=1))
                # The rating is recorded by someone who did not handle the case (separation of duties).
                _do(ctx, filed, "rate", _callback_clerk(ctx, township),
                    {"rating": rating, "rating_channel": "phone", "rating_note": "满意"})
            start.advance(timedelta(days=1))
            made.append(filed)
    advance_due_timers(ctx, SYSTEM)          # the 桃花村 case is past its limit now: 督办
    return made


def _callback_clerk(ctx, township: str) -> Actor:
    """A second user of the township's 纪委 who phones the reporter back (回访): a real user with a
    name, so the matter's history shows who recorded the rating, as it does for every other step."""
    username = f"callback.{township}"
    with ctx.uow(readonly=True) as uow:
        exists = uow.users.by_name(username) is not None
    if not exists:
        name = next(n for code, n, _, _ in UNITS if code == township)
        create_user(ctx, SYSTEM, username, f"{name}纪委回访员", DEMO_PASSWORD)
        grant_role(ctx, SYSTEM, username, "TOWNSHIP_DISCIPLINE", township)
    return Actor(username, frozenset({Grant("TOWNSHIP_DISCIPLINE", township)}))


def _do(ctx, filed: FiledComplaint, step_id: str, actor, data: dict) -> None:
    matter = get_matter(ctx, SYSTEM, filed.matter_id)
    task = next(s for s in matter.ready_steps if s.step_id == step_id)
    complete_step(ctx, actor, task.id, data)
