"""A matter's history (its page and its dossier, api/web/timeline.py) says every event in words:
each audit event the engine can append with a matter's number has a Chinese name, and the newer
ones a detail without a code name in it. (The demo's answered complaint showed `complaint_registered`
as its second event, and the 纪委's 督办单 no name at all.)"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.web.timeline import EVENT_NAMES, entry
from engine.services.views import EventView

ENGINE = Path(__file__).resolve().parents[2] / "engine"
# The modules whose (name, payload) pairs become a matter's events through save_matter(events=...):
# the workflow's own (a timer fired, an engine error) and a publicity period held for an objection.
ENGINE_EVENT_MODULES = ("runtime.py", "services/timers.py", "services/objections.py")


def matter_events() -> set[str]:
    """Event names appended to the chain with a matter (the third argument not None), and the
    engine events saved with a matter."""
    found = set()
    for path in ENGINE.rglob("*.py"):
        relative = path.relative_to(ENGINE).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append"
                    and len(node.args) >= 3 and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and ast.unparse(node.args[2]) != "None"):
                found.add(node.args[0].value)
            if (relative in ENGINE_EVENT_MODULES and isinstance(node, ast.Tuple) and len(node.elts) == 2
                    and isinstance(node.elts[0], ast.Constant) and isinstance(node.elts[0].value, str)
                    and isinstance(node.elts[1], (ast.Dict, ast.Call))):
                found.add(node.elts[0].value)
    return found


def test_every_event_a_matter_can_hold_has_a_name():
    events = matter_events()
    assert {"matter_started", "step_completed", "timer_fired", "engine_error", "publicity_held",
            "complaint_registered", "supervision_issued"} <= events              # the scan finds them
    assert sorted(events - EVENT_NAMES.keys()) == []
    assert all(re.search(r"[a-z_]{3}", name) is None for name in EVENT_NAMES.values())


def event(name: str, payload: dict) -> EventView:
    return EventView(seq=7, at="2026-11-01T02:38:00+00:00", event=name, actor="callback.qingshan_town",
                     matter_id=25, payload=payload, hash="ab" * 32, prev_hash="cd" * 32)


@pytest.mark.parametrize("name, payload, words", [
    ("complaint_registered", {"complaint": "SQ2026-000001", "channel": "wechat", "received_at": "2026-10-28T15:38:00+00:00",
                              "about_cadre": False}, "诉求编号 SQ2026-000001，渠道：监督微信群，收到于 2026-10-28 23:38"),
    ("supervision_issued", {"number": "DB2026-000003-1", "complaint": "SQ2026-000003", "overdue_step": "村委会办理并答复",
                            "new_due": "2026-12-12T15:38:00+00:00"}, "督办单 DB2026-000003-1：村委会办理并答复超期，限 2026-12-12 23:38 前办结"),
    ("complaint_merged", {"complaint": "SQ2026-000004", "into": "SQ2026-000002", "reason": "同一问题"},
     "SQ2026-000004 并入 SQ2026-000002 办理，原因：同一问题"),
    ("complaint_merged_in", {"complaint": "SQ2026-000002", "duplicate": "SQ2026-000004", "reason": "同一问题"},
     "SQ2026-000004 并入本件（SQ2026-000002）办理，原因：同一问题"),
    ("public_rating_received", {"complaint": "SQ2026-000001", "rating": "satisfied"}, "诉求 SQ2026-000001：满意"),
    ("public_objection_dismissed", {"objection_id": 3, "task_id": "t", "step": "result_objection", "reason": "与本公示无关"},
     "异议编号 3，理由：与本公示无关"),
    ("publicity_held", {"element": "result_publicity", "name": "结果公示期", "due": "2026-11-08T00:00:00+00:00",
                        "reason": "公示期已满，网上提出的异议尚待村务监督委员会处理，暂不视为公示期满"},
     "结果公示期：公示期已满，网上提出的异议尚待村务监督委员会处理，暂不视为公示期满"),
])
def test_the_newer_events_read_in_words(name, payload, words):
    shown = entry(event(name, payload), {}, {}, {"callback.qingshan_town": "青山镇纪委回访员"})
    assert shown["what"] == EVENT_NAMES[name] and shown["detail"] == words
    assert shown["actor_name"] == "青山镇纪委回访员"
